import {
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  type ToolCall,
  type ToolCallDeltaEvent,
} from "@loom/llm-types";
import { normalizeUsage } from "../response/normalize-usage.js";
import { assembleResponse } from "../response/parse-completion.js";
import { parseToolCall } from "../response/parse-tool-call.js";
import { quoteServerText } from "../response/quote-server-text.js";
import type { ResponseMeta } from "../response/response-meta.js";
import type { SseSink } from "./sse-decoder.js";
import { streamError } from "./stream-error.js";

type Json = Record<string, unknown>;

/**
 * The most tool calls one response may carry. Real models make a handful per turn; a server
 * inventing thousands of indices would otherwise make every delta a long search.
 */
export const MAX_TOOL_CALLS = 128;

/** A tool call being assembled from its deltas. */
interface PartialToolCall {
  index: number;
  id: string;
  name: string;
  args: string;
}

/**
 * Turns decoded SSE events (`chat.completion.chunk`s) into stream items and, at the end, the
 * final response. In text mode the items are the text pieces alone, so iterating text costs
 * no event objects. Handles every chunk shape in wire.md: reasoning as `reasoning_content` or
 * `reasoning`, usage on any chunk, tool-call deltas with or without `index`, with `name: null`
 * or `""` after the first, names arriving late, whole calls in one chunk, empty `tool_calls`.
 */
export class StreamAssembler implements SseSink {
  /** Items decoded but not yet handed to the consumer. */
  readonly out: (string | StreamEvent)[] = [];
  /** `[DONE]` was seen: stop reading. */
  done = false;
  /** Data events seen (keep-alive comments excluded): progress, for the idle timer. */
  dataEvents = 0;
  readonly #meta: ResponseMeta;
  readonly #textOnly: boolean;
  #content = "";
  #reasoning: string | undefined;
  #refusal: string | undefined;
  #finishReason: string | null | undefined;
  #usage: unknown;
  #model: string | undefined;
  #id: string | undefined;
  #calls: PartialToolCall[] = [];
  #toolCalls: ToolCall[] | undefined;
  /** Characters assembled (content, reasoning, tool-call arguments): bounded by `maxBytes`. */
  #assembled = 0;

  constructor(meta: ResponseMeta, textOnly: boolean) {
    this.#meta = meta;
    this.#textOnly = textOnly;
  }

  onComment(): void {}

  onData(data: string, event: string | undefined): void {
    if (this.done) return;
    // An empty or blank `data:` line carries nothing (some proxies send them as keep-alives):
    // like a comment, it is not progress, and does not hold off the idle timeout.
    if (data.length === 0 || (data.charCodeAt(0) <= 0x20 && data.trim() === "")) return;
    this.dataEvents++;
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    let chunk: Json;
    try {
      chunk = JSON.parse(data);
    } catch {
      // No `cause`: the parser's message quotes the text where it failed, unmasked.
      throw new InvalidResponseError({
        message: `${this.#meta.request} sent a stream event that is not JSON: ${quoteServerText(data, this.#meta, 200)}`,
        raw: quoteServerText(data, this.#meta),
        provider: this.#meta.provider,
        model: this.#meta.model,
        requestId: this.#meta.requestId,
      });
    }
    if (
      event === "error" ||
      (chunk !== null &&
        typeof chunk === "object" &&
        chunk.error !== undefined &&
        chunk.error !== null)
    ) {
      throw streamError(chunk, data, this.#meta);
    }
    if (typeof chunk !== "object" || chunk === null) return;
    // The first non-empty ones: Azure's first chunk (content filter results) has `""` for both.
    if (this.#id === undefined && typeof chunk.id === "string" && chunk.id !== "")
      this.#id = chunk.id;
    if (this.#model === undefined && typeof chunk.model === "string" && chunk.model !== "")
      this.#model = chunk.model;
    const usage = chunk.usage;
    if (typeof usage === "object" && usage !== null) {
      this.#usage = usage;
    }
    const choices = chunk.choices;
    const choice = primaryChoice(choices);
    if (choice !== undefined) {
      const delta = choice.delta as Json | undefined;
      if (delta !== undefined && delta !== null) this.#delta(delta);
      const finish = choice.finish_reason;
      if (typeof finish === "string" && finish !== "") {
        this.#finishReason = finish;
        this.#flushToolCalls();
        if (!this.#textOnly) this.out.push({ type: "finish", finishReason: finish });
      }
    }
    if (!this.#textOnly && typeof usage === "object" && usage !== null) {
      this.out.push({ type: "usage", usage: normalizeUsage(usage) });
    }
  }

  #delta(delta: Json): void {
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === "string" && reasoning !== "") {
      this.#grow(reasoning.length);
      this.#reasoning = (this.#reasoning ?? "") + reasoning;
      if (!this.#textOnly) this.out.push({ type: "reasoning", text: reasoning });
    }
    const refusal = delta.refusal;
    if (typeof refusal === "string" && refusal !== "") {
      this.#grow(refusal.length);
      this.#refusal = (this.#refusal ?? "") + refusal;
      if (!this.#textOnly) this.out.push({ type: "refusal", text: refusal });
    }
    const content = delta.content;
    if (typeof content === "string" && content !== "") {
      this.#grow(content.length);
      this.#content += content;
      this.out.push(this.#textOnly ? content : { type: "text", text: content });
    }
    const toolCalls = delta.tool_calls;
    if (Array.isArray(toolCalls)) {
      for (const call of toolCalls)
        if (typeof call === "object" && call !== null) this.#toolCallDelta(call as Json);
    }
  }

  #toolCallDelta(delta: Json): void {
    const fn = (
      typeof delta.function === "object" && delta.function !== null ? delta.function : {}
    ) as Json;
    const id = typeof delta.id === "string" && delta.id !== "" ? delta.id : undefined;
    let call: PartialToolCall | undefined;
    if (typeof delta.index === "number") {
      call = this.#calls.find((c) => c.index === delta.index);
    } else if (id !== undefined) {
      // No index (some servers): a new id is a new call, a known id the same call.
      call = this.#calls.find((c) => c.id === id);
    } else {
      call = this.#calls.at(-1);
    }
    if (call === undefined) {
      if (this.#calls.length >= MAX_TOOL_CALLS) {
        throw new InvalidResponseError({
          message: `${this.#meta.request}: the stream sent more than ${MAX_TOOL_CALLS} tool calls in one response`,
          provider: this.#meta.provider,
          model: this.#meta.model,
          requestId: this.#meta.requestId,
        });
      }
      const index = typeof delta.index === "number" ? delta.index : this.#calls.length;
      call = { index, id: "", name: "", args: "" };
      this.#calls.push(call);
      // A call after the finish chunk (rare) reopens the list.
      this.#toolCalls = undefined;
    }
    // Later deltas may repeat the name as null (vLLM) or "" (LM Studio): never erase it.
    if (id !== undefined && call.id === "") call.id = id;
    const name = typeof fn.name === "string" && fn.name !== "" ? fn.name : undefined;
    if (name !== undefined && call.name === "") call.name = name;
    const args = fn.arguments;
    const piece =
      typeof args === "string"
        ? args
        : args !== undefined && args !== null
          ? JSON.stringify(args)
          : "";
    this.#grow(piece.length);
    call.args += piece;
    if (!this.#textOnly) {
      const event: ToolCallDeltaEvent = {
        type: "tool-call-delta",
        index: call.index,
        argumentsDelta: piece,
      };
      if (id !== undefined) event.id = id;
      if (name !== undefined) event.name = name;
      this.out.push(event);
    }
  }

  #flushToolCalls(): void {
    if (this.#toolCalls !== undefined || this.#calls.length === 0) return;
    const calls = [...this.#calls].sort((a, b) => a.index - b.index);
    this.#toolCalls = calls.map((c) =>
      parseToolCall(c.id, c.name, c.args, this.#meta, this.#finishReason),
    );
    if (!this.#textOnly) {
      for (const toolCall of this.#toolCalls) this.out.push({ type: "tool-call", toolCall });
    }
  }

  /**
   * Counts what the response holds, so an endless stream of valid events cannot grow it past
   * `maxResponseBytes` (counted in UTF-16 code units, never more than the UTF-8 bytes).
   */
  #grow(length: number): void {
    this.#assembled += length;
    if (this.#assembled > this.#meta.maxBytes) {
      throw new InvalidResponseError({
        message: `${this.#meta.request}: the streamed response grew past maxResponseBytes (${this.#meta.maxBytes}); content, reasoning and tool-call arguments count together`,
        provider: this.#meta.provider,
        model: this.#meta.model,
        requestId: this.#meta.requestId,
      });
    }
  }

  /** The error for an SSE event larger than `maxResponseBytes`. */
  overflow(): InvalidResponseError {
    return new InvalidResponseError({
      message: `${this.#meta.request}: a stream event exceeded maxResponseBytes (${this.#meta.maxBytes})`,
      provider: this.#meta.provider,
      model: this.#meta.model,
      requestId: this.#meta.requestId,
    });
  }

  /**
   * The final response. A stream that ended before any finish reason and without `[DONE]` was
   * cut short: an `InvalidResponseError`, not a silently partial answer.
   */
  finish(): LLMResponse {
    if (!this.done && this.#finishReason === undefined) {
      throw new InvalidResponseError({
        message: `${this.#meta.request}: the stream ended before the model finished (no finish reason, no [DONE])`,
        raw: quoteServerText(this.#content, this.#meta),
        provider: this.#meta.provider,
        model: this.#meta.model,
        requestId: this.#meta.requestId,
      });
    }
    this.#flushToolCalls();
    return this.response();
  }

  /** The response as assembled so far. */
  response(): LLMResponse {
    return assembleResponse({
      content: this.#content,
      refusal: this.#refusal,
      toolCalls: this.#toolCalls ?? [],
      reasoningContent: this.#reasoning,
      finishReason: this.#finishReason ?? null,
      usage: this.#usage,
      model: this.#model ?? this.#meta.model,
      id: this.#id ?? "",
      meta: this.#meta,
    });
  }
}

/**
 * The choice this answer is made of: index 0. Entries that are not objects (`choices: [null]`)
 * are ignored, not a TypeError; chunks of other choices (a server answering `n > 1` anyway)
 * are not this answer's: merging them would interleave two replies into one.
 */
function primaryChoice(choices: unknown): Json | undefined {
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices)
    if (typeof choice === "object" && choice !== null && ((choice as Json).index ?? 0) === 0)
      return choice as Json;
  return undefined;
}
