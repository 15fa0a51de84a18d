import type { ProtocolName } from "@loom/llm-types";
import type { ModelPrice } from "../cost/model-price.js";

/** Wire option names (snake_case, as sent) a model may reject. */
export type WireOption =
  | "temperature"
  | "top_p"
  | "presence_penalty"
  | "frequency_penalty"
  | "logprobs"
  | "top_logprobs"
  | "logit_bias"
  | "stop"
  | "seed"
  | "user"
  | "parallel_tool_calls";

/**
 * Whether earlier assistant turns' `reasoning_content` is sent back: `never` (DeepSeek R1
 * answers 400 if it is), `always` (`""` where a turn had none), or `when-thinking`: only when
 * the request enables thinking mode (`thinking: {type: "enabled"}` in `extraBody`), which
 * DeepSeek then requires.
 */
export type ReasoningReplay = "never" | "always" | "when-thinking";

/** Rules for one model of a preset; they win over the preset's own. */
export interface ModelRules {
  /**
   * Options the model rejects: not sent, with a one-time warning if the caller set them. Replaces
   * the preset's list (`[]` lifts it for a model that accepts everything).
   */
  unsupportedOptions?: readonly WireOption[];
  reasoningReplay?: ReasoningReplay;
}

/** What a named provider is: defaults and wire rules, as data. */
export interface ProviderPreset {
  baseUrl: string;
  model: string;
  /**
   * The wire protocol the API speaks natively, for the client's config (`protocol`); a config
   * may pick another the API also serves (`openai-chat` for Anthropic's OpenAI layer,
   * `openai-responses` for OpenAI). The chat-completions rules below (response formats,
   * renamed options, `maxTokensField`, `maxChoices`, reasoning replay) apply when the client
   * speaks `openai-chat`. @default "openai-chat"
   */
  protocol?: ProtocolName;
  /** The environment variable holding the key. */
  apiKeyEnv?: string;
  /** Whether a call without a key is pointless (hosted APIs); then a missing key fails construction. */
  requiresKey?: boolean;
  /** Send `stream_options.include_usage`. @default true */
  streamUsage?: boolean;
  /**
   * Response formats the API accepts. A `json_schema` request it does not accept is sent as
   * `json_object` with the schema in the system message, or, without `json_object` either, as
   * that instruction alone; a `json_object` request it does not accept goes as a `json_schema`
   * for any object, or as an instruction. The reply is validated either way. @default all
   */
  responseFormats?: readonly ("text" | "json_object" | "json_schema")[];
  /** Options every model of the API rejects: not sent, with a one-time warning (see `ModelRules`). */
  unsupportedOptions?: readonly WireOption[];
  /** Options the API knows by another name (Mistral's `random_seed` for `seed`). */
  renamedOptions?: Readonly<Partial<Record<WireOption, string>>>;
  /**
   * The most answers (`n`) one request may ask for; a call asking for more is a `ConfigError`
   * before anything is sent, rather than fewer answers than asked or a 400. @default unbounded
   */
  maxChoices?: number;
  /** @default "never" */
  reasoningReplay?: ReasoningReplay;
  /** Whether the server honours `response_format`; if not, JSON is also sought in fences and prose. @default true */
  enforcesResponseFormat?: boolean;
  /**
   * The wire name of `maxTokens`: `max_tokens` (most servers), or `max_completion_tokens`
   * (OpenAI's current name; its reasoning models refuse the old one). @default "max_tokens"
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /**
   * Rules by model name: an exact name, or a pattern where `*` stands for any run of
   * characters (`o3*`, `grok-*non-reasoning*`). An exact name wins, then the pattern with the
   * most characters besides its `*`s.
   */
  models?: Readonly<Record<string, ModelRules>>;
  /**
   * Where the API's Responses endpoint reads a response format: `text.format` (OpenAI's
   * documented field), or chat completions' `response_format` as well (llama.cpp's
   * `/v1/responses` ignores `text.format`). @default "text.format"
   */
  responsesFormatField?: "text.format" | "response_format";
  /** Prices by model name, over the built-in table. */
  prices?: Readonly<Record<string, ModelPrice>>;
}
