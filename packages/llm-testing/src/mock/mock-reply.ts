import type { ChatRequest, FinishReason, Usage } from "@loom/llm-types";

/** A scripted response: every field optional, the rest filled in as a real server would. */
export interface MockResponse {
  /** @default "" */
  content?: string;
  /** Tool calls; `arguments` as a value or its exact JSON string. Ids default to `call_<n>_<i>`. */
  toolCalls?: { id?: string; name: string; arguments: unknown }[];
  reasoningContent?: string;
  /**
   * The model declined (OpenAI's `refusal`): set on the response, streamed as `refusal` events.
   * With no `content`, a `responseFormat` is not applied, as the client does not apply it.
   */
  refusal?: string;
  /** @default "tool_calls" with tool calls, else "stop" */
  finishReason?: FinishReason | null;
  /** @default an estimate (about four characters a token), reported */
  usage?: Partial<Usage>;
  /** @default the requested model, else the mock's */
  model?: string;
  /** @default `mock-<n>` */
  id?: string;
  /** The text pieces `stream()` yields. @default the content split by the mock's `chunking` */
  chunks?: string[];
}

/**
 * What a `MockLLM` answers: text, a partial response, an error to throw (the real classes:
 * `new RateLimitError({...})`), or a function of the request (sync or async) returning any of
 * these.
 */
export type MockReply =
  | string
  | MockResponse
  | Error
  | ((request: ChatRequest, call: number) => MockReply | Promise<MockReply>);
