import type { ExchangeFacts, Usage } from "@loom/llm-types";
import {
  InvalidResponseError,
  type LLMResponse,
  type StreamEvent,
  type WireStreamReader,
} from "@loom/llm-types";
import { quoteServerText } from "../../../response/quote-server-text.js";

import { eventJson, isBlankData } from "../../shared/event-json.js";
import { eventTooLarge, responseTooLarge } from "../../shared/size-limit-errors.js";
import { bodyError, errorIn } from "../response/body-error.js";
import { choiceIndex } from "../response/choice-index.js";
import { normalizeUsage } from "../response/normalize-usage.js";
import { assembleResponse } from "../response/parse-completion.js";
import { type AssemblySink, ChoiceAssembly } from "./choice-assembly.js";

type Json = Record<string, unknown>;

/**
 * Turns decoded SSE events (`chat.completion.chunk`s) into stream items and, at the end, the
 * final response. In text mode the items are the first answer's text pieces alone, so
 * iterating text costs no event objects. Handles every chunk shape in wire.md: reasoning as
 * `reasoning_content` or `reasoning`, usage on any chunk, the tool-call deltas of
 * `ChoiceAssembly`, and several answers (`n > 1`) interleaved, each assembled by its `index`.
 */
export class StreamAssembler implements WireStreamReader, AssemblySink {
  /** Part of the answer came, handed on or held back (`WireStreamReader.answerBegan`). */
  answerBegan = false;
  /** Items decoded but not yet handed to the consumer. */
  readonly out: (string | StreamEvent)[] = [];
  /** `[DONE]` was seen: stop reading. */
  done = false;
  /** Data events seen (keep-alive comments excluded): progress, for the idle timer. */
  dataEvents = 0;
  readonly meta: ExchangeFacts;
  readonly textOnly: boolean;
  /** The answer at index 0: the response's own. */
  readonly #first: ChoiceAssembly;
  /** Answers at other indices, in order of arrival; none unless the server sends several. */
  #others: ChoiceAssembly[] | undefined;
  #firstSeen = false;
  #usage: unknown;
  /**
   * With several answers, usage reported after each answer's finish (llama.cpp sends one per
   * answer, where OpenAI sends one for all), by the answer it followed.
   */
  #perAnswer: Map<number, Json> | undefined;
  #model: string | undefined;
  #id: string | undefined;
  /** Characters assembled (content, reasoning, tool-call arguments): bounded by `maxBytes`. */
  #assembled = 0;

  constructor(meta: ExchangeFacts, textOnly: boolean) {
    this.meta = meta;
    this.textOnly = textOnly;
    this.#first = new ChoiceAssembly(0, this);
  }

  onComment(): void {}

  onData(data: string, event: string | undefined): void {
    if (this.done) return;
    // An empty or blank `data:` line carries nothing (some proxies send them as keep-alives):
    // like a comment, it is not progress, and does not hold off the idle timeout.
    if (isBlankData(data)) return;
    this.dataEvents++;
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    const meta = this.meta;
    const chunk = eventJson(data, meta) as Json;
    if (event === "error") throw bodyError(chunk, data, meta);
    if (typeof chunk !== "object" || chunk === null) return;
    // An error inside the stream: OpenAI's `{"error": ...}`, vLLM's `{"object": "error", ...}`,
    // Gemini's `[{"error": ...}]`.
    const error = errorIn(chunk);
    if (error === chunk) throw bodyError(chunk, data, meta);
    if (error !== undefined)
      throw bodyError(error, JSON.stringify(meta.redactor.redactValue(error)), meta);
    if (Array.isArray(chunk)) return;
    // The first non-empty ones: Azure's first chunk (content filter results) has `""` for both.
    if (this.#id === undefined && typeof chunk.id === "string" && chunk.id !== "")
      this.#id = chunk.id;
    if (this.#model === undefined && typeof chunk.model === "string" && chunk.model !== "")
      this.#model = chunk.model;
    let usage = chunk.usage;
    // Groq's older streams report usage only under `x_groq` (and some `usage: null` beside it).
    if ((usage === undefined || usage === null) && chunk.x_groq !== undefined)
      usage = (chunk.x_groq as Json | null)?.usage;
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) {
        const choice = choices[i];
        // Entries that are not objects (`choices: [null]`) are ignored, not a TypeError.
        if (typeof choice === "object" && choice !== null) this.#choice(choice.index).apply(choice);
      }
    } else if (choices !== undefined && choices !== null) {
      throw new InvalidResponseError({
        message: `${meta.request} sent a stream chunk whose choices is not a list: ${quoteServerText(data, meta, 200)}`,
        raw: quoteServerText(data, meta),
        provider: meta.provider,
        model: meta.model,
        requestId: meta.requestId,
      });
    }
    if (typeof usage === "object" && usage !== null) this.#report(usage as Json);
    if (!this.textOnly && typeof usage === "object" && usage !== null) {
      this.out.push({ type: "usage", usage: normalizeUsage(usage) });
    }
  }

  /** The usage reported so far (`WireStreamReader.usage`). */
  get usage(): Usage | undefined {
    return this.#usage === undefined ? undefined : normalizeUsage(this.#totalUsage());
  }

  /** Takes a usage report: the latest wins, unless each answer reports its own (below). */
  #report(usage: Json): void {
    this.#usage = usage;
    if (this.meta.choices < 2) return;
    // The answer that finished since the last report, if exactly one did: this report is its.
    const finished = this.#answers().filter(
      (c) => c.finishReason !== undefined && !this.#perAnswer?.has(c.index),
    );
    if (finished.length !== 1) return;
    this.#perAnswer ??= new Map();
    this.#perAnswer.set(finished[0]?.index ?? 0, usage);
  }

  /**
   * The usage to report: with one report per answer, their sum (completion tokens added, the
   * prompt counted once, as OpenAI counts `n > 1`); otherwise the latest report.
   */
  #totalUsage(): unknown {
    const reports = this.#perAnswer;
    if (reports === undefined || reports.size < 2) return this.#usage;
    let prompt = 0;
    let completion = 0;
    for (const report of reports.values()) {
      prompt = Math.max(prompt, numberOf(report.prompt_tokens));
      completion += numberOf(report.completion_tokens);
    }
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }

  /** The answer a chunk's choice belongs to: by its `index` (absent means 0). */
  #choice(wireIndex: unknown): ChoiceAssembly {
    if (wireIndex === 0 || wireIndex === undefined) {
      this.#firstSeen = true;
      return this.#first;
    }
    const index = choiceIndex(wireIndex, 0, this.meta);
    if (index === 0) {
      this.#firstSeen = true;
      return this.#first;
    }
    this.#others ??= [];
    let choice = this.#others.find((c) => c.index === index);
    if (choice === undefined) {
      choice = new ChoiceAssembly(index, this);
      this.#others.push(choice);
    }
    return choice;
  }

  /**
   * Counts what the response holds, so an endless stream of valid events cannot grow it past
   * `maxResponseBytes` (counted in UTF-16 code units, never more than the UTF-8 bytes).
   */
  grow(length: number): void {
    // Called for every piece of the answer, before it is masked: the answer began.
    this.answerBegan = true;
    this.#assembled += length;
    if (this.#assembled > this.meta.maxBytes)
      throw responseTooLarge(this.meta, "content, reasoning and tool-call arguments");
  }

  /** The error for an SSE event larger than `maxResponseBytes`. */
  overflow(): InvalidResponseError {
    return eventTooLarge(this.meta);
  }

  /**
   * The final response. A stream that ended without `[DONE]` before every answer had its
   * finish reason was cut short: an `InvalidResponseError`, not a silently partial answer.
   */
  finish(): LLMResponse {
    const answers = this.#answers();
    if (
      !this.done &&
      (answers.some((c) => c.finishReason === undefined) || answers.length < this.meta.choices)
    ) {
      throw new InvalidResponseError({
        message: `${this.meta.request}: the stream ended before the model finished (no finish reason${this.meta.choices > 1 ? " for every answer" : ""}, no [DONE])`,
        raw: quoteServerText(this.#first.content, this.meta),
        provider: this.meta.provider,
        model: this.meta.model,
        requestId: this.meta.requestId,
      });
    }
    for (const answer of answers) {
      answer.flushText();
      answer.flushToolCalls();
    }
    return this.response();
  }

  /** The response as assembled so far. */
  response(): LLMResponse {
    return assembleResponse({
      choices: this.#answers().map((c) => c.parts()),
      usage: this.#totalUsage(),
      model: this.#model === undefined ? this.meta.model : this.meta.redact(this.#model),
      id: this.#id === undefined ? "" : this.meta.redact(this.#id),
      meta: this.meta,
    });
  }

  /** The answers, in index order: the first alone, unless others came. */
  #answers(): ChoiceAssembly[] {
    if (this.#others === undefined) return [this.#first];
    const answers = [...this.#others].sort((a, b) => a.index - b.index);
    if (this.#firstSeen) answers.unshift(this.#first);
    return answers;
  }
}

function numberOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
