import type { ChatRequest } from "@loom/llm-types";

// OpenAI's reasoning models: o1, o3, o4-mini…, gpt-5 and its variants, codex-mini; a gateway
// may prefix them with the vendor (`openai/o3`).
const REASONING_MODEL = /(^|\/)(o\d|gpt-5|codex)/i;

/**
 * Whether to ask for `include: ["reasoning.encrypted_content"]`: the reasoning of a stateless
 * (`store: false`) turn survives into the next request only as its encrypted content. Models
 * that do not reason reject the include with 400 "Encrypted content is not supported with this
 * model." (`param: "include"`, reported for gpt-4o in ShishirPatil/gorilla#1148 and
 * OpenHands/software-agent-sdk#1208), so it is asked for only when the request sets
 * `reasoning` or the model's name is one of OpenAI's reasoning models. Any other model that
 * reasons still gets it with `reasoning` set (or `extraBody.include`).
 */
export function wantsEncryptedReasoning(model: string, request: ChatRequest): boolean {
  return request.reasoning !== undefined || REASONING_MODEL.test(model);
}
