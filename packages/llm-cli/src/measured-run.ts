import { estimateCost } from "@loom/llm-providers";
import type { ChatRequest, LLMResponse, Message, Usage } from "@loom/llm-types";
import type { CliProvider } from "./resolve-cli-provider.js";

/** One answer and what it took. */
export interface MeasuredRun {
  response: LLMResponse;
  /** Milliseconds to the first piece of text (streamed runs only). */
  ttftMs: number | undefined;
  totalMs: number;
  /** USD, when the model's price is known. */
  costUsd: number | undefined;
}

/**
 * An answer cut short by Ctrl-C. Its cost is known only when the server had reported usage
 * before the cut (a server sending usage on every chunk, or the last chunk before `[DONE]`);
 * otherwise it is unknown, never 0.
 */
export class InterruptedRun extends Error {
  override readonly name: string = "InterruptedRun";
  readonly costUsd: number | undefined;

  constructor(costUsd: number | undefined, cause: unknown) {
    super("the answer was interrupted", { cause });
    this.costUsd = costUsd;
  }
}

// The answers an error cut short after some of their text was shown, with what is known of
// their cost: the usage the error carries (what the server reported before failing), else the
// last the stream reported.
const cutShort = new WeakMap<object, { costUsd: number | undefined }>();

/**
 * What the answer an error ended mid-way had cost (`costUsd` undefined when unknown), or
 * undefined when the error came before any of its text.
 */
export function cutShortBy(error: unknown): { costUsd: number | undefined } | undefined {
  return typeof error === "object" && error !== null ? cutShort.get(error) : undefined;
}

/**
 * Asks once, streamed or not, timing the first piece of text and the whole answer. When the
 * signal aborts it, it throws an `InterruptedRun` with what is known of the answer's cost.
 */
export async function measuredRun(
  { llm, priceOf }: Pick<CliProvider, "llm" | "priceOf">,
  messages: Message[],
  options: {
    stream: boolean;
    signal: AbortSignal;
    onText?: (text: string) => void;
    /** More of the request: tools, a response format. */
    request?: Pick<ChatRequest, "tools" | "responseFormat">;
  },
): Promise<MeasuredRun> {
  // Ctrl-C before the question was asked: nothing was sent, so no answer was cut short.
  options.signal.throwIfAborted();
  const started = performance.now();
  let ttftMs: number | undefined;
  let response: LLMResponse | undefined;
  // The latest usage the stream reported: what the answer had cost when it was cut short.
  let usage: Usage | undefined;
  try {
    if (options.stream) {
      const stream = llm.stream({ ...options.request, messages, signal: options.signal });
      for await (const event of stream.events()) {
        if (event.type === "text" && event.choice === undefined) {
          ttftMs ??= performance.now() - started;
          options.onText?.(event.text);
        } else if (event.type === "usage") usage = event.usage;
        else if (event.type === "response") response = event.response;
      }
      response ??= await stream.response();
    } else {
      response = await llm.call({ ...options.request, messages, signal: options.signal });
    }
  } catch (error) {
    if (options.signal.aborted)
      throw new InterruptedRun(usage === undefined ? undefined : priceOf(usage), error);
    if (ttftMs !== undefined && typeof error === "object" && error !== null) {
      const paid = (error as { usage?: Usage }).usage ?? usage;
      cutShort.set(error, {
        costUsd: paid?.reported === false ? undefined : paid && priceOf(paid),
      });
    }
    throw error;
  }
  return {
    response,
    ttftMs,
    totalMs: performance.now() - started,
    costUsd: response.costUsd ?? estimateCost(response.model, response.usage)?.usd,
  };
}
