import type { WireUsage } from "./wire-usage.js";

/** Options for Chunk. */
export interface ChunkOptions {
  /** @default null */
  finishReason?: string | null;
  /** Usage on this chunk (DeepSeek puts it on the finish chunk); `null` sends `usage: null` as OpenAI does. */
  usage?: WireUsage | null;
  /** @default "fake-model" */
  model?: string;
  /** @default "chatcmpl-fake" */
  id?: string;
}

/** One `chat.completion.chunk` with the given delta (`{content: "Hi"}`, `{tool_calls: [...]}`). */
export function completionChunk(
  delta: Record<string, unknown>,
  options: ChunkOptions = {},
): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    id: options.id ?? "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_790_000_000,
    model: options.model ?? "fake-model",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: options.finishReason ?? null }],
  };
  if (options.usage !== undefined) chunk.usage = options.usage;
  return chunk;
}

/** The trailing usage chunk of `stream_options.include_usage`: `choices: []` and `usage`. */
export function usageChunk(
  usage: WireUsage,
  options: Omit<ChunkOptions, "usage" | "finishReason"> = {},
): Record<string, unknown> {
  return {
    id: options.id ?? "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_790_000_000,
    model: options.model ?? "fake-model",
    choices: [],
    usage,
  };
}
