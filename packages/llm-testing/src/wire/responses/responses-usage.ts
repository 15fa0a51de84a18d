/** Token counts of an OpenAI Responses reply. Unlike Anthropic's, `input` includes `cached`. */
export interface ResponsesUsage {
  /** `input_tokens`: all of the input, cache hits included. */
  input: number;
  /** `output_tokens`: all of the output, reasoning included. */
  output: number;
  /** `input_tokens_details.cached_tokens`. @default 0 */
  cached?: number;
  /** `output_tokens_details.reasoning_tokens`. @default 0 */
  reasoning?: number;
}

/** `usage` as the API sends it: the counts, their details and `total_tokens`. */
export function responsesWireUsage(usage: ResponsesUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    input_tokens_details: { cached_tokens: usage.cached ?? 0 },
    output_tokens: usage.output,
    output_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
    total_tokens: usage.input + usage.output,
  };
}
