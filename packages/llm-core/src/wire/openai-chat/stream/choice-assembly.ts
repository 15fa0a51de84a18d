import {
  type ExchangeFacts,
  InvalidResponseError,
  type StreamEvent,
  type TextMasking,
  type ToolCall,
  type ToolCallDeltaEvent,
} from "@loom/llm-types";

import { parseToolCall } from "../../../response/parse-tool-call.js";
import { rawArguments } from "../../shared/raw-arguments.js";
import { StreamedText, textOf } from "../../shared/streamed-text.js";
import { MAX_TOOL_CALLS } from "../max-tool-calls.js";
import { normalizeFinishReason } from "../response/normalize-finish-reason.js";
import type { ChoiceParts } from "../response/parse-completion.js";

type Json = Record<string, unknown>;

/** What a choice reports to: the stream's items, its mode and its size bound. */
export interface AssemblySink {
  readonly out: (string | StreamEvent)[];
  /** Text mode: the items are the first choice's text pieces alone. */
  readonly textOnly: boolean;
  readonly meta: ExchangeFacts;
  /** Counts assembled characters against `maxResponseBytes`; throws past it. */
  grow(length: number): void;
}

/** A tool call being assembled from its deltas. */
interface PartialToolCall {
  index: number;
  id: string;
  name: string;
  args: StreamedText;
  /** Provider fields sent back with the call (Gemini's thought signature). */
  extra: Json | undefined;
  /** Masks the arguments as they stream, when the client has secrets to mask. */
  redaction: TextMasking | undefined;
}

/** A text of the answer that streams in pieces: content, reasoning or refusal. */
type Channel = "text" | "reasoning" | "refusal";

/**
 * One answer of a stream, assembled from its deltas: text, reasoning, refusal, tool calls (with
 * or without `index`, `name: null` or `""` after the first, names arriving late, whole calls in
 * one chunk), finish reason. Its events carry `choice` unless it is the first answer.
 *
 * Every text is masked as it streams (a hostile server may write the key into any of them):
 * each piece is handed on masked, and an end that may be the beginning of a secret is held
 * until the next piece, or the finish, shows whether it is one (`TextMasking`).
 */
export class ChoiceAssembly {
  readonly index: number;
  readonly #content = new StreamedText();
  /** Empty unless the answer has any: `undefined` in the response then. */
  readonly #reasoning = new StreamedText();
  readonly #refusal = new StreamedText();
  finishReason: string | undefined;
  readonly #sink: AssemblySink;
  /** `choice` on this answer's events; undefined for the first, whose events stay as they were. */
  readonly #tag: number | undefined;
  #calls: PartialToolCall[] = [];
  #toolCalls: ToolCall[] | undefined;
  /** Whether the client has secrets to mask; without, pieces pass as they came. */
  readonly #masks: boolean;
  #redactions: Record<Channel, TextMasking | undefined> | undefined;

  constructor(index: number, sink: AssemblySink) {
    this.index = index;
    this.#sink = sink;
    this.#tag = index === 0 ? undefined : index;
    this.#masks = !sink.meta.redactor.empty;
  }

  /** The answer's text so far. */
  get content(): string {
    return this.#content.toString();
  }

  /** Applies one chunk's `choices[i]`: its delta, then its finish reason. */
  apply(choice: Json): void {
    const delta = choice.delta as Json | undefined;
    if (delta !== undefined && delta !== null) this.#delta(delta);
    const finish = choice.finish_reason;
    if (typeof finish === "string" && finish !== "") {
      const reason = normalizeFinishReason(finish, this.#sink.meta.redact);
      this.finishReason = reason;
      this.flushText();
      this.flushToolCalls();
      if (!this.#sink.textOnly) this.#emit({ type: "finish", finishReason: reason });
    }
  }

  #delta(delta: Json): void {
    const sink = this.#sink;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === "string" && reasoning !== "") {
      sink.grow(reasoning.length);
      this.#add(
        "reasoning",
        this.#masks ? this.#redaction("reasoning").push(reasoning) : reasoning,
      );
    }
    const refusal = delta.refusal;
    if (typeof refusal === "string" && refusal !== "") {
      sink.grow(refusal.length);
      this.#add("refusal", this.#masks ? this.#redaction("refusal").push(refusal) : refusal);
    }
    const content = delta.content;
    if (typeof content === "string" && content !== "") {
      sink.grow(content.length);
      this.#add("text", this.#masks ? this.#redaction("text").push(content) : content);
    }
    const toolCalls = delta.tool_calls;
    if (Array.isArray(toolCalls)) {
      for (const call of toolCalls)
        if (typeof call === "object" && call !== null) this.#toolCallDelta(call as Json);
    }
  }

  /** Adds a (masked) piece to one of the answer's texts and reports it. */
  #add(channel: Channel, piece: string): void {
    if (piece === "") return;
    const sink = this.#sink;
    if (channel === "text") {
      this.#content.push(piece);
      // Text mode yields the first answer's text: other answers' pieces would interleave.
      if (!sink.textOnly) this.#emit({ type: "text", text: piece });
      else if (this.#tag === undefined) sink.out.push(piece);
      return;
    }
    if (channel === "reasoning") this.#reasoning.push(piece);
    else this.#refusal.push(piece);
    if (!sink.textOnly) this.#emit({ type: channel, text: piece });
  }

  #redaction(channel: Channel): TextMasking {
    this.#redactions ??= { text: undefined, reasoning: undefined, refusal: undefined };
    let redaction = this.#redactions[channel];
    if (redaction === undefined) {
      redaction = this.#sink.meta.redactor.streaming();
      this.#redactions[channel] = redaction;
    }
    return redaction;
  }

  /** Hands on what the masking held back: the answer finished, so it can be no secret's start. */
  flushText(): void {
    const redactions = this.#redactions;
    if (redactions === undefined) return;
    for (const channel of ["reasoning", "refusal", "text"] as const)
      this.#add(channel, redactions[channel]?.end() ?? "");
  }

  #toolCallDelta(delta: Json): void {
    const fn = (
      typeof delta.function === "object" && delta.function !== null ? delta.function : {}
    ) as Json;
    const meta = this.#sink.meta;
    const id = typeof delta.id === "string" && delta.id !== "" ? meta.redact(delta.id) : undefined;
    const calls = this.#calls;
    const last = calls.at(-1);
    let call: PartialToolCall | undefined;
    const given = delta.index;
    if (typeof given === "number") {
      // Most deltas continue the call the one before began: looked at first.
      call = last?.index === given ? last : calls.find((c) => c.index === given);
    } else if (id !== undefined) {
      // No index (some servers): a new id is a new call, a known id the same call.
      call = last?.id === id ? last : calls.find((c) => c.id === id);
    } else {
      call = last;
    }
    if (call === undefined) {
      if (this.#calls.length >= MAX_TOOL_CALLS) {
        throw new InvalidResponseError({
          message: `${meta.request}: the stream sent more than ${MAX_TOOL_CALLS} tool calls in one response`,
          provider: meta.provider,
          model: meta.model,
          requestId: meta.requestId,
        });
      }
      const index = typeof delta.index === "number" ? delta.index : this.#calls.length;
      call = {
        index,
        id: "",
        name: "",
        args: new StreamedText(),
        extra: undefined,
        redaction: this.#masks ? meta.redactor.streaming() : undefined,
      };
      this.#calls.push(call);
      // A call after the finish chunk (rare) reopens the list.
      this.#toolCalls = undefined;
    }
    // Later deltas may repeat the name as null (vLLM) or "" (LM Studio): never erase it.
    if (id !== undefined && call.id === "") call.id = id;
    const name = typeof fn.name === "string" && fn.name !== "" ? meta.redact(fn.name) : undefined;
    if (name !== undefined && call.name === "") call.name = name;
    const raw = rawArguments(fn.arguments);
    this.#sink.grow(raw.length);
    const piece = call.redaction === undefined ? raw : call.redaction.push(raw);
    call.args.push(piece);
    // Gemini may send it in a delta of its own, without arguments.
    const extra = delta.extra_content;
    if (typeof extra === "object" && extra !== null && !Array.isArray(extra))
      call.extra = mergeDeep(call.extra ?? {}, extra as Json);
    if (!this.#sink.textOnly) {
      const event: ToolCallDeltaEvent = {
        type: "tool-call-delta",
        index: call.index,
        argumentsDelta: piece,
      };
      if (id !== undefined) event.id = id;
      if (name !== undefined) event.name = name;
      this.#emit(event);
    }
  }

  /** Parses the calls assembled so far (once per finish) and reports each as an event. */
  flushToolCalls(): void {
    if (this.#toolCalls !== undefined || this.#calls.length === 0) return;
    const meta = this.#sink.meta;
    const calls = [...this.#calls].sort((a, b) => a.index - b.index);
    for (const call of calls) {
      const rest = call.redaction?.end() ?? "";
      if (rest === "") continue;
      call.args.push(rest);
      if (!this.#sink.textOnly)
        this.#emit({ type: "tool-call-delta", index: call.index, argumentsDelta: rest });
    }
    this.#toolCalls = calls.map((c) => {
      const toolCall = parseToolCall(c.id, c.name, c.args.toString(), meta, this.finishReason);
      if (c.extra !== undefined) toolCall.extraContent = meta.redactor.redactValue(c.extra) as Json;
      return toolCall;
    });
    if (!this.#sink.textOnly) {
      for (const toolCall of this.#toolCalls) this.#emit({ type: "tool-call", toolCall });
    }
  }

  /** This answer as assembled so far. */
  parts(): ChoiceParts {
    return {
      index: this.index,
      content: this.#content.toString(),
      refusal: textOf(this.#refusal),
      toolCalls: this.#toolCalls ?? [],
      reasoningContent: textOf(this.#reasoning),
      finishReason: this.finishReason ?? null,
    };
  }

  #emit(event: Exclude<StreamEvent, { type: "usage" | "response" }>): void {
    if (this.#tag !== undefined) event.choice = this.#tag;
    this.#sink.out.push(event);
  }
}

/** `base` with `next` merged in, objects key by key at any depth: later pieces add, not erase. */
function mergeDeep(base: Json, next: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(next)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
