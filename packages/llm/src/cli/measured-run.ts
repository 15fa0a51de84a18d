import { estimateCost } from "@loom/llm-providers";
import type { LLMResponse, Message } from "@loom/llm-types";
import type { LLMProvider } from "../llm-provider.js";

/** One answer and what it took. */
export interface MeasuredRun {
  response: LLMResponse;
  /** Milliseconds to the first piece of text (streamed runs only). */
  ttftMs: number | undefined;
  totalMs: number;
  /** USD, when the model's price is known. */
  costUsd: number | undefined;
}

/** Asks once, streamed or not, timing the first piece of text and the whole answer. */
export async function measuredRun(
  llm: LLMProvider,
  messages: Message[],
  options: { stream: boolean; signal: AbortSignal; onText?: (text: string) => void },
): Promise<MeasuredRun> {
  const started = performance.now();
  let ttftMs: number | undefined;
  let response: LLMResponse;
  if (options.stream) {
    const stream = llm.stream({ messages, signal: options.signal });
    for await (const text of stream) {
      ttftMs ??= performance.now() - started;
      options.onText?.(text);
    }
    response = await stream.response();
  } else {
    response = await llm.call({ messages, signal: options.signal });
  }
  return {
    response,
    ttftMs,
    totalMs: performance.now() - started,
    costUsd: response.costUsd ?? estimateCost(response.model, response.usage)?.usd,
  };
}

/** `$0.000123`, or `cost unknown`. */
export function usd(costUsd: number | undefined): string {
  return costUsd === undefined ? "cost unknown" : `$${costUsd.toFixed(6)}`;
}
