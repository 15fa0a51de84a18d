import type { FinishReason } from "./finish-reason.js";
import type { LLMChoice } from "./llm-choice.js";
import type { AssistantMessage } from "./message.js";
import type { ToolCall } from "./tool-call.js";
import type { Usage } from "./usage.js";

/**
 * The answer to one call (or a whole stream), normalised across providers. With `n > 1` the
 * top-level fields are the first choice's, and `choices` holds them all.
 */
export interface LLMResponse<TParsed = unknown> {
  /** The text of the reply; `""` when the model only called tools. */
  content: string;
  /** `null` when the server did not say (some local servers). */
  finishReason: FinishReason | null;
  /**
   * The stop reason as the server wrote it, when the protocol names it otherwise than
   * `finishReason` (Anthropic's `end_turn`, `pause_turn`; the Responses API's `incomplete`
   * reason `max_output_tokens`).
   */
  nativeFinishReason?: string;
  usage: Usage;
  /** Tool calls with parsed arguments; `[]` when none. */
  toolCalls: ToolCall[];
  /**
   * Why the model declined to answer, when it did (OpenAI's `refusal`, typically with structured
   * outputs): `content` is then `""` and, with a response format, `parsed` is left unset.
   */
  refusal?: string;
  /** The model's reasoning, when it returned any (DeepSeek reasoner, vLLM `reasoning`). */
  reasoningContent?: string;
  /** The model the server says answered; it may differ from the one requested. */
  model: string;
  /** The completion id the server assigned. */
  id: string;
  /** The request id from the response headers, for support tickets. */
  requestId?: string;
  /** The provider that answered (under a fallback chain, the one that succeeded). */
  provider: string;
  /** Attempts it took, retries included (1 when the first one answered). */
  attempts?: number;
  /** Estimated cost in USD, when a price for the model is known. */
  costUsd?: number;
  /**
   * The reply parsed as JSON and validated, when the request asked for `json_schema` or
   * `json_object`; typed by a zod schema.
   */
  parsed?: TParsed;
  /** The assistant turn, ready to push into `messages` for the next request. */
  message: AssistantMessage;
  /**
   * Every answer, in `index` order, when the server returned more than one (`n > 1`); the first
   * is the one the top-level fields describe. Absent for a single answer. `usage` and
   * `costUsd` cover them all.
   */
  choices?: LLMChoice<TParsed>[];
}
