import { inspect } from "node:util";
import {
  APIStatusError,
  type CallGate,
  type CallInfo,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  ConfigError,
  ConnectionError,
  type GateEntry,
  type GateOutcome,
  type GatePass,
  type LLMConfig,
  type LLMConfigInput,
  type LLMContext,
  type LLMResponse,
  parseConfig,
  TimeoutError,
} from "@loom/llm-types";
import {
  CREDENTIAL_HEADER,
  createStatusError,
  Redactor,
  redactSecret,
  redactUrl,
  requestProblems,
  urlSecrets,
} from "@loom/llm-types/internal";
import { type Dispatcher, Pool } from "undici";
import type { ChatClientOptions } from "./chat-client-options.js";
import { HookRunner } from "./hooks/hook-runner.js";
import { BodyWatchdog } from "./http/body-watchdog.js";
import { CallSignal } from "./http/call-signal.js";
import { decodeBody } from "./http/decode-body.js";
import { nextTurn } from "./http/next-turn.js";
import type { OpenResponse } from "./http/open-response.js";
import { parseRetryAfter } from "./http/parse-retry-after.js";
import { readBody, readErrorBody } from "./http/read-body.js";
import { requestIdOf } from "./http/request-id.js";
import { toTransportError } from "./http/to-transport-error.js";
import { userAgent } from "./http/user-agent.js";
import type { Admission } from "./limit/admission.js";
import { ConcurrencyLimit } from "./limit/concurrency-limit.js";
import { estimateTokens } from "./limit/estimate-tokens.js";
import { sharedRateLimit } from "./limit/shared-rate-limit.js";
import { buildRequestBody } from "./request/build-request-body.js";
import { parseCompletion } from "./response/parse-completion.js";
import { parseJsonBody } from "./response/parse-json-body.js";
import { parseStructuredReply } from "./response/parse-structured-reply.js";
import { quoteServerText } from "./response/quote-server-text.js";
import type { ResponseMeta } from "./response/response-meta.js";
import { type AttemptProgress, Retrier } from "./retry/retrier.js";
import { ProviderStream } from "./stream/provider-stream.js";

// Keep-alive idle time: shorter than the usual server-side 60 s (and llama.cpp's 5 s hint is
// honoured by undici itself), so a socket the server is about to drop is rarely reused.
const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/**
 * One watchdog for every client of the process: a fleet of a thousand clients keeps one timer
 * ticking while bodies are read, not a thousand.
 */
const WATCHDOG = new BodyWatchdog<ResponseMeta>((meta) => {
  const timeoutMs = meta.timeoutMs;
  return new TimeoutError({
    timeoutMs,
    phase: "body",
    message: `${meta.request}: the response did not arrive in full within ${timeoutMs} ms; not resent, since the server may have acted on it`,
    retryable: false,
    provider: meta.provider,
    model: meta.model,
    requestId: meta.requestId,
  });
});

/**
 * A client for one OpenAI-compatible chat-completions API. It owns one keep-alive connection
 * pool to the server; `close()` releases it. Config is validated once, here.
 *
 * This is the building block: it knows no presets and traces nothing by itself. `LLMProvider`
 * in `@loom/llm` extends it with presets, `loom.toml`, pricing and telemetry.
 */
export class ChatClient implements ChatModel {
  readonly #config: LLMConfig;
  readonly #ctx: LLMContext;
  readonly #pool: Pool;
  /** Aborted by `close()`: waits between retries end at once. */
  readonly #closing = new AbortController();
  /** Set by `close()`: what it is waiting for. */
  #closed: Promise<void> | undefined;
  readonly #path: string;
  readonly #label: string;
  readonly #headers: Record<string, string>;
  readonly #streamHeaders: Record<string, string>;
  readonly #hooks: HookRunner;
  readonly #limit: ConcurrencyLimit | undefined;
  /** What each request passes before it is sent: the config's rate limit, then `gates`. */
  readonly #gates: readonly CallGate[];
  /** Every secret this client holds: the key, credential header values, URL credentials. */
  readonly #secrets: readonly (string | undefined)[];
  /** Masks `#secrets`, in every encoding. */
  readonly #redactor: Redactor;
  readonly #redact: (text: string) => string;
  /** The base URL as it may be shown (credentials in its query masked). */
  readonly #baseUrl: string;

  constructor(
    ctx: LLMContext | undefined,
    config: LLMConfigInput | LLMConfig,
    options: ChatClientOptions = {},
  ) {
    this.#ctx = ctx ?? {};
    this.#hooks = new HookRunner(options.hooks ?? []);
    this.#config = parseConfig(config as LLMConfigInput);
    this.#secrets = [
      this.#config.apiKey,
      ...credentialHeaderValues(this.#config.headers),
      ...urlSecrets(this.#config.baseUrl),
    ];
    this.#redactor = new Redactor(this.#secrets);
    this.#baseUrl = redactUrl(this.#config.baseUrl);
    const redactor = this.#redactor;
    this.#redact = redactor.empty ? (text) => text : (text) => redactor.redact(text);
    const max = this.#config.maxConcurrency;
    this.#limit = max === undefined ? undefined : new ConcurrencyLimit(max);
    const own = sharedRateLimit(this.#config);
    this.#gates = [...(own === undefined ? [] : [own]), ...(options.gates ?? [])];
    const url = new URL(this.#config.baseUrl);
    this.#path = `${url.pathname.replace(/\/+$/, "")}/chat/completions${url.search}`;
    // Error messages name the request: with any credential in its query masked.
    this.#label = redactUrl(`POST ${url.origin}${this.#path}`);
    this.#pool = new Pool(url.origin, {
      // `null`: undici's own default, a socket per request in flight.
      connections: this.#config.maxConnections ?? null,
      // undici's 300 s defaults would hide a hung server for five minutes.
      headersTimeout: this.#config.timeoutMs,
      bodyTimeout: this.#config.timeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": userAgent(),
    };
    for (const [name, value] of Object.entries(this.#config.headers))
      headers[name.toLowerCase()] = value;
    if (this.#config.apiKey !== undefined) headers.authorization = `Bearer ${this.#config.apiKey}`;
    this.#headers = headers;
    this.#streamHeaders = { ...headers, accept: "text/event-stream" };
  }

  /** The provider's name (`deepseek`, `openai`, `local`, or the custom one). */
  get name(): string {
    return this.#config.provider;
  }

  /** The default model. */
  get model(): string {
    return this.#config.model;
  }

  /** The validated config; printing it shows the key redacted. */
  get config(): LLMConfig {
    return this.#config;
  }

  /** The context this provider was built with. */
  get context(): LLMContext {
    return this.#ctx;
  }

  /** One chat completion. */
  async call<TParsed = unknown>(request: ChatRequest<TParsed>): Promise<LLMResponse<TParsed>> {
    this.#check(request);
    const meta = this.#meta(request);
    const info = this.#info(meta, false);
    const hooks = this.#hooks;
    hooks.begin(request, info);
    const callSignal =
      request.signal !== undefined || request.deadlineMs !== undefined
        ? new CallSignal(request.signal, request.deadlineMs, meta)
        : undefined;
    const signal = callSignal?.signal;
    const deadline =
      request.deadlineMs === undefined ? undefined : performance.now() + request.deadlineMs;
    // Made on the first failure: most calls succeed at once and need no retry state.
    let retrier: Retrier | undefined;
    // A call hands nothing to its caller before it succeeds: never "delivered".
    const progress: AttemptProgress = { responseStarted: false, delivered: false };
    try {
      for (;;) {
        try {
          progress.responseStarted = false;
          const parsed = await this.#attempt(request, info, meta, signal, progress, deadline);
          parsed.attempts = retrier?.attempts ?? 1;
          hooks.response(parsed, request, info);
          await nextTurn();
          return parsed as LLMResponse<TParsed>;
        } catch (error) {
          retrier ??= this.#retrier(request, info, meta, signal);
          if (!(await this.#retryAfter(retrier, error, progress, meta, signal))) throw error;
        }
      }
    } catch (error) {
      // The one exit of every failure: whatever the error carries is masked before anyone
      // (hooks, telemetry, the caller) sees it.
      meta.redactor.redactError(error);
      hooks.error(error, request, info);
      throw error;
    } finally {
      callSignal?.dispose();
    }
  }

  /**
   * One attempt of a call: a slot under `maxConcurrency`, the request, the whole body within
   * `timeoutMs` of the attempt's start, parsed.
   */
  async #attempt(
    request: ChatRequest,
    info: CallInfo,
    meta: ResponseMeta,
    signal: AbortSignal | undefined,
    progress: AttemptProgress,
    deadline: number | undefined,
  ): Promise<LLMResponse> {
    const admission = await this.#admit(request, info, meta, signal, deadline);
    let outcome: GateOutcome = { sent: false };
    try {
      const started = performance.now();
      let response: OpenResponse;
      try {
        response = await this.#open(request, info, meta, signal);
      } catch (error) {
        // The server answered (a 429 counts against its limits) or the request was lost.
        if (APIStatusError.isInstance(error))
          outcome = { sent: true, retryAfterMs: error.retryAfterMs };
        throw error;
      }
      progress.responseStarted = true;
      outcome = { sent: true, headers: response.headers };
      const watched = { body: response.body, deadline: started + meta.timeoutMs, context: meta };
      WATCHDOG.watch(watched);
      let text: string;
      try {
        text = await readBody(response.body, response.headers["content-length"], meta);
      } catch (error) {
        throw toTransportError(error, { meta, signal, delivered: false, responseStarted: true });
      } finally {
        WATCHDOG.unwatch(watched);
      }
      const parsed = parseCompletion(parseJsonBody(text, meta), meta);
      outcome = { sent: true, headers: response.headers, usage: parsed.usage, model: parsed.model };
      parseStructuredReply(parsed, meta);
      return parsed;
    } finally {
      admission.leave(outcome);
      admission.release();
    }
  }

  /**
   * Lets a request through: every gate (rate limits, budgets) in order, then a slot under
   * `maxConcurrency`, so a request waiting on a limit holds no slot. Waiting is abortable; a
   * refusal leaves the gates already passed as if nothing was sent.
   */
  async #admit(
    request: ChatRequest,
    info: CallInfo,
    meta: ResponseMeta,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ): Promise<Admission> {
    const gates = this.#gates;
    let passes: GatePass[] | undefined;
    if (gates.length > 0) {
      passes = [];
      const entry: GateEntry = {
        provider: meta.provider,
        model: meta.model,
        estimatedTokens: estimateTokens(request, this.#config.maxTokens),
        request,
        deadline,
      };
      // `close()` ends a wait at a gate too, as it ends a wait for a slot.
      const closing = this.#closing.signal;
      const gateSignal = signal === undefined ? closing : AbortSignal.any([signal, closing]);
      const started = performance.now();
      try {
        for (const gate of gates) passes.push(await gate.enter(entry, gateSignal));
      } catch (error) {
        for (const pass of passes) pass.leave({ sent: false });
        // A wait that ended in an abort, a deadline or a refusal is worth seeing most.
        const waitedMs = performance.now() - started;
        if (waitedMs >= 1) this.#hooks.wait(waitedMs, request, info);
        if (closing.aborted && !signal?.aborted) throw this.#closedError(meta);
        throw toTransportError(error, { meta, signal, delivered: false });
      }
      // What the gates held the request for: the time to pass one that did not hold it (a busy
      // event loop, a round trip to a shared store) is not a wait.
      let waitedMs = 0;
      for (const pass of passes) waitedMs += pass.waitedMs;
      if (waitedMs > 0) this.#hooks.wait(waitedMs, request, info);
    }
    let release: (() => void) | undefined;
    try {
      release = await this.#acquire(signal, meta);
    } catch (error) {
      for (const pass of passes ?? []) pass.leave({ sent: false });
      throw error;
    }
    return {
      leave(outcome) {
        if (passes === undefined) return;
        for (const pass of passes) pass.leave(outcome);
        passes = undefined;
      },
      release() {
        release?.();
        release = undefined;
      },
    };
  }

  /** A slot under `maxConcurrency` (none to take without a limit); waiting is abortable. */
  async #acquire(
    signal: AbortSignal | undefined,
    meta: ResponseMeta,
  ): Promise<(() => void) | undefined> {
    const limit = this.#limit;
    if (limit === undefined) return undefined;
    try {
      await limit.acquire(signal);
    } catch (error) {
      throw toTransportError(error, { meta, signal, delivered: false });
    }
    // Released one turn later, once undici has the socket back in its pool (see `nextTurn`):
    // else the next waiter's request would open a socket beyond the limit.
    return () => setImmediate(() => limit.release());
  }

  #retrier(
    request: ChatRequest,
    info: CallInfo,
    meta: ResponseMeta,
    signal: AbortSignal | undefined,
  ): Retrier {
    const hooks = this.#hooks;
    const logger = this.#ctx.logger;
    const watched = hooks.watchesRetries;
    return new Retrier({
      maxRetries: request.maxRetries ?? this.#config.maxRetries,
      maxRetryDelayMs: this.#config.maxRetryDelayMs,
      // `close()` ends the wait too; joined only here, on the failure path.
      signal:
        signal === undefined
          ? this.#closing.signal
          : AbortSignal.any([signal, this.#closing.signal]),
      onRetry:
        !watched && logger?.debug === undefined
          ? undefined
          : (retry) => {
              // Masked before a hook or the log sees it, as at the call's exit.
              meta.redactor.redactError(retry.error);
              logger?.debug?.(
                `${info.provider}: retrying ${info.model} in ${retry.delayMs} ms (${retry.reason})`,
                {
                  provider: info.provider,
                  model: info.model,
                  attempt: retry.attempt,
                  delayMs: retry.delayMs,
                  reason: retry.reason,
                  // The error's message, never its object: its cause may hold undici's request.
                  error: retry.error instanceof Error ? retry.error.message : String(retry.error),
                },
              );
              if (watched) hooks.retry(retry, request, info);
            },
    });
  }

  /** Whether to try again after `error`; an abort while waiting is reported as the abort. */
  async #retryAfter(
    retrier: Retrier,
    error: unknown,
    progress: AttemptProgress,
    meta: ResponseMeta,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    try {
      return await retrier.retryAfter(error, progress);
    } catch (abort) {
      throw toTransportError(abort, { meta, signal, delivered: false });
    }
  }

  /** A streamed chat completion; the request is sent when iteration (or `response()`) starts. */
  stream(request: ChatRequest): ChatStream {
    const meta = this.#meta(request);
    const info = this.#info(meta, true);
    let invalid: unknown;
    try {
      this.#check(request);
    } catch (error) {
      // Raised when the stream starts, as a call rejects: `stream()` itself never throws.
      invalid = error;
    }
    return new ProviderStream({
      open: (signal) => this.#open(request, info, meta, signal),
      admit: (signal, deadline) => this.#admit(request, info, meta, signal, deadline),
      retrier: (signal) => this.#retrier(request, info, meta, signal),
      hooks: this.#hooks,
      invalid,
      request,
      info,
      streamIdleTimeoutMs: this.#config.streamIdleTimeoutMs,
      meta,
      // A refused request arms nothing: its signal or deadline may be what is wrong with it.
      signal: invalid === undefined ? request.signal : undefined,
      deadlineMs: invalid === undefined ? request.deadlineMs : undefined,
    });
  }

  /**
   * One attempt: sends the request and returns the open response when its status is 2xx, or
   * throws the typed error for the status or the transport failure. Retries wrap this.
   */
  async #open(
    request: ChatRequest,
    info: CallInfo,
    meta: ResponseMeta,
    signal: AbortSignal | undefined,
  ): Promise<OpenResponse> {
    if (this.#closed !== undefined) throw this.#closedError(meta);
    const timeoutMs = meta.timeoutMs;
    const stream = info.stream;
    const wire = buildRequestBody(this.#config, request, stream);
    this.#hooks.prepareBody(wire, request, info);
    const body = JSON.stringify(wire);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#pool.request({
        method: "POST",
        path: this.#path,
        headers: this.#requestHeaders(request, stream),
        body,
        signal: signal ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw toTransportError(error, { meta, signal, delivered: false });
    }
    const headers = response.headers;
    // A header the server chose: quoted as server text (masked, bounded) like any other.
    const requestId = requestIdOf(headers);
    meta.requestId = requestId === undefined ? undefined : quoteServerText(requestId, meta, 200);
    const open = decodeBody(response as unknown as OpenResponse, meta);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = meta.redact(await readErrorBody(open.body));
      const shouldRetry = headers["x-should-retry"];
      throw createStatusError({
        status: response.statusCode,
        body: text,
        provider: meta.provider,
        model: meta.model,
        requestId: meta.requestId,
        request: meta.request,
        retryAfterMs: parseRetryAfter(headers),
        shouldRetry: shouldRetry === "true" ? true : shouldRetry === "false" ? false : undefined,
        hint:
          response.statusCode === 401
            ? this.#config.apiKey === undefined
              ? `No API key was sent${this.#config.apiKeyEnv ? `: set ${this.#config.apiKeyEnv}` : ""}`
              : this.#config.apiKeyEnv
                ? `Check the key in ${this.#config.apiKeyEnv}`
                : undefined
            : undefined,
      });
    }
    return open;
  }

  /**
   * Releases the connection pool. Calls and streams in flight fail at once with a
   * `ConnectionError` that says the provider was closed (not retryable), and so does any call
   * made afterwards. With `drain: true`, requests already sent are let finish first (no new
   * attempt starts: a retry fails as closed); `close()` then resolves when they are done.
   */
  close(options: { drain?: boolean } = {}): Promise<void> {
    // Once: a second call (two shutdown handlers) waits for the first, never fails.
    if (this.#closed !== undefined) return this.#closed;
    const meta = this.#meta({ messages: [] });
    this.#limit?.close(this.#closedError(meta));
    this.#closing.abort(this.#closedError(meta));
    this.#closed =
      options.drain === true ? this.#pool.close() : this.#pool.destroy(this.#closedError(meta));
    return this.#closed;
  }

  #closedError(meta: ResponseMeta): ConnectionError {
    return new ConnectionError({
      message: `${meta.request}: the ${meta.provider} provider was closed`,
      code: "LOOM_CLIENT_CLOSED",
      retryable: false,
      provider: meta.provider,
      model: meta.model,
    });
  }

  toString(): string {
    return `${this.constructor.name}(${this.#config.provider}, ${this.#config.model}, ${this.#baseUrl})`;
  }

  toJSON(): object {
    return {
      provider: this.#config.provider,
      model: this.#config.model,
      baseUrl: this.#baseUrl,
      apiKey: redactSecret(this.#config.apiKey),
    };
  }

  static {
    // util.inspect shows the same redacted summary as toJSON (defined here: a computed method
    // name cannot appear in the emitted declarations under isolatedDeclarations).
    Object.defineProperty(ChatClient.prototype, inspect.custom, {
      value(this: ChatClient): string {
        return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
      },
    });
  }

  #info(meta: ResponseMeta, stream: boolean): CallInfo {
    return {
      provider: meta.provider,
      model: meta.model,
      stream,
      context: this.#ctx,
      baseUrl: this.#baseUrl,
      redact: meta.redact,
    };
  }

  #meta(request: ChatRequest): ResponseMeta {
    // Built once per call, and only for a call that brings credential headers of its own.
    const redactor = this.#redactorFor(request);
    return {
      provider: this.#config.provider,
      model: request.model ?? this.#config.model,
      request: this.#label,
      requestId: undefined,
      choices: choiceCount(request),
      maxBytes: this.#config.maxResponseBytes,
      timeoutMs: request.timeoutMs ?? this.#config.timeoutMs,
      tools: request.tools,
      responseFormat: request.responseFormat,
      lenientJson: !this.#config.enforcesResponseFormat,
      redactor,
      redact: redactor === this.#redactor ? this.#redact : (text) => redactor.redact(text),
    };
  }

  #requestHeaders(request: ChatRequest, stream: boolean): Record<string, string> {
    const base = stream ? this.#streamHeaders : this.#headers;
    if (request.headers === undefined) return base;
    const headers = { ...base };
    // Checked by `#check` before anything was sent.
    for (const [name, value] of Object.entries(request.headers))
      headers[name.toLowerCase()] = value;
    return headers;
  }

  /** A request's own options follow the config's rules; a bad one is a `ConfigError`, sent nowhere. */
  #check(request: ChatRequest): void {
    const issues = requestProblems(request);
    if (issues.length === 0) return;
    throw new ConfigError({
      issues: issues.map((issue) => ({ ...issue, path: `request.${issue.path}` })),
      provider: this.#config.provider,
      model: request.model ?? this.#config.model,
    });
  }

  /** The client's redactor, or one that also knows this request's credential headers. */
  #redactorFor(request: ChatRequest): Redactor {
    const headers: unknown = request.headers;
    // Anything but an object is refused by `#check`; this runs first, to build the error.
    const extra =
      typeof headers === "object" && headers !== null
        ? credentialHeaderValues(headers as Record<string, string>)
        : [];
    return extra.length === 0 ? this.#redactor : new Redactor([...this.#secrets, ...extra]);
  }
}

/** The values of headers whose names say they are credentials (`x-api-key`, `*-token`, …). */
function credentialHeaderValues(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([name, value]) => CREDENTIAL_HEADER.test(name) && typeof value === "string")
    .map(([, value]) => value);
}

/** How many answers a request asks for: its `n`, else a numeric `n` in `extraBody`, else 1. */
function choiceCount(request: ChatRequest): number {
  const n = request.n ?? (request.extraBody as { n?: unknown } | undefined)?.n;
  return typeof n === "number" && Number.isInteger(n) && n > 1 ? n : 1;
}
