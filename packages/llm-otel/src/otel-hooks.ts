import {
  type CallInfo,
  type ChatRequest,
  InvalidResponseError,
  LLMError,
  type LLMResponse,
  type ProviderHooks,
  type Usage,
} from "@loom/llm-types";
import type { Attributes, Histogram, Meter, Span, Tracer } from "@opentelemetry/api";
import { otelApi } from "#otel-api";
import { errorStack, errorText, IDENTIFIER } from "./error-text.js";
import { inputMessages, outputMessages } from "./otel-messages.js";
import { otelRegistered } from "./otel-registered.js";
import * as names from "./semantic-names.js";

/** Options for Otel. */
export interface OtelOptions {
  /** @default `ctx.tracer`, else the global tracer provider's */
  tracer?: Tracer;
  /** @default `ctx.meter`, else the global meter provider's */
  meter?: Meter;
  /**
   * Record message content (`gen_ai.input.messages`, `gen_ai.output.messages`).
   * @default `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` in `ctx.env`, else in
   * `process.env` where the runtime has one
   */
  captureContent?: boolean;
}

const SCOPE = "@loom/llm-otel";
// The API's no-op meter hands out one shared histogram: seeing it means no metrics SDK.
let noopHistogram: Histogram | undefined;
const isNoop = (histogram: Histogram): boolean => {
  noopHistogram ??= otelApi().createNoopMeter().createHistogram(SCOPE);
  return histogram === noopHistogram;
};
// `SpanKind.CLIENT`, `SpanStatusCode.OK` and `.ERROR`: fixed by the specification.
const CLIENT = 2;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** What one call's span needs between its hooks. */
interface CallSpan {
  span: Span;
  started: number;
  /** Metric attributes: `gen_ai.operation.name`, provider, models, server. */
  common: Attributes;
  instruments: Instruments;
}

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
  firstChunk: Histogram;
  gateWait: Histogram;
}

const instrumentsByMeter = new WeakMap<Meter, Instruments>();
const servers = new Map<string, { address: string; port: number }>();

/**
 * Hooks that trace every call of a provider: one `CLIENT` span per call or whole stream, named
 * `chat {model}`, with Loom's `llm.*` and the GenAI `gen_ai.*` attributes, retries as
 * events, errors with `error.type`, time to first chunk, and the GenAI client metrics. Spans
 * nest under the caller's active span. With nothing registered with the OpenTelemetry API (and
 * no tracer or meter given), a call pays one property read, and the API is not even loaded.
 */
export function otelHooks(options: OtelOptions = {}): ProviderHooks {
  // Each call's state rides on its CallInfo (see CallState).
  const calls = new CallState();
  // The global tracer is a proxy that follows later SDK registration, so one is enough. The
  // global meter is not: fetch it again only when the registered provider changes.
  let globalTracer: Tracer | undefined;
  let meterProvider: ReturnType<ReturnType<typeof otelApi>["metrics"]["getMeterProvider"]>;
  let globalMeter: Meter | undefined;
  const currentGlobalMeter = (): Meter => {
    const provider = otelApi().metrics.getMeterProvider();
    if (provider !== meterProvider || globalMeter === undefined) {
      meterProvider = provider;
      globalMeter = provider.getMeter(SCOPE);
    }
    return globalMeter;
  };
  return {
    beforeRequest(request, info) {
      const ownTracer = options.tracer ?? (info.context.tracer as Tracer | undefined);
      const ownMeter = options.meter ?? (info.context.meter as Meter | undefined);
      // Nothing registered and nothing given: every span and metric would be a no-op.
      if (ownTracer === undefined && ownMeter === undefined && !otelRegistered()) return;
      const api = otelApi();
      globalTracer ??= api.trace.getTracer(SCOPE);
      const tracer = ownTracer ?? globalTracer;
      const meter = ownMeter ?? currentGlobalMeter();
      const instruments = instrumentsOf(meter);
      const span = tracer.startSpan(
        `${names.OPERATION_CHAT} ${info.model}`,
        { kind: CLIENT },
        api.context.active(),
      );
      // No SDK (or sampled out, with no-op metrics): nothing will be recorded, so keep nothing.
      if (!span.isRecording() && isNoop(instruments.duration)) return;
      const server = serverOf(info.baseUrl);
      const common: Attributes = {
        [names.GEN_AI_OPERATION_NAME]: names.OPERATION_CHAT,
        [names.GEN_AI_PROVIDER_NAME]: info.provider,
        [names.GEN_AI_REQUEST_MODEL]: info.model,
        [names.SERVER_ADDRESS]: server.address,
        [names.SERVER_PORT]: server.port,
      };
      calls.set(info, {
        span,
        started: performance.now(),
        common,
        instruments,
      });
      if (span.isRecording())
        span.setAttributes(requestAttributes(request, info, common, capture(options, info)));
    },
    onWait(waitedMs, _request, info) {
      const call = calls.get(info);
      if (call === undefined) return;
      call.span.addEvent(names.GATE_WAIT_EVENT, { [names.GATE_WAIT_MS]: waitedMs });
      call.instruments.gateWait.record(waitedMs / 1_000, call.common);
    },
    onRetry(retry, _request, info) {
      calls.get(info)?.span.addEvent(names.RETRY_EVENT, {
        [names.RETRY_ATTEMPT]: retry.attempt,
        [names.RETRY_DELAY_MS]: retry.delayMs,
        [names.RETRY_REASON]: retry.reason,
        [names.ERROR_TYPE]: errorType(retry.error),
      });
    },
    onFirstChunk(_request, info) {
      const call = calls.get(info);
      if (call === undefined) return;
      const seconds = (performance.now() - call.started) / 1_000;
      call.span.setAttribute(names.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
      call.instruments.firstChunk.record(seconds, call.common);
    },
    onResponse(response, _request, info) {
      const call = calls.take(info);
      if (call === undefined) return;
      const { span, common, instruments } = call;
      const elapsed = performance.now() - call.started;
      const attributes: Attributes = { ...common, [names.GEN_AI_RESPONSE_MODEL]: response.model };
      if (span.isRecording()) {
        span.setAttributes({
          [names.GEN_AI_RESPONSE_MODEL]: response.model,
          [names.GEN_AI_RESPONSE_ID]: response.id,
          [names.GEN_AI_RESPONSE_FINISH_REASONS]: finishReasons(response, capture(options, info)),
          [names.LLM_LATENCY_MS]: elapsed,
        });
        billed(span, response.usage, response.costUsd);
        if (response.attempts !== undefined)
          span.setAttribute(names.LLM_ATTEMPTS, response.attempts);
        if (capture(options, info))
          span.setAttribute(names.GEN_AI_OUTPUT_MESSAGES, info.redact(outputMessages(response)));
      }
      span.end();
      if (response.usage.reported) recordTokens(instruments, response.usage, attributes);
      instruments.duration.record(elapsed / 1_000, attributes);
    },
    onError(error, _request, info) {
      const call = calls.take(info);
      if (call === undefined) return;
      const type = errorType(error);
      // Error messages name the request's URL; telemetry keeps host and port only.
      // Masked again here: the one redactor of the client, whatever reached this hook.
      const text = errorText(error, capture(options, info));
      const message = info.redact(withoutPaths(text));
      call.span.setAttribute(names.ERROR_TYPE, type);
      // Billed all the same: a response that came whole but could not be used (with its cost,
      // which the cost hooks set), or the usage a stream reported before it failed.
      const paid = InvalidResponseError.isInstance(error) ? error.response : undefined;
      const usage = paid?.usage ?? (LLMError.isInstance(error) ? error.usage : undefined);
      if (usage?.reported === true) {
        billed(call.span, usage, paid?.costUsd);
        recordTokens(call.instruments, usage, call.common);
      }
      if (LLMError.isInstance(error)) call.span.setAttribute(names.LLM_ATTEMPTS, error.attempts);
      call.span.recordException({
        name: type,
        message,
        ...(error instanceof Error && error.stack !== undefined
          ? { stack: info.redact(withoutPaths(errorStack(error, text) ?? "")) }
          : {}),
      });
      call.span.setStatus({ code: STATUS_ERROR, message });
      call.span.end();
      call.instruments.duration.record((performance.now() - call.started) / 1_000, {
        ...call.common,
        [names.ERROR_TYPE]: type,
      });
    },
    onCancel(_request, info, usage) {
      const call = calls.take(info);
      if (call === undefined) return;
      // The caller stopped reading (it had what it needed): not a failure.
      call.span.setAttribute(names.LLM_STREAM_CANCELLED, true);
      // Left after the usage came: billed.
      if (usage?.reported === true) {
        billed(call.span, usage, undefined);
        recordTokens(call.instruments, usage, call.common);
      }
      call.span.setStatus({ code: STATUS_OK });
      call.span.end();
      call.instruments.duration.record((performance.now() - call.started) / 1_000, call.common);
    },
  };
}

// One key for every hooks instance: a key per instance would give each client's CallInfo objects
// a hidden class of their own, and every hook of a fleet of clients (1,000 in one process) would
// read them through megamorphic property loads (measured: 1.5 times raw undici's CPU per call,
// against 1.06 with one key).
const CALL_KEY = Symbol("loom.otel.call");

/** A call's span, with the hooks instance it belongs to and the next instance's on the same call. */
interface CallEntry {
  owner: CallState;
  call: CallSpan;
  next: CallEntry | undefined;
}

type Carrier = Record<typeof CALL_KEY, CallEntry | undefined>;

/**
 * Per-call state stored on the call's own CallInfo (one object per call, no WeakMap, whose
 * entries cost the garbage collector on every call). A client with two tracing hooks (rare) keeps
 * one entry per instance in a short list under the one key.
 */
class CallState {
  get(info: CallInfo): CallSpan | undefined {
    for (let entry = (info as unknown as Carrier)[CALL_KEY]; entry; entry = entry.next)
      if (entry.owner === this) return entry.call;
    return undefined;
  }

  set(info: CallInfo, call: CallSpan): void {
    const carrier = info as unknown as Carrier;
    carrier[CALL_KEY] = { owner: this, call, next: carrier[CALL_KEY] };
  }

  /** The call's state, removed: each call is ended exactly once. */
  take(info: CallInfo): CallSpan | undefined {
    const carrier = info as unknown as Carrier;
    let previous: CallEntry | undefined;
    for (let entry = carrier[CALL_KEY]; entry; previous = entry, entry = entry.next) {
      if (entry.owner !== this) continue;
      if (previous === undefined) carrier[CALL_KEY] = entry.next;
      else previous.next = entry.next;
      return entry.call;
    }
    return undefined;
  }
}

/** What was billed, on the span: tokens (both attribute families) and the cost, when known. */
function billed(span: Span, usage: Usage, costUsd: number | undefined): void {
  span.setAttributes({
    [names.LLM_TOKENS_PROMPT]: usage.promptTokens,
    [names.GEN_AI_USAGE_INPUT_TOKENS]: usage.promptTokens,
    [names.LLM_TOKENS_COMPLETION]: usage.completionTokens,
    [names.GEN_AI_USAGE_OUTPUT_TOKENS]: usage.completionTokens,
  });
  if (usage.cachedPromptTokens > 0)
    span.setAttribute(names.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cachedPromptTokens);
  if (usage.cacheWriteTokens > 0)
    span.setAttribute(names.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheWriteTokens);
  if (usage.reasoningTokens > 0)
    span.setAttribute(names.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
  if (costUsd !== undefined) span.setAttribute(names.LLM_COST_USD, costUsd);
}

/** The token usage histogram: input and output, with the call's metric attributes. */
function recordTokens(instruments: Instruments, usage: Usage, attributes: Attributes): void {
  instruments.tokens.record(usage.promptTokens, {
    ...attributes,
    [names.GEN_AI_TOKEN_TYPE]: "input",
  });
  instruments.tokens.record(usage.completionTokens, {
    ...attributes,
    [names.GEN_AI_TOKEN_TYPE]: "output",
  });
}

function requestAttributes(
  request: ChatRequest,
  info: CallInfo,
  common: Attributes,
  captureContent: boolean,
): Attributes {
  const attributes: Attributes = {
    ...common,
    [names.LLM_PROVIDER]: info.provider,
    [names.LLM_MODEL]: info.model,
    [names.GEN_AI_REQUEST_STREAM]: info.stream,
  };
  // Absent from a `CallInfo` made by hand (hook tests, older callers): left out, not "undefined".
  if (info.protocol !== undefined) attributes[names.LLM_PROTOCOL] = info.protocol;
  if (info.context.agentId !== undefined) attributes[names.LOOM_AGENT_ID] = info.context.agentId;
  if (request.temperature !== undefined)
    attributes[names.GEN_AI_REQUEST_TEMPERATURE] = request.temperature;
  if (request.maxTokens !== undefined)
    attributes[names.GEN_AI_REQUEST_MAX_TOKENS] = request.maxTokens;
  if (request.topP !== undefined) attributes[names.GEN_AI_REQUEST_TOP_P] = request.topP;
  if (request.n !== undefined && request.n !== 1)
    attributes[names.GEN_AI_REQUEST_CHOICE_COUNT] = request.n;
  if (captureContent)
    attributes[names.GEN_AI_INPUT_MESSAGES] = info.redact(inputMessages(request.messages));
  return attributes;
}

function capture(options: OtelOptions, info: CallInfo): boolean {
  if (options.captureContent !== undefined) return options.captureContent;
  try {
    // `process.env` read through globalThis: a bare `process` is a ReferenceError in a browser
    // or a Worker without nodejs_compat. (`runtimeEnv()` of @loom/llm-utils does the same; this
    // package depends on no helper package, docs/architecture.md.)
    const env =
      info.context.env ??
      (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    return env?.[names.CAPTURE_CONTENT_ENV] === "true";
  } catch {
    // Deno without --allow-env refuses the read (NotCapable): a variable it may not read is
    // not set, and content stays off rather than the call failing.
    return false;
  }
}

/** Host and port of the base URL only: never its path, query or anything else. */
function serverOf(baseUrl: string): { address: string; port: number } {
  let server = servers.get(baseUrl);
  if (server === undefined) {
    const url = new URL(baseUrl);
    server = {
      address: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80,
    };
    servers.set(baseUrl, server);
  }
  return server;
}

/** URLs cut to their origin: `http://host:8000/v1/chat/completions` → `http://host:8000`. */
function withoutPaths(text: string): string {
  return text.replace(/\b(https?:\/\/[^\s/?#]+)[^\s:,)]*/g, "$1");
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : "_OTHER";
}

function instrumentsOf(meter: Meter): Instruments {
  let instruments = instrumentsByMeter.get(meter);
  if (instruments === undefined) {
    instruments = {
      tokens: meter.createHistogram(names.METRIC_TOKEN_USAGE, {
        unit: "{token}",
        description: "Tokens used per call, by gen_ai.token.type (input, output)",
        advice: { explicitBucketBoundaries: [...names.TOKEN_BUCKETS] },
      }),
      duration: meter.createHistogram(names.METRIC_OPERATION_DURATION, {
        unit: "s",
        description: "Duration of each call or whole stream",
        advice: { explicitBucketBoundaries: [...names.DURATION_BUCKETS] },
      }),
      firstChunk: meter.createHistogram(names.METRIC_TIME_TO_FIRST_CHUNK, {
        unit: "s",
        description: "Time from the request to a stream's first chunk",
        advice: { explicitBucketBoundaries: [...names.DURATION_BUCKETS] },
      }),
      gateWait: meter.createHistogram(names.METRIC_GATE_WAIT, {
        unit: "s",
        description: "Time an attempt waited at a rate limit (or another gate) before it was sent",
        advice: { explicitBucketBoundaries: [...names.DURATION_BUCKETS] },
      }),
    };
    instrumentsByMeter.set(meter, instruments);
  }
  return instruments;
}

/** Every answer's finish reason, in choice order (one per answer with `n > 1`). */
function finishReasons(response: LLMResponse, capture: boolean): string[] {
  const reasons: string[] = [];
  for (const answer of response.choices ?? [response])
    if (answer.finishReason !== null)
      // A server's own reason passes as it wrote it (OpenAI Responses' `incomplete_details`):
      // without content capture, only when it is a word, not prose.
      reasons.push(capture || IDENTIFIER.test(answer.finishReason) ? answer.finishReason : "other");
  return reasons;
}

/** What a budget gauge reads: a `CostTracker`, or anything that knows what is left. */
export interface BudgetSource {
  readonly remainingUsd: number | undefined;
}

const gauged = new WeakSet<BudgetSource>();

/**
 * Reports what is left of a tracker's budget as the `llm.client.budget.remaining` gauge (USD),
 * read at each collection: the shared budget's remainder when the tracker has a store. Once per
 * tracker, whatever number of providers report into it.
 */
export function budgetGauge(tracker: BudgetSource, meter?: Meter): void {
  // Without a meter or anything registered, the gauge would go to the no-op meter.
  if (gauged.has(tracker) || (meter === undefined && !otelRegistered())) return;
  gauged.add(tracker);
  (meter ?? otelApi().metrics.getMeter(SCOPE))
    .createObservableGauge(names.METRIC_BUDGET_REMAINING, {
      unit: "USD",
      description: "What is left of the cost tracker's budget",
    })
    .addCallback((result) => {
      const remaining = tracker.remainingUsd;
      if (remaining !== undefined) result.observe(remaining);
    });
}
