import {
  type CallInfo,
  type ChatModel,
  type ChatRequest,
  type ChatStream,
  ConfigError,
  ConnectionError,
  type ExchangeFacts,
  type LLMConfig,
  type LLMConfigInput,
  type LLMContext,
  type LLMResponse,
} from "@loom/llm-types";
import {
  CREDENTIAL_HEADER,
  parseConfig,
  Redactor,
  redactSecret,
  redactUrl,
  requestProblems,
  urlSecrets,
} from "@loom/llm-utils";
// Undici's transport on Node, the runtime's fetch elsewhere: chosen by the conditions of
// package.json `imports`, so no other runtime loads undici.
import { defaultTransport } from "#default-transport";
import type { ChatClientOptions } from "./chat-client-options.js";
import { checkClientOptions } from "./check-client-options.js";
import { CallContext } from "./exchange/call-context.js";
import type { ClientCore } from "./exchange/client-core.js";
import { ClientWire } from "./exchange/client-wire.js";
import { exchange } from "./exchange/exchange.js";
import { HookRunner } from "./hooks/hook-runner.js";
import { CallSignal } from "./http/call-signal.js";
import { ConcurrencyLimit } from "./limit/concurrency-limit.js";
import { type SharedRateLimit, sharedRateLimit } from "./limit/shared-rate-limit.js";
import { ProviderStream } from "./stream/provider-stream.js";
import { PROTOCOL_PATHS } from "./wire/protocol-paths.js";

/** Node's `util.inspect.custom` (Bun and Deno honour it too); above the class, which uses it. */
const INSPECT_CUSTOM: unique symbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * A client for one chat API: its config (validated once, here), a connection pool to its
 * server, and `call()`, `stream()` and `close()`. Both kinds of request go through one exchange
 * (`exchange/exchange.ts`): gates, the concurrency slot, the request, status errors, retries,
 * deadlines; the wire protocol (`wire/`) says how requests and answers are written, the
 * transport (`transport/`) sends them.
 *
 * This is the building block: it knows no presets and traces nothing by itself. `LLMProvider`
 * in `@loom/llm` extends it with presets, `loom.toml`, pricing and telemetry.
 */
export class ChatClient implements ChatModel {
  readonly #config: LLMConfig;
  readonly #ctx: LLMContext;
  readonly #core: ClientCore;
  /** Aborted by `close()`. */
  readonly #closing = new AbortController();
  /** Ended by `close()` without `drain` (`ClientCore.sending`). */
  readonly #sending = new Set<() => void>();
  /** Set by `close()`: what it is waiting for. */
  #closed: Promise<void> | undefined;
  /** Its hold on the process's gate for its config's `rateLimit`, let go by `close()`. */
  readonly #rateLimit: SharedRateLimit | undefined;
  /** Every secret this client holds: the key, credential header values, URL credentials. */
  readonly #secrets: readonly (string | undefined)[];
  /** Masks `#secrets`, in every encoding. */
  readonly #redactor: Redactor;
  /** The redactor of the last request's credential headers, and those headers' values. */
  #perCall: { key: string; redactor: Redactor } | undefined;
  readonly #redact: (text: string) => string;
  /** The base URL as it may be shown (credentials in its query masked). */
  readonly #baseUrl: string;
  /** `POST https://host/v1/chat/completions`, credentials masked: errors name the request so. */
  readonly #label: string;

  constructor(
    ctx: LLMContext | undefined,
    config: LLMConfigInput | LLMConfig,
    options: ChatClientOptions = {},
  ) {
    this.#ctx = ctx ?? {};
    checkClientOptions(options);
    const hooks = new HookRunner(options.hooks ?? []);
    this.#config = parseConfig(config as LLMConfigInput);
    const cfg = this.#config;
    this.#secrets = [
      cfg.apiKey,
      ...credentialHeaderValues(cfg.headers),
      ...urlSecrets(cfg.baseUrl),
    ];
    this.#redactor = new Redactor(this.#secrets);
    this.#baseUrl = redactUrl(cfg.baseUrl);
    const redactor = this.#redactor;
    this.#redact = redactor.empty ? (text) => text : (text) => redactor.redact(text);
    const own = sharedRateLimit(cfg);
    this.#rateLimit = own;
    const url = new URL(cfg.baseUrl);
    const path = `${url.pathname.replace(/\/+$/, "")}${PROTOCOL_PATHS[cfg.protocol]}${url.search}`;
    // The URL alone is masked: text around it would not parse as one.
    this.#label = `POST ${redactUrl(`${url.origin}${path}`)}`;
    const makeTransport = options.transport ?? defaultTransport;
    this.#core = {
      config: cfg,
      ctx: this.#ctx,
      wire: new ClientWire(cfg),
      transport: makeTransport(url.origin, {
        maxConnections: cfg.maxConnections,
        timeoutMs: cfg.timeoutMs,
      }),
      hooks,
      gates: [...(own === undefined ? [] : [own.gate]), ...(options.gates ?? [])],
      limit:
        cfg.maxConcurrency === undefined ? undefined : new ConcurrencyLimit(cfg.maxConcurrency),
      closing: this.#closing.signal,
      sending: this.#sending,
      path,
      closedError: (facts) => closedError(facts),
    };
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
    const facts = this.#facts(request);
    // A signal only for a call that has a reason to end early: most calls need none.
    const signal =
      request.signal !== undefined || request.deadlineMs !== undefined
        ? new CallSignal(request.signal, request.deadlineMs, facts)
        : undefined;
    const info = this.#info(facts, false);
    const ctx = new CallContext(this.#core, request, facts, info, signal, request.deadlineMs);
    // A call's body is read whole: the exchange yields nothing before its response.
    const step = await exchange(ctx, undefined).next();
    return step.value as LLMResponse<TParsed>;
  }

  /**
   * A streamed chat completion; the request is sent when iteration (or `response()`) starts.
   * With a response format, `response()` has its `parsed` typed, as `call` does.
   */
  stream<TParsed = unknown>(request: ChatRequest<TParsed>): ChatStream<TParsed> {
    const facts = this.#facts(request);
    let invalid: unknown;
    try {
      this.#check(request);
    } catch (error) {
      // Raised when the stream starts, as a call rejects: `stream()` itself never throws.
      invalid = error;
    }
    // A refused request arms nothing: its signal or deadline may be what is wrong with it.
    const valid = invalid === undefined;
    const deadlineMs = valid ? request.deadlineMs : undefined;
    // Made before the stream is read, if it ever is: its deadline holds the process only where
    // the transport holds nothing open while a request is out.
    const signal = new CallSignal(
      valid ? request.signal : undefined,
      deadlineMs,
      facts,
      this.#core.transport.settlesItself !== true,
    );
    const info = this.#info(facts, true);
    const ctx = new CallContext(this.#core, request, facts, info, signal, deadlineMs);
    return new ProviderStream(ctx, invalid) as ChatStream<TParsed>;
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
    const error = closedError(this.#facts({ messages: [] }));
    this.#core.limit?.close(error);
    this.#closing.abort(error);
    this.#rateLimit?.release();
    if (options.drain !== true) for (const cut of [...this.#sending]) cut();
    this.#closed = this.#core.transport.close({ drain: options.drain === true, reason: error });
    return this.#closed;
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
    // name cannot appear in the emitted declarations under isolatedDeclarations). The symbol is
    // `inspect.custom` by its registered name, so no runtime has to load `node:util` for it.
    Object.defineProperty(ChatClient.prototype, INSPECT_CUSTOM, {
      value(this: ChatClient): string {
        return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
      },
    });
  }

  #info(facts: ExchangeFacts, stream: boolean): CallInfo {
    return {
      provider: facts.provider,
      model: facts.model,
      stream,
      context: this.#ctx,
      baseUrl: this.#baseUrl,
      protocol: this.#config.protocol,
      redact: facts.redact,
    };
  }

  #facts(request: ChatRequest): ExchangeFacts {
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

  /** A request's own options follow the config's rules; a bad one is a `ConfigError`, sent nowhere. */
  #check(request: ChatRequest): void {
    const issues = requestProblems(request);
    if (issues.length === 0) return;
    // A value quoted in an issue is the caller's text: a key pasted into it is masked.
    const redactor = this.#redactorFor(request);
    throw new ConfigError({
      issues: issues.map((issue) => ({
        path: `request.${issue.path}`,
        message: redactor.redact(issue.message),
      })),
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
    if (extra.length === 0) return this.#redactor;
    // The same headers call after call (a per-user token) reuse one redactor: making one finds
    // every written form of a secret, about 20 ms for a cookie of 10 kB.
    const key = extra.join("\0");
    if (this.#perCall?.key !== key)
      this.#perCall = { key, redactor: new Redactor([...this.#secrets, ...extra]) };
    return this.#perCall.redactor;
  }
}

/** The error of anything tried after `close()`. */
function closedError(facts: ExchangeFacts): ConnectionError {
  return new ConnectionError({
    message: `${facts.request}: the ${facts.provider} provider was closed`,
    code: "LOOM_CLIENT_CLOSED",
    retryable: false,
    provider: facts.provider,
    model: facts.model,
  });
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
