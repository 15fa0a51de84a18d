import type { ExchangeFacts, StreamEvent, TextMasking, ToolCall } from "@loom/llm-types";
import { parseToolCall, toolCallId } from "../../../response/parse-tool-call.js";
import { StreamedText } from "../../shared/streamed-text.js";

type Json = Record<string, unknown>;

/** What a block reports to: the stream's items, its mode, its facts and its size bound. */
export interface BlockSink {
  readonly out: (string | StreamEvent)[];
  /** Text mode: the items are the answer's text pieces alone. */
  readonly textOnly: boolean;
  readonly facts: ExchangeFacts;
  /** Counts assembled characters against `maxResponseBytes`; throws past it. */
  grow(length: number): void;
  /** Set once part of the answer came, handed on or held back by masking. */
  answerBegan: boolean;
  /**
   * The masking of what one kind of block hands on (text, thinking, the structured reply),
   * across all the blocks of that kind: a secret cut over two blocks is whole in it. Undefined
   * when there is nothing to mask, and for blocks whose pieces are handed on as they are masked
   * on their own (tool inputs).
   */
  channel(kind: BlockKind): TextMasking | undefined;
}

/**
 * What a block is to the answer: its text (`text`), its reasoning (`thinking`), a tool call
 * (`tool`), the reply itself (`structured`: the structured-output tool's call), or a block kept
 * only in the native parts (`other`: redacted thinking, server tools and their results, types
 * Loom does not know).
 */
export type BlockKind = "text" | "thinking" | "tool" | "structured" | "other";

/**
 * One content block of a streamed message, assembled from its `content_block_start`, its
 * deltas and its `content_block_stop` into the same part a whole body holds: `{type, text}`
 * (with its citations), `{type, thinking, signature}`, `{type, id, name, input}` with the input
 * parsed, or the block as it started.
 *
 * Text, thinking and tool input are masked as they stream (a hostile server may write the key
 * into any of them): each piece is handed on masked, an end that may begin a secret held until
 * the next piece or the block's end shows whether it does. The block's own text is masked on its
 * own; what text and thinking blocks hand on goes through the sink's masking of their kind, so a
 * secret cut over two blocks is masked in the events too. Signatures are opaque: masked whole,
 * when the block ends.
 */
export class BlockAssembly {
  readonly index: number;
  readonly kind: BlockKind;
  /** The tool call's position among the answer's tool calls (`tool` blocks). */
  readonly toolIndex: number;
  /** The block as it started, masked. */
  readonly #start: Json;
  readonly #sink: BlockSink;
  /** Text or thinking so far, masked. */
  readonly #text = new StreamedText();
  /** Tool input JSON so far, masked. */
  readonly #json = new StreamedText();
  #signature: string | undefined;
  #citations: unknown[] | undefined;
  readonly #masking: TextMasking | undefined;
  /** The masking of what this block hands on, shared by every block of its kind. */
  readonly #channel: TextMasking | undefined;
  /** The call's arguments as parsed (`tool` blocks, once ended). */
  #args = "";
  #closed = false;
  /** A call whose arguments do not parse, held until the stop reason says why. */
  #unreported = false;
  toolCall: ToolCall | undefined;
  /** The reply as JSON text (`structured` blocks, once ended). */
  structuredText: string | undefined;

  constructor(index: number, kind: BlockKind, block: Json, toolIndex: number, sink: BlockSink) {
    this.index = index;
    this.kind = kind;
    this.toolIndex = toolIndex;
    this.#sink = sink;
    const facts = sink.facts;
    const start = facts.redactor.redactValue(block) as Json;
    // A call sent without an id has one made up now: its first event, the call and the turn sent
    // back all name the one its tool result will answer.
    this.#start =
      kind === "tool" && (typeof start.id !== "string" || start.id === "")
        ? { ...start, id: toolCallId(undefined) }
        : start;
    this.#masking = facts.redactor.empty ? undefined : facts.redactor.streaming();
    this.#channel = sink.channel(kind);
    if (Array.isArray(this.#start.citations)) this.#citations = [...this.#start.citations];
    if (typeof block.signature === "string") this.#signature = block.signature;
    // A server may start a block with some of its text: the first piece, streamed like the rest.
    if (kind === "text" && typeof block.text === "string") this.#piece(block.text);
    if (kind === "thinking" && typeof block.thinking === "string") this.#piece(block.thinking);
    if (kind === "tool" && !sink.textOnly) {
      // The call's id and name come first, as they do on every protocol.
      this.#emit({
        type: "tool-call-delta",
        index: toolIndex,
        id: this.#id(),
        name: this.#name(),
        argumentsDelta: "",
      });
    }
  }

  /** Applies one `content_block_delta`'s `delta`; delta types Loom does not know are ignored. */
  delta(delta: Json): void {
    if (this.#closed) return;
    switch (delta.type) {
      case "text_delta":
        if (this.kind === "text" && typeof delta.text === "string") this.#piece(delta.text);
        return;
      case "thinking_delta":
        if (this.kind === "thinking" && typeof delta.thinking === "string")
          this.#piece(delta.thinking);
        return;
      case "input_json_delta":
        if (
          typeof delta.partial_json === "string" &&
          this.kind !== "text" &&
          this.kind !== "thinking"
        )
          this.#piece(delta.partial_json);
        return;
      case "signature_delta":
        if (typeof delta.signature === "string") {
          this.#sink.grow(delta.signature.length);
          this.#signature = (this.#signature ?? "") + delta.signature;
        }
        return;
      case "citations_delta":
        if (delta.citation !== undefined) {
          const citation = this.#sink.facts.redactor.redactValue(delta.citation);
          this.#sink.grow(JSON.stringify(citation)?.length ?? 0);
          this.#citations ??= [];
          this.#citations.push(citation);
        }
        return;
    }
  }

  /** A piece of the block's text, thinking or input: counted, masked, reported. */
  #piece(piece: string): void {
    if (piece === "") return;
    this.#sink.answerBegan = true;
    this.#sink.grow(piece.length);
    const own = this.#masking === undefined ? piece : this.#masking.push(piece);
    if (this.#channel === undefined) {
      this.#add(own);
      return;
    }
    this.#keep(own);
    handOn(this.kind, this.#channel.push(piece), this.#sink);
  }

  /** Adds masked text to what the block holds, for its native part. */
  #keep(masked: string): void {
    if (this.kind === "text" || this.kind === "thinking") this.#text.push(masked);
    else this.#json.push(masked);
  }

  #add(masked: string): void {
    if (masked === "") return;
    const sink = this.#sink;
    switch (this.kind) {
      case "text":
      case "structured":
      case "thinking":
        this.#keep(masked);
        handOn(this.kind, masked, sink);
        return;
      case "tool":
        this.#json.push(masked);
        if (!sink.textOnly)
          this.#emit({ type: "tool-call-delta", index: this.toolIndex, argumentsDelta: masked });
        return;
      case "other":
        this.#json.push(masked);
        return;
    }
  }

  /**
   * Ends the block (`content_block_stop`, or the message's end for a block never stopped):
   * hands on what the masking held back, and parses a tool call's arguments, reporting the call.
   */
  close(): void {
    if (this.#closed) return;
    const rest = this.#masking?.end() ?? "";
    // What the kind's masking holds is handed on by the next block of the kind, or at the end.
    if (this.#channel === undefined) this.#add(rest);
    else this.#keep(rest);
    this.#closed = true;
    if (this.kind === "structured") {
      const input = this.#input();
      // Input that never became an object stays the text it was, for the exchange to refuse.
      const json = this.#json.toString();
      this.structuredText =
        input !== undefined ? JSON.stringify(input) : json.trim() === "" ? "{}" : json;
    }
    if (this.kind !== "tool") return;
    let args = this.#json.toString();
    if (args.trim() === "") {
      // No input streamed: the input the block started with, if any (llama.cpp sends none).
      const start = this.#start.input;
      args = isPlainObject(start) && Object.keys(start).length > 0 ? JSON.stringify(start) : "";
      if (args !== "" && !this.#sink.textOnly)
        this.#emit({ type: "tool-call-delta", index: this.toolIndex, argumentsDelta: args });
    }
    this.#args = args;
    this.toolCall = this.#parse(undefined);
    // Arguments that do not parse may have been cut by `max_tokens`, which only the message's
    // stop reason, a moment later, tells: the call is reported then, its error saying which.
    if (this.toolCall.error !== undefined && this.toolCall.arguments === undefined) {
      this.#unreported = true;
      return;
    }
    if (!this.#sink.textOnly) this.#emit({ type: "tool-call", toolCall: this.toolCall });
  }

  /**
   * The call again, knowing the message's finish reason: arguments cut by `max_tokens` then say
   * so in their error, as a whole body's do; a call held for that is reported now.
   */
  reparse(finishReason: string | null): void {
    if (this.toolCall?.error !== undefined && this.toolCall.arguments === undefined)
      this.toolCall = this.#parse(finishReason);
    if (!this.#unreported || this.toolCall === undefined) return;
    this.#unreported = false;
    if (!this.#sink.textOnly) this.#emit({ type: "tool-call", toolCall: this.toolCall });
  }

  #parse(finishReason: string | null | undefined): ToolCall {
    const id = this.#id();
    return parseToolCall(
      id === "" ? undefined : id,
      this.#name(),
      this.#args,
      this.#sink.facts,
      finishReason,
    );
  }

  /** The block as a whole body holds it, masked: one of the message's native parts. */
  part(): Json {
    const start = this.#start;
    switch (this.kind) {
      case "text": {
        const part: Json = { ...start, text: this.#text.toString() };
        if (this.#citations !== undefined) part.citations = this.#citations;
        return part;
      }
      case "thinking": {
        const part: Json = { ...start, thinking: this.#text.toString() };
        if (this.#signature !== undefined)
          part.signature = this.#sink.facts.redact(this.#signature);
        return part;
      }
      case "structured":
        return { type: "text", text: this.structuredText ?? this.#json.toString() };
      default: {
        const part: Json = { ...start };
        const input = this.#input();
        // A call's input is always an object on the wire, even one that never parsed.
        if (input !== undefined || this.kind === "tool") part.input = input ?? {};
        if (this.#citations !== undefined) part.citations = this.#citations;
        if (this.#signature !== undefined)
          part.signature = this.#sink.facts.redact(this.#signature);
        return part;
      }
    }
  }

  /**
   * The block's input: what streamed, parsed and masked as a value (a secret written with JSON
   * escapes is whole only once parsed), or the input it started with when none streamed;
   * undefined when it has none, or none that parses to an object (a call cut by `max_tokens`:
   * its tool call carries the error).
   */
  #input(): Json | undefined {
    if (this.#json.toString().trim() === "")
      return isPlainObject(this.#start.input) ? this.#start.input : undefined;
    try {
      const parsed: unknown = JSON.parse(this.#json.toString());
      return isPlainObject(parsed)
        ? (this.#sink.facts.redactor.redactValue(parsed) as Json)
        : undefined;
    } catch {
      return undefined;
    }
  }

  #id(): string {
    return typeof this.#start.id === "string" ? this.#start.id : "";
  }

  #name(): string {
    return typeof this.#start.name === "string" ? this.#start.name : "";
  }

  #emit(event: StreamEvent): void {
    this.#sink.out.push(event);
  }
}

/** Hands on a masked piece of text, thinking or the structured reply as its stream item. */
export function handOn(kind: BlockKind, masked: string, sink: BlockSink): void {
  if (masked === "") return;
  if (kind === "thinking") {
    if (!sink.textOnly) sink.out.push({ type: "reasoning", text: masked });
  } else if (sink.textOnly) sink.out.push(masked);
  else sink.out.push({ type: "text", text: masked });
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
