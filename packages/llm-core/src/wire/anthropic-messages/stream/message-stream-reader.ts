import {
  type ExchangeFacts,
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  type TextMasking,
  type ToolCall,
  type Usage,
  type WireStreamReader,
} from "@loom/llm-types";
import { quoteServerText } from "../../../response/quote-server-text.js";
import { eventJson, isBlankData } from "../../shared/event-json.js";
import { eventTooLarge, responseTooLarge } from "../../shared/size-limit-errors.js";
import { MAX_BLOCKS } from "../max-blocks.js";
import { structuredToolOf } from "../request/structured-output-tool.js";
import { answerStopReason, assembleResponse } from "../response/assemble-response.js";
import { errorIn, messageError } from "../response/message-error.js";
import type { StopReason } from "../response/normalize-stop-reason.js";
import { normalizeUsage } from "../response/normalize-usage.js";
import { BlockAssembly, type BlockKind, type BlockSink, handOn } from "./block-assembly.js";

type Json = Record<string, unknown>;

/**
 * Turns a Messages stream's events into stream items and, at the end, the response: the
 * message's id, model and usage from `message_start`, each content block from its
 * `content_block_start`, deltas and `content_block_stop`, the stop reason and final usage from
 * `message_delta`, and the end at `message_stop`. Events are told apart by their data's `type`
 * (the `event:` name when the data has none); `ping` is a keep-alive, and event types Loom does
 * not know are ignored. In text mode the items are the answer's text pieces alone.
 */
export class MessageStreamReader implements WireStreamReader, BlockSink {
  /** Part of the answer came, handed on or held back (`WireStreamReader.answerBegan`). */
  answerBegan = false;
  readonly out: (string | StreamEvent)[] = [];
  /** `message_stop` was seen: stop reading. */
  done = false;
  /** Data events seen, pings excluded: progress, for the idle timer. */
  dataEvents = 0;
  readonly facts: ExchangeFacts;
  readonly textOnly: boolean;
  /** The blocks, by their index. */
  readonly #blocks = new Map<number, BlockAssembly>();
  readonly #structured: string | undefined;
  #toolCalls = 0;
  #started = false;
  #id: string | undefined;
  #model: string | undefined;
  /** The latest value of each usage field, from `message_start` and each `message_delta`. */
  #usage: Json | undefined;
  #stopReason: unknown;
  /** Characters assembled (texts, inputs, signatures, blocks kept whole): bounded by `maxBytes`. */
  #assembled = 0;
  /** The masking of what text, thinking and structured blocks hand on, across blocks. */
  #channels: Map<BlockKind, TextMasking> | undefined;

  constructor(facts: ExchangeFacts, textOnly: boolean) {
    this.facts = facts;
    this.textOnly = textOnly;
    this.#structured = structuredToolOf(facts);
  }

  /** A comment line: proof of life, not progress. */
  onComment(): void {}

  onData(data: string, event: string | undefined): void {
    if (this.done) return;
    // A blank `data:` line carries nothing (some proxies send them as keep-alives).
    if (isBlankData(data)) return;
    // Some gateways end every stream with OpenAI's terminator: nothing to read in it.
    if (data === "[DONE]") return;
    const facts = this.facts;
    const payload = eventJson(data, facts);
    if (event === "error" || errorIn(payload) !== undefined)
      throw messageError(payload, data, facts, "error inside the stream");
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return;
    const json = payload as Json;
    const type = typeof json.type === "string" ? json.type : event;
    // Anthropic's keep-alive: like a comment, it does not hold off the idle timeout.
    if (type === "ping") return;
    this.dataEvents++;
    switch (type) {
      case "message_start":
        this.#messageStart(json.message, data);
        return;
      case "content_block_start":
        this.#blockStart(json, data);
        return;
      case "content_block_delta": {
        const delta = json.delta;
        if (typeof delta !== "object" || delta === null) return;
        this.#blockFor(json.index, delta as Json, data)?.delta(delta as Json);
        return;
      }
      case "content_block_stop":
        this.#blocks.get(this.#indexOf(json.index, data))?.close();
        return;
      case "message_delta":
        this.#messageDelta(json);
        return;
      case "message_stop":
        this.#closeBlocks();
        this.done = true;
        return;
    }
  }

  #messageStart(message: unknown, data: string): void {
    const json = (typeof message === "object" && message !== null ? message : {}) as Json;
    const id = typeof json.id === "string" ? json.id : undefined;
    if (this.#started) {
      // A repeated start of the same message is harmless; another message's start in the
      // middle of this one is two streams spliced together (a broken proxy): no answer.
      if (id === undefined || id === this.#id) return;
      throw this.#invalid("started a second message before the first one ended", data);
    }
    this.#started = true;
    this.#id = id;
    if (typeof json.model === "string") this.#model = json.model;
    this.#report(json.usage);
  }

  #blockStart(event: Json, data: string): void {
    const index = this.#indexOf(event.index, data);
    if (this.#blocks.has(index)) throw this.#invalid(`started content block ${index} twice`, data);
    const block = event.content_block;
    if (typeof block !== "object" || block === null || Array.isArray(block)) return;
    // Kept as it came (a server tool's result arrives whole here): counted at its size.
    this.grow(data.length);
    this.#add(index, kindOf(block as Json, this.#structured), block as Json, data);
  }

  /**
   * The block a delta applies to. A delta whose block never started (no server Loom knows does
   * this) starts a text or thinking block of its kind; a tool call's input cannot (no name, no
   * id: it would be dropped, and the turn end in `tool_use` with no call), so it is refused;
   * any other is ignored.
   */
  #blockFor(wireIndex: unknown, delta: Json, data: string): BlockAssembly | undefined {
    const index = this.#indexOf(wireIndex, data);
    const block = this.#blocks.get(index);
    if (block !== undefined) return block;
    if (delta.type === "text_delta")
      return this.#add(index, "text", { type: "text", text: "" }, data);
    if (delta.type === "thinking_delta")
      return this.#add(index, "thinking", { type: "thinking", thinking: "" }, data);
    if (delta.type === "input_json_delta")
      throw this.#invalid(
        `sent a tool call's input for content block ${index}, never started`,
        data,
      );
    return undefined;
  }

  #add(index: number, kind: BlockKind, block: Json, data: string): BlockAssembly {
    if (this.#blocks.size >= MAX_BLOCKS)
      throw this.#invalid(`sent more than ${MAX_BLOCKS} content blocks in one message`, data);
    const toolIndex = kind === "tool" ? this.#toolCalls++ : -1;
    const assembly = new BlockAssembly(index, kind, block, toolIndex, this);
    this.#blocks.set(index, assembly);
    return assembly;
  }

  /** A block's `index`, as an integer below `MAX_BLOCKS` (absent means 0). */
  #indexOf(index: unknown, data: string): number {
    if (index === undefined || index === null) return 0;
    if (typeof index === "number" && Number.isInteger(index) && index >= 0 && index < MAX_BLOCKS)
      return index;
    throw this.#invalid(`sent a content block index outside 0 to ${MAX_BLOCKS - 1}`, data);
  }

  #messageDelta(event: Json): void {
    const delta = event.delta;
    const stop = (delta as Json | null | undefined)?.stop_reason;
    const usage = event.usage;
    if (typeof stop === "string" && stop !== "") {
      this.#stopReason = stop;
      // The blocks are done before the message stops; one a server never stopped ends here.
      this.#closeBlocks();
      const { finishReason } = this.#stop();
      for (const block of this.#sorted()) block.reparse(finishReason);
      if (!this.textOnly) this.out.push({ type: "finish", finishReason });
    }
    if (typeof usage === "object" && usage !== null) {
      this.#report(usage);
      if (!this.textOnly) this.out.push({ type: "usage", usage: normalizeUsage(this.#usage) });
    }
  }

  /** The usage reported so far (`WireStreamReader.usage`): the prompt's from `message_start` on. */
  get usage(): Usage | undefined {
    return this.#usage === undefined ? undefined : normalizeUsage(this.#usage);
  }

  /** Takes a usage report: `output_tokens` is cumulative, and the latest of each field wins. */
  #report(usage: unknown): void {
    if (typeof usage !== "object" || usage === null || Array.isArray(usage)) return;
    // Kept field by field for the response: counted, so endless new fields cannot grow it.
    this.grow(Object.keys(usage).length * 16);
    this.#usage ??= {};
    for (const [key, value] of Object.entries(usage))
      if (value !== null && value !== undefined) this.#usage[key] = value;
  }

  #closeBlocks(): void {
    for (const block of this.#sorted()) block.close();
    // Every block is done: what the maskings held can begin no secret now.
    if (this.#channels !== undefined)
      for (const [kind, masking] of this.#channels) handOn(kind, masking.end(), this);
    this.#channels = undefined;
  }

  channel(kind: BlockKind): TextMasking | undefined {
    if (
      this.facts.redactor.empty ||
      (kind !== "text" && kind !== "thinking" && kind !== "structured")
    )
      return undefined;
    this.#channels ??= new Map();
    let masking = this.#channels.get(kind);
    if (masking === undefined) {
      masking = this.facts.redactor.streaming();
      this.#channels.set(kind, masking);
    }
    return masking;
  }

  #sorted(): BlockAssembly[] {
    return [...this.#blocks.values()].sort((a, b) => a.index - b.index);
  }

  #stop(): StopReason {
    const sorted = this.#sorted();
    return answerStopReason(
      this.#stopReason,
      sorted.some((block) => block.kind === "structured"),
      sorted.filter((block) => block.kind === "tool").length,
      this.facts.redact,
    );
  }

  /**
   * Counts what the response holds, so an endless stream of valid events cannot grow it past
   * `maxResponseBytes` (counted in UTF-16 code units, never more than the UTF-8 bytes).
   */
  grow(length: number): void {
    this.#assembled += length;
    if (this.#assembled > this.facts.maxBytes)
      throw responseTooLarge(this.facts, "text, thinking, tool inputs and content blocks");
  }

  /** The error for an SSE event larger than `maxResponseBytes`. */
  overflow(): InvalidResponseError {
    return eventTooLarge(this.facts);
  }

  /**
   * The final response. A stream that ended without `message_stop` was cut short, and one with
   * neither a content block nor a stop reason said nothing: an `InvalidResponseError`, not a
   * silently partial answer.
   */
  finish(): LLMResponse {
    const facts = this.facts;
    if (!this.done || (this.#blocks.size === 0 && this.#stopReason === undefined)) {
      const text = this.#sorted()
        .filter((block) => block.kind === "text")
        .map((block) => block.part().text)
        .join("");
      throw new InvalidResponseError({
        message: this.done
          ? `${facts.request}: the stream ended with no content and no stop_reason`
          : `${facts.request}: the stream ended before the message did (no message_stop)`,
        raw: quoteServerText(text, facts),
        provider: facts.provider,
        model: facts.model,
        requestId: facts.requestId,
      });
    }
    this.#closeBlocks();
    const { finishReason } = this.#stop();
    for (const block of this.#blocks.values()) block.reparse(finishReason);
    return this.response();
  }

  /** The response as assembled so far. */
  response(): LLMResponse {
    const blocks = this.#sorted();
    const texts: string[] = [];
    let thinking: string[] | undefined;
    let structured: string | undefined;
    const toolCalls: ToolCall[] = [];
    for (const block of blocks) {
      if (block.kind === "text") texts.push(String(block.part().text));
      else if (block.kind === "thinking")
        thinking = [...(thinking ?? []), String(block.part().thinking)];
      else if (block.kind === "structured") structured ??= block.structuredText;
      else if (block.kind === "tool" && block.toolCall !== undefined)
        toolCalls.push(block.toolCall);
    }
    const facts = this.facts;
    return assembleResponse(
      {
        parts: blocks.map((block) => block.part()),
        texts,
        thinking,
        structured,
        toolCalls,
        stopReason: this.#stopReason,
        usage: this.#usage,
        id: this.#id === undefined ? "" : facts.redact(this.#id),
        model: this.#model === undefined ? facts.model : facts.redact(this.#model),
      },
      facts,
    );
  }

  #invalid(what: string, data: string): InvalidResponseError {
    const facts = this.facts;
    return new InvalidResponseError({
      message: `${facts.request} ${what}: ${quoteServerText(data, facts, 200)}`,
      raw: quoteServerText(data, facts),
      provider: facts.provider,
      model: facts.model,
      requestId: facts.requestId,
    });
  }
}

/** What a started block is to the answer, by its type (and, for a tool, its name). */
function kindOf(block: Json, structured: string | undefined): BlockKind {
  switch (block.type) {
    case "text":
      return "text";
    case "thinking":
      return "thinking";
    case "tool_use":
      return structured !== undefined && block.name === structured ? "structured" : "tool";
    default:
      return "other";
  }
}
