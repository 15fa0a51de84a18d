import {
  type ExchangeFacts,
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  type TextMasking,
  type ToolCallDeltaEvent,
  type Usage,
  type WireStreamReader,
} from "@loom/llm-types";
import { parseToolCall } from "../../../response/parse-tool-call.js";
import { quoteServerText } from "../../../response/quote-server-text.js";
import { eventJson, isBlankData } from "../../shared/event-json.js";
import { eventTooLarge, responseTooLarge } from "../../shared/size-limit-errors.js";
import { StreamedText, textOf } from "../../shared/streamed-text.js";
import { assembleResponse } from "../response/assemble-response.js";
import { type Finish, finishOf } from "../response/finish-reason.js";
import { callFinishReason } from "../response/function-call.js";
import { normalizeUsage } from "../response/normalize-usage.js";
import {
  isObject,
  type Json,
  MAX_OUTPUT_ITEMS,
  messageRefusal,
  messageText,
  REASONING_SEPARATOR,
  tooManyItems,
} from "../response/output-items.js";
import { responseFailure } from "../response/response-failure.js";
import { assembledItem, type StreamCall, type StreamItem } from "./stream-item.js";

/** A text of the answer that streams in pieces. */
type Channel = "text" | "reasoning" | "refusal";

/** The most summary or reasoning parts one item may hold: a server cannot grow the list at will. */
const MAX_PARTS = 64;

/** The events of the response's lifecycle: proof the server is there, not answer. */
const LIFECYCLE: ReadonlySet<string | undefined> = new Set([
  "response.created",
  "response.in_progress",
  "response.queued",
]);

/**
 * Turns a Responses stream's semantic events into stream items and, at the end, the response
 * (API reference, "Streaming events"). Each event's `type` names it (the SSE `event:` line
 * repeats it; a server that sends none is read the same way):
 *
 * - `response.created`, `response.in_progress`: the response's id and model;
 * - `response.output_item.added`: an item begins (a function call gets its tool index, its
 *   `call_id` and `name`);
 * - `response.output_text.delta`, `response.refusal.delta`: answer and refusal text;
 * - `response.reasoning_summary_text.delta`, `response.reasoning_text.delta`: reasoning;
 * - `response.function_call_arguments.delta`: a call's arguments, by its `item_id`;
 * - `response.function_call_arguments.done`: its final arguments, which win over the deltas;
 * - `response.output_item.done`: the item complete, kept as the turn's native part (a
 *   function call is parsed and reported then, with the item's arguments; a message's text
 *   that goes on past its deltas is handed on);
 * - `response.completed`, `response.incomplete`: the final status and usage: the end;
 * - `response.failed` and `error`: the typed error.
 *
 * Every other event (`content_part.*`, `*.done`, annotations, built-in tool progress) is
 * ignored: what it says, the done item says again. Every text is masked as it streams, held
 * back where it may be the beginning of a secret (`TextMasking`); items and ids are masked as
 * values when the response is built.
 */
export class ResponsesStreamReader implements WireStreamReader {
  /** Part of the answer came, handed on or held back (`WireStreamReader.answerBegan`). */
  answerBegan = false;
  readonly out: (string | StreamEvent)[] = [];
  done = false;
  dataEvents = 0;
  readonly #facts: ExchangeFacts;
  readonly #textOnly: boolean;
  /** Whether the client has secrets to mask; without, pieces pass as they came. */
  readonly #masks: boolean;
  readonly #items: StreamItem[] = [];
  readonly #byId = new Map<string, StreamItem>();
  #calls = 0;
  readonly #content = new StreamedText();
  /** Empty unless the answer has any: `undefined` in the response then. */
  readonly #reasoning = new StreamedText();
  readonly #refusal = new StreamedText();
  #maskings: Partial<Record<Channel, TextMasking>> = {};
  /** The reasoning part the last reasoning piece belonged to: a new one is set apart. */
  #reasoningPart: string | undefined;
  #id: string | undefined;
  #model: string | undefined;
  #finish: Finish | undefined;
  #usage: Usage | undefined;
  /** Characters held (texts, arguments, done items): bounded by `maxBytes`. */
  #assembled = 0;

  constructor(facts: ExchangeFacts, textOnly: boolean) {
    this.#facts = facts;
    this.#textOnly = textOnly;
    this.#masks = !facts.redactor.empty;
  }

  onComment(): void {}

  onData(data: string, event: string | undefined): void {
    if (this.done) return;
    // A blank `data:` line (a proxy's keep-alive) carries nothing and is no progress.
    if (isBlankData(data)) return;
    // The Responses API ends with `response.completed`; a proxy may still add chat's `[DONE]`.
    if (data === "[DONE]") return;
    const facts = this.#facts;
    const chunk = eventJson(data, facts);
    if (event === "error") throw responseFailure(errorOf(chunk), facts, "error event");
    if (!isObject(chunk)) return;
    const type = typeof chunk.type === "string" ? chunk.type : event;
    // The response's lifecycle (`created`, `in_progress`, `queued`) says the server is there,
    // not that the answer grew: like a comment, it does not hold off the idle timeout, so a
    // server repeating `in_progress` forever still times out.
    if (!LIFECYCLE.has(type)) this.dataEvents++;
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.#describe(chunk.response);
        return;
      case "response.output_item.added":
        if (isObject(chunk.item)) {
          // Kept until the item is done (and merged with any repeat of it): counted as it came.
          this.#grow(data.length);
          this.#added(chunk.item, chunk.output_index);
        }
        return;
      case "response.output_item.done":
        if (isObject(chunk.item)) this.#itemDone(chunk.item, chunk.output_index, data.length);
        return;
      case "response.output_text.delta":
        this.#textDelta(chunk, "text");
        return;
      case "response.refusal.delta":
        this.#textDelta(chunk, "refusal");
        return;
      case "response.reasoning_summary_text.delta":
        this.#reasoningDelta(chunk, "summary", chunk.summary_index);
        return;
      case "response.reasoning_text.delta":
        this.#reasoningDelta(chunk, "content", chunk.content_index);
        return;
      case "response.function_call_arguments.delta":
        this.#argumentsDelta(chunk);
        return;
      case "response.function_call_arguments.done": {
        // For a call already announced: one this event alone names is no call (`call()` of the
        // same response would not have it).
        const id = chunk.item_id;
        const index = outputIndex(chunk.output_index);
        const item =
          (typeof id === "string" ? this.#byId.get(id) : undefined) ??
          (index === undefined ? undefined : this.#items.find((i) => i.outputIndex === index));
        if (item?.type === "function_call")
          this.#finalArguments(item, this.#call(item), chunk.arguments);
        return;
      }
      case "response.completed":
        this.#complete(chunk.response, "completed");
        return;
      case "response.incomplete":
        this.#complete(chunk.response, "incomplete");
        return;
      case "response.failed": {
        const response = isObject(chunk.response) ? chunk.response : {};
        throw responseFailure(response.error, facts, "response.failed");
      }
      case "error":
        throw responseFailure(errorOf(chunk), facts, "error event");
      case undefined:
        // No type at all: a proxy's `{"error": ...}` is still an error.
        if (isObject(chunk.error)) throw responseFailure(chunk.error, facts, "error in the stream");
        return;
    }
  }

  /** Takes the response's id and model from a lifecycle event: the latest wins. */
  #describe(response: unknown): void {
    if (!isObject(response)) return;
    if (typeof response.id === "string" && response.id !== "") this.#id = response.id;
    if (typeof response.model === "string" && response.model !== "") this.#model = response.model;
  }

  /**
   * The item an event names: by `item_id`, else by `output_index`, else (a server naming
   * neither) the latest item of the delta's type; a new one when none is found.
   */
  #item(chunk: Json, type: string): StreamItem {
    const id = typeof chunk.item_id === "string" ? chunk.item_id : undefined;
    const index = outputIndex(chunk.output_index);
    let item = id === undefined ? undefined : this.#byId.get(id);
    if (item === undefined && index !== undefined)
      item = this.#items.find((i) => i.outputIndex === index);
    if (item === undefined && id === undefined && index === undefined)
      item = this.#items.findLast((i) => i.type === type);
    // A delta for an item never announced: the item begins with it.
    return item ?? this.#register(id === undefined ? { type } : { type, id }, index);
  }

  #register(added: Json, index: number | undefined): StreamItem {
    if (this.#items.length >= MAX_OUTPUT_ITEMS) throw tooManyItems(this.#facts);
    const item: StreamItem = {
      arrival: this.#items.length,
      outputIndex: index,
      type: typeof added.type === "string" ? added.type : "",
      id: typeof added.id === "string" ? added.id : undefined,
      added,
      announced: false,
      done: undefined,
      streamed: false,
      text: new StreamedText(),
      refusal: new StreamedText(),
      summary: [],
      content: [],
      rawArgs: new StreamedText(),
      call: undefined,
    };
    this.#items.push(item);
    if (item.id !== undefined) this.#byId.set(item.id, item);
    return item;
  }

  #added(added: Json, wireIndex: unknown): void {
    const index = outputIndex(wireIndex);
    const known = typeof added.id === "string" ? this.#byId.get(added.id) : undefined;
    // A second item of one id would be taken for the first: its call merged into the other's.
    if (known?.announced === true) {
      const facts = this.#facts;
      throw new InvalidResponseError({
        message: `${facts.request}: the stream announced output item ${quoteServerText(String(added.id), facts, 60)} twice`,
        provider: facts.provider,
        model: facts.model,
        requestId: facts.requestId,
      });
    }
    const item = known ?? this.#register(added, index);
    item.announced = true;
    if (known !== undefined) {
      known.added = { ...known.added, ...added };
      if (typeof added.type === "string") known.type = added.type;
      if (index !== undefined) known.outputIndex = index;
    }
    if (item.type !== "function_call") return;
    const call = this.#call(item);
    this.#name(call, added);
    // A server may send a call whole, its arguments already in the added item.
    if (typeof added.arguments === "string" && added.arguments !== "")
      this.#arguments(item, call, added.arguments);
  }

  /** The call an item is, made on its first event. */
  #call(item: StreamItem): StreamCall {
    item.call ??= {
      index: this.#calls++,
      callId: "",
      name: "",
      args: new StreamedText(),
      masking: this.#masks ? this.#facts.redactor.streaming() : undefined,
      announced: false,
      toolCall: undefined,
    };
    return item.call;
  }

  /** Takes a call's `call_id` and `name` from an item, once each (later ones never erase them). */
  #name(call: StreamCall, item: Json): void {
    const redact = this.#facts.redact;
    if (call.callId === "" && typeof item.call_id === "string" && item.call_id !== "")
      call.callId = redact(item.call_id);
    if (call.name === "" && typeof item.name === "string" && item.name !== "")
      call.name = redact(item.name);
  }

  #itemDone(done: Json, wireIndex: unknown, size: number): void {
    const index = outputIndex(wireIndex);
    let item = typeof done.id === "string" ? this.#byId.get(done.id) : undefined;
    if (item === undefined && index !== undefined)
      item = this.#items.find((i) => i.outputIndex === index);
    item ??= this.#register(done, index);
    // The item is kept for the next request: it counts like the text it holds.
    this.#grow(size);
    item.done = done;
    if (typeof done.type === "string") item.type = done.type;
    if (index !== undefined) item.outputIndex = index;
    switch (item.type) {
      case "message":
        // A server that sends the item whole, without deltas: its text is the answer still.
        // One whose deltas stopped short of the done item's text: the rest is handed on.
        this.#sayRest(item, "refusal", messageRefusal(done));
        this.#sayRest(item, "text", messageText(done));
        return;
      case "reasoning":
        if (!item.streamed) this.#reasonWhole(item, done);
        return;
      case "function_call": {
        const call = this.#call(item);
        this.#name(call, done);
        this.#finalArguments(item, call, done.arguments);
        this.#settle(call, callFinishReason(done.status, null));
        return;
      }
    }
  }

  #textDelta(chunk: Json, channel: "text" | "refusal"): void {
    const piece = chunk.delta;
    if (typeof piece !== "string" || piece === "") return;
    const item = this.#item(chunk, "message");
    item.streamed = true;
    if (channel === "text") item.text.push(piece);
    else item.refusal.push(piece);
    this.#say(channel, piece);
  }

  #reasoningDelta(chunk: Json, kind: "summary" | "content", wireIndex: unknown): void {
    const piece = chunk.delta;
    if (typeof piece !== "string" || piece === "") return;
    const item = this.#item(chunk, "reasoning");
    item.streamed = true;
    const index = partIndex(wireIndex);
    const parts = kind === "summary" ? item.summary : item.content;
    while (parts.length <= index) parts.push(new StreamedText());
    parts[index]?.push(piece);
    this.#reason(`${item.arrival}:${kind}:${index}`, piece);
  }

  /** The reasoning of an item that came whole: each part as the deltas would have brought it. */
  #reasonWhole(item: StreamItem, done: Json): void {
    const parts = (field: "summary" | "content", type: string): void => {
      const list = done[field];
      if (!Array.isArray(list)) return;
      list.forEach((part: unknown, index) => {
        if (isObject(part) && part.type === type && typeof part.text === "string")
          this.#reason(`${item.arrival}:${field}:${index}`, part.text);
      });
    };
    parts("summary", "summary_text");
    parts("content", "reasoning_text");
  }

  /** A piece of reasoning; a piece of another part than the last is set apart from it. */
  #reason(part: string, piece: string): void {
    if (piece === "") return;
    const separate = this.#reasoningPart !== undefined && this.#reasoningPart !== part;
    this.#reasoningPart = part;
    this.#say("reasoning", separate ? `${REASONING_SEPARATOR}${piece}` : piece);
  }

  #argumentsDelta(chunk: Json): void {
    const piece = chunk.delta;
    if (typeof piece !== "string" || piece === "") return;
    const item = this.#item(chunk, "function_call");
    this.#arguments(item, this.#call(item), piece);
  }

  /**
   * A call's arguments as the server gave them whole (`function_call_arguments.done`, the done
   * item): they are the call. Deltas that stopped short of them get the rest as one more piece;
   * deltas that disagree are replaced (the `tool-call` event and the response carry the final
   * arguments, as a call's response would; the pieces already handed on stay as they were).
   */
  #finalArguments(item: StreamItem, call: StreamCall, final: unknown): void {
    if (call.toolCall !== undefined || typeof final !== "string") return;
    const streamed = item.rawArgs.toString();
    if (final === streamed) return;
    if (final.startsWith(streamed)) {
      this.#arguments(item, call, final.slice(streamed.length));
      return;
    }
    this.answerBegan = true;
    this.#grow(final.length);
    item.rawArgs = new StreamedText(final);
    // Masked whole: what the call's masking held back belonged to the arguments replaced.
    call.masking?.end();
    call.args = new StreamedText(this.#facts.redact(final));
    call.replaced = true;
  }

  #arguments(item: StreamItem, call: StreamCall, piece: string): void {
    // Settled, or replaced by its final arguments: later pieces are not the call's.
    if (call.toolCall !== undefined || call.replaced === true) return;
    this.answerBegan = true;
    this.#grow(piece.length);
    item.rawArgs.push(piece);
    const masked = call.masking === undefined ? piece : call.masking.push(piece);
    call.args.push(masked);
    this.#announce(call, masked);
  }

  /** A `tool-call-delta`: the call's first carries its id and name. */
  #announce(call: StreamCall, piece: string): void {
    if (this.#textOnly || (piece === "" && call.announced)) return;
    const event: ToolCallDeltaEvent = {
      type: "tool-call-delta",
      index: call.index,
      argumentsDelta: piece,
    };
    if (!call.announced) {
      if (call.callId !== "") event.id = call.callId;
      if (call.name !== "") event.name = call.name;
      call.announced = true;
    }
    this.out.push(event);
  }

  /** Completes a call: what its masking held, then the parsed call, reported once. */
  #settle(call: StreamCall, finishReason: string | null): void {
    if (call.toolCall !== undefined) return;
    const rest = call.replaced ? "" : (call.masking?.end() ?? "");
    call.args.push(rest);
    if (rest !== "" || !call.announced) this.#announce(call, rest);
    const id = call.callId === "" ? undefined : call.callId;
    call.toolCall = parseToolCall(id, call.name, call.args.toString(), this.#facts, finishReason);
    if (!this.#textOnly) this.out.push({ type: "tool-call", toolCall: call.toolCall });
  }

  /**
   * What a message's done item adds to the text its deltas brought (all of it, for an item sent
   * whole), handed on and counted as streamed: a repeat of the done item adds nothing more.
   */
  #sayRest(item: StreamItem, channel: "text" | "refusal", final: string): void {
    const piece = rest(item[channel].toString(), final);
    if (piece === "") return;
    item[channel].push(piece);
    this.#say(channel, piece);
  }

  /** Hands on a piece of one of the answer's texts, counted and masked. */
  #say(channel: Channel, piece: string): void {
    if (piece === "") return;
    this.answerBegan = true;
    this.#grow(piece.length);
    this.#add(channel, this.#masks ? this.#masking(channel).push(piece) : piece);
  }

  #add(channel: Channel, piece: string): void {
    if (piece === "") return;
    if (channel === "text") {
      this.#content.push(piece);
      this.out.push(this.#textOnly ? piece : { type: "text", text: piece });
      return;
    }
    if (channel === "reasoning") this.#reasoning.push(piece);
    else this.#refusal.push(piece);
    if (!this.#textOnly) this.out.push({ type: channel, text: piece });
  }

  #masking(channel: Channel): TextMasking {
    let masking = this.#maskings[channel];
    if (masking === undefined) {
      masking = this.#facts.redactor.streaming();
      this.#maskings[channel] = masking;
    }
    return masking;
  }

  /** Whether an item of the final response is one nothing of which streamed. */
  #unsent(item: Json, index: number): boolean {
    const known =
      (typeof item.id === "string" ? this.#byId.get(item.id) : undefined) ??
      this.#items.find((i) => i.outputIndex === index);
    if (known === undefined) return true;
    return known.done === undefined && !known.streamed && known.rawArgs.toString() === "";
  }

  /** The usage reported so far (`WireStreamReader.usage`): Responses reports it at the end. */
  get usage(): Usage | undefined {
    return this.#usage?.reported === true ? this.#usage : undefined;
  }

  /** The end: the final status and usage; what was held back is handed on, then finish. */
  #complete(wire: unknown, status: "completed" | "incomplete"): void {
    const response = isObject(wire) ? wire : {};
    this.#describe(response);
    // Items the final response holds that never streamed (a server that sends only the
    // snapshot, or announces an item and sends nothing more of it): the answer is the
    // snapshot's, as if each had come whole.
    if (Array.isArray(response.output))
      response.output.forEach((item: unknown, i: number) => {
        if (isObject(item) && this.#unsent(item, i))
          this.#itemDone(item, i, JSON.stringify(item).length);
      });
    const hasCalls = this.#items.some((item) => item.type === "function_call");
    const finish = finishOf(status, response.incomplete_details, hasCalls, this.#facts.redact);
    for (const channel of ["reasoning", "refusal", "text"] as const)
      this.#add(channel, this.#maskings[channel]?.end() ?? "");
    // Calls whose done item never came: complete as they streamed.
    for (const item of this.#ordered())
      if (item.call !== undefined)
        this.#settle(item.call, callFinishReason(item.added.status, finish.finishReason));
    const usage = normalizeUsage(response.usage);
    // In the order every protocol reports them: the finish, then the usage.
    if (!this.#textOnly) {
      this.out.push({ type: "finish", finishReason: finish.finishReason });
      this.out.push({ type: "usage", usage });
    }
    this.#finish = finish;
    this.#usage = usage;
    this.done = true;
  }

  /** The items in output order: by `output_index`, else as they came. */
  #ordered(): StreamItem[] {
    return [...this.#items].sort(
      (a, b) =>
        (a.outputIndex ?? a.arrival) - (b.outputIndex ?? b.arrival) || a.arrival - b.arrival,
    );
  }

  /**
   * Counts what the response holds, so an endless stream of valid events cannot grow it past
   * `maxResponseBytes` (counted in UTF-16 code units, never more than the UTF-8 bytes).
   */
  #grow(length: number): void {
    this.#assembled += length;
    if (this.#assembled > this.#facts.maxBytes)
      throw responseTooLarge(this.#facts, "text, reasoning, arguments and output items");
  }

  overflow(): InvalidResponseError {
    return eventTooLarge(this.#facts);
  }

  /**
   * The final response, built from what streamed: the texts as handed on, the calls as parsed,
   * the items as their done events gave them (as assembled, for one whose done never came). A
   * stream that ended before `response.completed` or `response.incomplete` was cut short: an
   * `InvalidResponseError`, not a silently partial answer.
   */
  finish(): LLMResponse {
    const facts = this.#facts;
    const finish = this.#finish;
    if (!this.done || finish === undefined) {
      throw new InvalidResponseError({
        message: `${facts.request}: the stream ended before the response did (no response.completed or response.incomplete)`,
        raw: quoteServerText(this.#content.toString(), facts),
        provider: facts.provider,
        model: facts.model,
        requestId: facts.requestId,
      });
    }
    const items = this.#ordered();
    const toolCalls = [];
    for (const item of items)
      if (item.call?.toolCall !== undefined) toolCalls.push(item.call.toolCall);
    return assembleResponse({
      content: this.#content.toString(),
      refusal: textOf(this.#refusal),
      reasoning: textOf(this.#reasoning),
      toolCalls,
      finish,
      usage: this.#usage ?? normalizeUsage(undefined),
      id: this.#id === undefined ? "" : facts.redact(this.#id),
      model: this.#model === undefined ? facts.model : facts.redact(this.#model),
      items: items.map(
        (item) => facts.redactor.redactValue(item.done ?? assembledItem(item)) as Json,
      ),
      facts,
    });
  }
}

/**
 * The error an `error` event holds: nested (`{"type": "error", "error": {...}}`, as recorded
 * from OpenAI) or at the top (`{"type": "error", "code", "message", "param"}`, as the API
 * reference shows it).
 */
function errorOf(chunk: unknown): unknown {
  if (!isObject(chunk)) return chunk;
  if (isObject(chunk.error)) return chunk.error;
  const { type: _type, sequence_number: _sequence, ...error } = chunk;
  return error;
}

function outputIndex(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A part index as sent, or 0 for one no item can have (a server cannot grow the list at will). */
function partIndex(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < MAX_PARTS
    ? value
    : 0;
}

/** What `final` adds to `streamed` when it continues it; "" when it does not (the deltas stand). */
function rest(streamed: string, final: string): string {
  return final.length > streamed.length && final.startsWith(streamed)
    ? final.slice(streamed.length)
    : "";
}
