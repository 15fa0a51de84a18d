import {
  AbortError,
  type AssistantMessage,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  ConfigError,
  InvalidToolArgumentsError,
  type LLMContext,
  type LLMResponse,
  type StreamEvent,
  TimeoutError,
  type ToolCall,
  type Usage,
} from "@loom/llm-types";
import {
  applyResponseFormat,
  prepareSchemas,
  requestProblems,
  untilAborted,
  validateToolCall,
} from "@loom/llm-utils";
import { MockExhaustedError } from "./mock-exhausted-error.js";
import type { MockReply, MockResponse } from "./mock-reply.js";

/** Options for MockLLM. */
export interface MockLLMOptions {
  /** @default "mock-model" (a request's own `model` wins) */
  model?: string;
  /** @default "mock" */
  provider?: string;
  /** How `stream()` splits text: words (default), characters, pieces of N characters, or your own split. */
  chunking?: "word" | "char" | number | ((text: string) => string[]);
  /** Milliseconds between streamed chunks. @default 0 */
  delayMs?: number;
  /** The reply once the script is used up; without one, the next call fails with `MockExhaustedError`. */
  fallback?: MockReply;
  /** The agent's context, as a provider would carry it (`runTools` runs `ctx.tool` from it). @default {} */
  context?: LLMContext;
}

/**
 * A `ChatModel` that answers from a script, for testing agents without network or keys.
 * Anything that takes an `LLMProvider` takes it. Replies go through the same tool-argument
 * validation and structured-output parsing as a real provider's, and `stream()` yields the same
 * events, in the same order, and the same final response as a real stream of that reply.
 */
export class MockLLM implements ChatModel {
  /** Every request received, in order. */
  readonly calls: ChatRequest[] = [];
  readonly #script: MockReply[];
  readonly #options: MockLLMOptions;

  constructor(replies: MockReply[] = [], options: MockLLMOptions = {}) {
    this.#script = [...replies];
    this.#options = options;
  }

  /** The context given in the options, as `runTools` reads it from a provider. */
  get context(): LLMContext {
    return this.#options.context ?? {};
  }

  /** The last request received. */
  get lastCall(): ChatRequest | undefined {
    return this.calls.at(-1);
  }

  /** Replies still scripted. */
  get remaining(): number {
    return this.#script.length;
  }

  /** Adds replies to the script. */
  reply(...replies: MockReply[]): this {
    this.#script.push(...replies);
    return this;
  }

  async call<TParsed = unknown>(request: ChatRequest<TParsed>): Promise<LLMResponse<TParsed>> {
    throwIfAborted(request.signal);
    const answer = await this.#answer(request);
    answer.checkFormat();
    return answer.response as LLMResponse<TParsed>;
  }

  /** A scripted stream; with a response format, `response()` has its `parsed` typed. */
  stream<TParsed = unknown>(request: ChatRequest<TParsed>): ChatStream<TParsed> {
    return new MockStream(
      (stopped) => this.#answer(request, stopped),
      request,
      this.#options,
    ) as ChatStream<TParsed>;
  }

  /** The reply to `request`; `stopped` is a stream's own `abort()`, which ends a wait too. */
  async #answer(request: ChatRequest, stopped?: AbortSignal): Promise<Answer> {
    // Refused as a provider refuses it, before anything is recorded or a reply used: a test
    // against the mock catches what a real provider would not send.
    const issues = requestProblems(request);
    if (issues.length > 0)
      throw new ConfigError({
        issues: issues.map((issue) => ({ ...issue, path: `request.${issue.path}` })),
        provider: this.#options.provider ?? "mock",
        model: request.model ?? this.#options.model,
      });
    this.calls.push(request);
    const call = this.calls.length;
    let reply = this.#script.shift() ?? this.#options.fallback;
    if (reply === undefined) {
      throw new MockExhaustedError({
        call,
        provider: this.#options.provider ?? "mock",
        model: request.model ?? this.#options.model,
        message: `MockLLM has no reply scripted for call #${call} (${describe(request)}); ${call - 1} replies were used. Add more with mock.reply(...) or set a fallback`,
      });
    }
    // A reply that takes its time ends at the call's abort or deadline, as a real call does,
    // and a stream's at its `abort()`.
    const deadlineMs = request.deadlineMs;
    const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
    const sources = [request.signal, deadline, stopped].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const ends = sources.length < 2 ? sources[0] : AbortSignal.any(sources);
    const ended = () =>
      stopped?.aborted === true && request.signal?.aborted !== true
        ? (stopped.reason as AbortError)
        : deadline?.aborted === true && request.signal?.aborted !== true
          ? new TimeoutError({
              timeoutMs: deadlineMs as number,
              phase: "deadline",
              message: `MockLLM: the call's deadline of ${deadlineMs} ms passed`,
              retryable: false,
              provider: this.#options.provider ?? "mock",
              model: request.model ?? this.#options.model,
            })
          : new AbortError({
              message: "MockLLM: the call was aborted",
              cause: request.signal?.reason,
            });
    while (typeof reply === "function")
      reply = await untilAborted(Promise.resolve(reply(request, call)), ends, ended);
    if (reply instanceof Error) throw reply;
    const scripted = typeof reply === "string" ? { content: reply } : reply;
    // zod, off Node.js, when the request's schemas need it (as the client does).
    const schemas = prepareSchemas(request);
    if (schemas !== undefined) await schemas;
    const response = this.#response(scripted, request, call);
    const provider = this.#options.provider ?? "mock";
    let checked: { error: unknown } | undefined;
    return {
      response,
      chunks: scripted.chunks,
      // After the answer's events, as a real stream checks it: the error carries the paid
      // response, as the client's does.
      checkFormat: () => {
        checked ??= formatError(() =>
          applyResponseFormat(response, request.responseFormat, {
            provider,
            model: response.model,
            request: "MockLLM",
            paid: response,
          }),
        );
        if (checked.error !== undefined) throw checked.error;
      },
    };
  }

  #response(reply: MockResponse, request: ChatRequest, call: number): LLMResponse {
    const provider = this.#options.provider ?? "mock";
    const model = reply.model ?? request.model ?? this.#options.model ?? "mock-model";
    const content = reply.content ?? "";
    const toolCalls: ToolCall[] = (reply.toolCalls ?? []).map((scripted, i) => {
      const raw =
        typeof scripted.arguments === "string"
          ? scripted.arguments
          : JSON.stringify(scripted.arguments ?? {});
      // An empty id is made up, as the client makes up llama.cpp's `""`.
      const id = scripted.id || `call_${call}_${i + 1}`;
      let parsed: unknown = scripted.arguments;
      if (typeof scripted.arguments === "string") {
        try {
          parsed = JSON.parse(scripted.arguments || "{}");
        } catch {
          // Arguments that are not JSON (a call cut by maxTokens): the call carries the error,
          // as the client's does, and the response stands.
          return unparsed(id, scripted.name, raw, reply.finishReason === "length", provider, model);
        }
      }
      const toolCall: ToolCall = { id, name: scripted.name, arguments: parsed, rawArguments: raw };
      return validateToolCall(toolCall, request.tools, { provider, model });
    });
    const message: AssistantMessage = { role: "assistant", content };
    if (toolCalls.length > 0) message.toolCalls = toolCalls;
    if (reply.reasoningContent !== undefined) message.reasoningContent = reply.reasoningContent;
    const response: LLMResponse = {
      content,
      finishReason:
        reply.finishReason === undefined
          ? toolCalls.length > 0
            ? "tool_calls"
            : "stop"
          : reply.finishReason,
      usage: usage(request, content, toolCalls, reply.usage),
      toolCalls,
      model,
      id: reply.id ?? `mock-${call}`,
      provider,
      attempts: 1,
      message,
    };
    if (reply.reasoningContent !== undefined) response.reasoningContent = reply.reasoningContent;
    if (reply.refusal !== undefined) response.refusal = reply.refusal;
    return response;
  }
}

/** A reply resolved for one call, and how to stream its text. */
interface Answer {
  response: LLMResponse;
  chunks: string[] | undefined;
  /** Parses the reply as the request's `responseFormat` asks: throws as the client does. */
  checkFormat(): void;
}

/** What `check` threw, once, so a stream and its `response()` fail alike. */
function formatError(check: () => void): { error: unknown } {
  try {
    check();
    return { error: undefined };
  } catch (error) {
    return { error };
  }
}

/** A scripted call whose arguments are not JSON: the client's `InvalidToolArgumentsError`. */
function unparsed(
  id: string,
  name: string,
  raw: string,
  cut: boolean,
  provider: string,
  model: string,
): ToolCall {
  return {
    id,
    name,
    arguments: undefined,
    rawArguments: raw,
    error: new InvalidToolArgumentsError({
      toolName: name,
      toolCallId: id,
      rawArguments: raw,
      issues: [
        {
          path: [],
          message: cut
            ? "the arguments were cut off before they were complete (finish reason length: raise maxTokens)"
            : "the arguments are not valid JSON",
        },
      ],
      provider,
      model,
    }),
  };
}

/** A scripted stream: the events a real stream of this reply has, in the same order. */
class MockStream implements ChatStream {
  readonly #answer: (stopped: AbortSignal) => Promise<Answer>;
  readonly #request: ChatRequest;
  readonly #options: MockLLMOptions;
  #pending: Promise<Answer> | undefined;
  #started = false;
  #aborted: AbortError | undefined;
  /** Aborted by `abort()`, with its error: a scripted function still running is not waited for. */
  readonly #stopped = new AbortController();

  constructor(
    answer: (stopped: AbortSignal) => Promise<Answer>,
    request: ChatRequest,
    options: MockLLMOptions,
  ) {
    this.#answer = answer;
    this.#request = request;
    this.#options = options;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for await (const event of this.#events()) if (event.type === "text") yield event.text;
  }

  events(): AsyncIterable<StreamEvent> {
    return { [Symbol.asyncIterator]: () => this.#events() };
  }

  /** The final response (the script is read once, whether or not the stream is iterated). */
  response(): Promise<LLMResponse> {
    const response =
      this.#aborted !== undefined
        ? Promise.reject(this.#aborted)
        : this.#once().then((a) => {
            a.checkFormat();
            return a.response;
          });
    response.catch(() => {});
    return response;
  }

  abort(reason?: unknown): void {
    this.#aborted ??= new AbortError({ message: "MockLLM: the stream was aborted", cause: reason });
    this.#stopped.abort(this.#aborted);
  }

  #once(): Promise<Answer> {
    this.#pending ??= this.#answer(this.#stopped.signal);
    return this.#pending;
  }

  async *#events(): AsyncGenerator<StreamEvent> {
    if (this.#started)
      throw new TypeError("This stream is already being consumed: iterate it once");
    this.#started = true;
    this.#check();
    const answer = await this.#once();
    const { response, chunks } = answer;
    const split = splitter(this.#options.chunking);
    for (const piece of response.reasoningContent === undefined
      ? []
      : split(response.reasoningContent)) {
      yield* this.#emit({ type: "reasoning", text: piece });
    }
    for (const piece of response.refusal === undefined ? [] : split(response.refusal))
      yield* this.#emit({ type: "refusal", text: piece });
    for (const piece of chunks ?? split(response.content))
      yield* this.#emit({ type: "text", text: piece });
    for (const [index, call] of response.toolCalls.entries()) {
      yield* this.#emit({
        type: "tool-call-delta",
        index,
        id: call.id,
        name: call.name,
        argumentsDelta: "",
      });
      yield* this.#emit({
        type: "tool-call-delta",
        index,
        argumentsDelta: call.rawArguments ?? "",
      });
    }
    for (const toolCall of response.toolCalls) yield { type: "tool-call", toolCall };
    yield { type: "finish", finishReason: response.finishReason };
    yield { type: "usage", usage: response.usage };
    // The reply checked against its format at the end, as a real stream checks it.
    answer.checkFormat();
    yield { type: "response", response };
  }

  async *#emit(event: StreamEvent): AsyncGenerator<StreamEvent> {
    const delay = this.#options.delayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    this.#check();
    yield event;
  }

  #check(): void {
    if (this.#request.signal?.aborted) this.abort(this.#request.signal.reason);
    if (this.#aborted !== undefined) throw this.#aborted;
  }
}

function splitter(chunking: MockLLMOptions["chunking"]): (text: string) => string[] {
  if (typeof chunking === "function") return chunking;
  if (chunking === "char") return (text) => [...text];
  if (typeof chunking === "number") {
    const size = Math.max(1, Math.floor(chunking));
    return (text) =>
      Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
        text.slice(i * size, (i + 1) * size),
      );
  }
  return (text) => text.match(/\S+\s*|\s+/g) ?? [];
}

/** About four characters a token: good enough for budget and usage tests, never zero for text. */
function usage(
  request: ChatRequest,
  content: string,
  toolCalls: ToolCall[],
  scripted: Partial<Usage> | undefined,
): Usage {
  const tokens = (text: string) => Math.ceil(text.length / 4);
  const promptTokens = request.messages.reduce(
    (n, m) =>
      n + tokens(typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? "")),
    0,
  );
  const completionTokens =
    tokens(content) + toolCalls.reduce((n, c) => n + tokens(c.rawArguments ?? ""), 0);
  const base: Usage = {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    cachedPromptTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    reported: true,
  };
  const merged = { ...base, ...scripted };
  if (scripted?.totalTokens === undefined)
    merged.totalTokens = merged.promptTokens + merged.completionTokens;
  return merged;
}

function describe(request: ChatRequest): string {
  const last = request.messages.at(-1);
  const text =
    last === undefined
      ? "no messages"
      : `last message ${last.role}: ${JSON.stringify(typeof last.content === "string" ? last.content : last.content).slice(0, 80)}`;
  return `${request.messages.length} messages, ${text}`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new AbortError({ message: "MockLLM: the call was aborted", cause: signal.reason });
}
