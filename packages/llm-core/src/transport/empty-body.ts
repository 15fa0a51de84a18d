import type { ResponseBody } from "@loom/llm-types";

/**
 * A body with nothing in it: what an error status is read with when its own body cannot be (a
 * coding the runtime's fetch left undecoded), so the status still decides what the error is.
 */
export function emptyBody(): ResponseBody {
  return {
    async *[Symbol.asyncIterator]() {},
    text: async () => "",
    destroy() {},
  };
}
