import type { SseReply } from "../fake-server/fake-reply.js";
import { completionChunk, usageChunk } from "./completion-chunk.js";
import { type WireUsage, wireUsage } from "./wire-usage.js";

/** Options for TextStream. */
export interface TextStreamOptions {
  /** Reasoning pieces streamed before the text, as `reasoning_content` (DeepSeek). */
  reasoning?: string[];
  /** @default "stop" */
  finishReason?: string;
  /**
   * Where usage goes: a separate `choices: []` chunk (OpenAI, vLLM), on the finish chunk
   * (DeepSeek), or nowhere. @default "separate"
   */
  usagePlacement?: "separate" | "finish" | "none";
  /** @default 10 prompt tokens, one completion token per piece */
  usage?: WireUsage;
  /** Milliseconds between chunks. */
  delayMs?: number;
  model?: string;
}

/** An SSE reply streaming `pieces` of text the way an OpenAI-compatible server does. */
export function textStream(pieces: string[], options: TextStreamOptions = {}): SseReply {
  const model = options.model === undefined ? {} : { model: options.model };
  const usage = options.usage ?? wireUsage(pieces.length);
  const placement = options.usagePlacement ?? "separate";
  const chunks: object[] = [completionChunk({ role: "assistant", content: "" }, model)];
  for (const piece of options.reasoning ?? []) {
    chunks.push(completionChunk({ reasoning_content: piece, content: null }, model));
  }
  for (const piece of pieces) chunks.push(completionChunk({ content: piece }, model));
  chunks.push(
    completionChunk(
      {},
      {
        ...model,
        finishReason: options.finishReason ?? "stop",
        ...(placement === "finish" ? { usage } : {}),
      },
    ),
  );
  if (placement === "separate") chunks.push(usageChunk(usage, model));
  const events = options.delayMs
    ? chunks.flatMap((chunk) => [{ delayMs: options.delayMs ?? 0 }, chunk])
    : chunks;
  return { type: "sse", events };
}
