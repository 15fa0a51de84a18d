// Every span attribute, event and metric name this package writes, in one place: the GenAI
// semantic conventions (v1.41, status Development) are still changing, and the next release
// renames several of them.

/** Loom's own attribute names (`llm.*`). */
export const LLM_PROVIDER = "llm.provider";
/** `llm.protocol`: the wire protocol (`openai-chat`, `anthropic-messages`, `openai-responses`). */
export const LLM_PROTOCOL = "llm.protocol";
/** `llm.model` */
export const LLM_MODEL = "llm.model";
/** `llm.tokens.prompt` */
export const LLM_TOKENS_PROMPT = "llm.tokens.prompt";
/** `llm.tokens.completion` */
export const LLM_TOKENS_COMPLETION = "llm.tokens.completion";
/** `llm.latency.ms` */
export const LLM_LATENCY_MS = "llm.latency.ms";
/** `llm.cost.usd` */
export const LLM_COST_USD = "llm.cost.usd";
/** `llm.attempts` */
export const LLM_ATTEMPTS = "llm.attempts";
/** `llm.stream.cancelled` */
export const LLM_STREAM_CANCELLED = "llm.stream.cancelled";
/** `loom.agent.id` */
export const LOOM_AGENT_ID = "loom.agent.id";

/** OpenTelemetry GenAI semantic conventions. */
export const GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
/** `gen_ai.provider.name` */
export const GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
/** `gen_ai.request.model` */
export const GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
/** `gen_ai.response.model` */
export const GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
/** `gen_ai.response.id` */
export const GEN_AI_RESPONSE_ID = "gen_ai.response.id";
/** `gen_ai.request.choice.count`, set when more than one answer was asked for. */
export const GEN_AI_REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count";
/** `gen_ai.response.finish_reasons` */
export const GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
/** `gen_ai.response.time_to_first_chunk` */
export const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";
/** `gen_ai.request.temperature` */
export const GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
/** `gen_ai.request.max_tokens` */
export const GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
/** `gen_ai.request.top_p` */
export const GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p";
/** `gen_ai.request.stream` */
export const GEN_AI_REQUEST_STREAM = "gen_ai.request.stream";
/** `gen_ai.usage.input_tokens` */
export const GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
/** `gen_ai.usage.output_tokens` */
export const GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
/** `gen_ai.usage.cache_read.input_tokens` */
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
/** `gen_ai.usage.cache_creation.input_tokens` */
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
/** `gen_ai.usage.reasoning.output_tokens` */
export const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
/** `gen_ai.input.messages` */
export const GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
/** `gen_ai.output.messages` */
export const GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
/** `gen_ai.token.type` */
export const GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
/** `server.address` */
export const SERVER_ADDRESS = "server.address";
/** `server.port` */
export const SERVER_PORT = "server.port";
/** `error.type` */
export const ERROR_TYPE = "error.type";

/** The `gen_ai.operation.name` of every span here. */
export const OPERATION_CHAT = "chat";

/** The span event for an attempt that waited at a gate (a rate limit) before it was sent. */
export const GATE_WAIT_EVENT = "llm.gate.wait";
/** `llm.gate.wait_ms`: how long it waited. */
export const GATE_WAIT_MS = "llm.gate.wait_ms";
/** Histogram: seconds each attempt waited at the client's gates (0 for most). */
export const METRIC_GATE_WAIT = "llm.client.gate.wait";
/** Gauge: what is left of a cost tracker's budget, in USD (the shared one with a store). */
export const METRIC_BUDGET_REMAINING = "llm.client.budget.remaining";

/** The span event for each retry. */
export const RETRY_EVENT = "llm.retry";
/** `llm.retry.attempt` */
export const RETRY_ATTEMPT = "llm.retry.attempt";
/** `llm.retry.delay_ms` */
export const RETRY_DELAY_MS = "llm.retry.delay_ms";
/** `llm.retry.reason` */
export const RETRY_REASON = "llm.retry.reason";

/** Metrics. */
export const METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
/** `gen_ai.client.operation.duration` */
export const METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
/** `gen_ai.client.operation.time_to_first_chunk` */
export const METRIC_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

/** Bucket boundaries from the conventions (telemetry.md). */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Histogram bucket boundaries from the GenAI conventions. */
export const DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Opt-in switch for recording message content, from the conventions. */
export const CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
