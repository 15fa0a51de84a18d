/**
 * Token counts of an Anthropic Messages reply, split as the API splits them: the whole input is
 * `input + cacheRead + cacheWrite`.
 */
export interface AnthropicUsage {
  /** `input_tokens`: the input neither read from nor written to the prompt cache. */
  input: number;
  /** `output_tokens`. */
  output: number;
  /** `cache_read_input_tokens`. @default 0 */
  cacheRead?: number;
  /** `cache_creation_input_tokens`, all written to the 5-minute cache. @default 0 */
  cacheWrite?: number;
}

/**
 * `usage` of a message (and of `message_start`) as the API sends it in 2026: every counter, the
 * cache writes by lifetime, the service tier and `inference_geo` (vercel/ai's recorded
 * `anthropic-text.json`). `output` replaces the output count (`message_start` carries an early one).
 */
export function messageUsage(
  usage: AnthropicUsage,
  output: number = usage.output,
): Record<string, unknown> {
  const cacheWrite = usage.cacheWrite ?? 0;
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: "standard",
    inference_geo: "not_available",
  };
}

/**
 * `usage` of `message_delta`: the cumulative counters (`"cumulative"`, as the API sends them
 * since 2025) or `output_tokens` alone (`"output"`, as older API versions and llama.cpp do).
 */
export function deltaUsage(
  usage: AnthropicUsage,
  shape: "cumulative" | "output",
): Record<string, unknown> {
  if (shape === "output") return { output_tokens: usage.output };
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: usage.cacheWrite ?? 0,
    cache_read_input_tokens: usage.cacheRead ?? 0,
    output_tokens: usage.output,
  };
}
