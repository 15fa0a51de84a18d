// `@loom/llm-testing/mock`: MockLLM alone, for every runtime (Node.js, Bun, Deno, Cloudflare
// Workers, browsers). The package's main entry has it too, beside the fake server and the
// recording proxy, which need Node.js's `node:http` (Bun and Deno have it; a browser or a Worker
// does not).
export { MockExhaustedError, type MockExhaustedErrorOptions } from "./mock-exhausted-error.js";
export { MockLLM, type MockLLMOptions } from "./mock-llm.js";
export type { MockReply, MockResponse } from "./mock-reply.js";
