// The conformance checks, written once for every runtime: plain ESM JavaScript that uses only
// the language and web globals (AbortController, performance, btoa), so the same file runs under
// Node.js, Bun, Deno, workerd and a browser. Each runtime has a small entry that hands
// `runChecks` the fake server's URL and a `report` function; the checks never touch the
// runtime's own APIs (process, Deno, the file system).
//
// Every request of a check carries `x-check: <name>` (a config header of the check's own
// provider): the fake server, in the test process, answers each check by that header with the
// replies `src/conformance-script.ts` scripts for it, and counts its requests.
import {
  AbortError,
  AuthenticationError,
  BudgetExceededError,
  ConnectionError,
  CostTracker,
  defineTool,
  InvalidResponseError,
  LLMError,
  LLMProvider,
  parseProjectConfig,
  runTools,
  TimeoutError,
} from "@loom/llm";
import { MockLLM } from "@loom/llm-testing/mock";

/**
 * The key every check's provider sends. The hostile checks' server echoes it back; it must never
 * show in anything the client hands the caller, nor in anything the entry prints.
 */
export const KEY = "sk-conformance+KEY/0123456789=abcdef";

/** The key in each form a hostile server might disguise it in: as is, URL-encoded, base64. */
const KEY_FORMS = [KEY, encodeURIComponent(KEY), btoa(KEY)];

/** How long one check may take before it is reported failed and the next one starts. */
const CHECK_LIMIT_MS = 10_000;

/**
 * Runs every check in order against the fake server at `url` (`http://127.0.0.1:PORT`),
 * calling `report({ name, ok, detail })` once per check, and `show(label, value)` with objects
 * the entry should print the runtime's own way (its console's inspection must not reveal the
 * key either).
 */
export async function runChecks(url, report, show = () => {}) {
  for (const [name, check] of CHECKS) {
    const started = performance.now();
    let ok = false;
    let detail;
    try {
      detail = await withinLimit(check({ url, name, show }), CHECK_LIMIT_MS);
      ok = true;
    } catch (error) {
      detail = describe(error);
    }
    const ms = Math.round(performance.now() - started);
    report({ name, ok, detail: `${detail ?? "ok"} (${ms} ms)` });
  }
}

/** @type {[string, (c: {url: string, name: string, show: Function}) => Promise<string|undefined>][]} */
const CHECKS = [
  [
    "openai-chat call",
    (c) =>
      using(c, {}, async (llm) => {
        const res = await llm.call({ messages: ask });
        equal(res.content, "Hello from the fake server", "content");
        equal(res.finishReason, "stop", "finishReason");
        equal(res.usage.promptTokens, 10, "usage.promptTokens");
        return `content ${JSON.stringify(res.content)}`;
      }),
  ],
  [
    "openai-chat stream text",
    (c) =>
      using(c, {}, async (llm) => {
        const pieces = [];
        for await (const piece of llm.stream({ messages: ask })) pieces.push(piece);
        equal(pieces.join(""), "Hello, streamed world", "streamed text");
        return `${pieces.length} pieces`;
      }),
  ],
  [
    "openai-chat stream events",
    (c) =>
      using(c, {}, async (llm) => {
        const types = [];
        let response;
        for await (const event of llm.stream({ messages: ask }).events()) {
          types.push(event.type);
          if (event.type === "response") response = event.response;
        }
        equal(types.at(-1), "response", "last event");
        equal(types.filter((t) => t === "text").length, 3, "text events");
        equal(response?.content, "Hello, streamed world", "response content");
        equal(response?.usage.completionTokens, 3, "usage.completionTokens");
        return types.join(",");
      }),
  ],
  [
    "anthropic-messages call",
    (c) =>
      using(c, { protocol: "anthropic-messages" }, async (llm) => {
        const res = await llm.call({ messages: ask });
        equal(res.content, "Hello from Claude", "content");
        equal(res.finishReason, "stop", "finishReason");
        return `content ${JSON.stringify(res.content)}`;
      }),
  ],
  [
    "anthropic-messages stream",
    (c) =>
      using(c, { protocol: "anthropic-messages" }, async (llm) => {
        const stream = llm.stream({ messages: ask });
        const pieces = [];
        for await (const piece of stream) pieces.push(piece);
        equal(pieces.join(""), "Hello, streamed Claude", "streamed text");
        equal((await stream.response()).content, "Hello, streamed Claude", "response content");
        return `${pieces.length} pieces`;
      }),
  ],
  [
    "openai-responses call",
    (c) =>
      using(c, { protocol: "openai-responses" }, async (llm) => {
        const res = await llm.call({ messages: ask });
        equal(res.content, "Hello from Responses", "content");
        equal(res.finishReason, "stop", "finishReason");
        return `content ${JSON.stringify(res.content)}`;
      }),
  ],
  [
    "openai-responses stream",
    (c) =>
      using(c, { protocol: "openai-responses" }, async (llm) => {
        const pieces = [];
        for await (const piece of llm.stream({ messages: ask })) pieces.push(piece);
        equal(pieces.join(""), "Hello, streamed Responses", "streamed text");
        return `${pieces.length} pieces`;
      }),
  ],
  [
    "abort mid-stream",
    (c) =>
      using(c, {}, async (llm) => {
        const controller = new AbortController();
        let abortedAt = 0;
        let pieces = 0;
        const error = await rejection(async () => {
          for await (const _ of llm.stream({ messages: ask, signal: controller.signal })) {
            pieces++;
            if (pieces === 2) {
              abortedAt = performance.now();
              controller.abort();
            }
          }
        });
        const late = Math.round(performance.now() - abortedAt);
        kind(error, AbortError, "AbortError");
        equal(pieces, 2, "pieces before the abort took effect");
        below(late, 1_000, "ms from abort() to the AbortError");
        return `AbortError ${late} ms after abort()`;
      }),
  ],
  [
    "timeout on a stalled server",
    (c) =>
      using(c, { timeoutMs: 300, maxRetries: 0 }, async (llm) => {
        const started = performance.now();
        const error = await rejection(() => llm.call({ messages: ask }));
        const ms = Math.round(performance.now() - started);
        kind(error, TimeoutError, "TimeoutError");
        equal(error.phase, "headers", "phase");
        between(ms, 250, 5_000, "ms to the TimeoutError");
        return `TimeoutError phase ${error.phase} after ${ms} ms`;
      }),
  ],
  [
    "timeout on a stalled stream",
    (c) =>
      using(c, { timeoutMs: 300, maxRetries: 0 }, async (llm) => {
        const pieces = [];
        const started = performance.now();
        const error = await rejection(async () => {
          for await (const piece of llm.stream({ messages: ask })) pieces.push(piece);
        });
        const ms = Math.round(performance.now() - started);
        kind(error, TimeoutError, "TimeoutError");
        equal(error.phase, "idle", "phase");
        equal(pieces.join(""), "before the stall", "text delivered before the stall");
        between(ms, 250, 5_000, "ms to the TimeoutError");
        return `TimeoutError phase ${error.phase} after ${ms} ms`;
      }),
  ],
  [
    "retry after a 503",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        const res = await llm.call({ messages: ask });
        equal(res.content, "after the retry", "content");
        equal(res.attempts, 2, "attempts");
        return `attempts ${res.attempts}`;
      }),
  ],
  [
    "no resend after a response byte: call",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        const error = await rejection(() => llm.call({ messages: ask }));
        kind(error, ConnectionError, "ConnectionError");
        equal(error.retryable, false, "retryable");
        return `${error.name}: ${error.message}`;
      }),
  ],
  [
    "no resend after a response byte: stream",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        const pieces = [];
        const error = await rejection(async () => {
          for await (const piece of llm.stream({ messages: ask })) pieces.push(piece);
        });
        // A reset reads as ConnectionError; a clean close as InvalidResponseError.
        oneOf(error?.name, ["ConnectionError", "InvalidResponseError"], "error");
        equal(error.retryable, false, "retryable");
        equal(pieces.length, 0, "pieces delivered");
        return `${error.name}: ${error.message}`;
      }),
  ],
  [
    "every send counted on a reused connection",
    // The second call goes out on the first one's connection; the server reads it and closes
    // the connection without an answer, and does so again on the next. Whatever the client
    // resends (undici's transport gives a stale keep-alive socket one free retry, counted; a
    // fetch transport none), it counts: the harness checks the server got one request more
    // than the attempts said. Deno's fetch resent such a request by itself (its own retry of
    // stale pooled connections), one the attempts and the gates never saw.
    (c) =>
      using(c, { maxRetries: 0 }, async (llm) => {
        equal((await llm.call({ messages: ask })).content, "before the reset", "first call");
        const error = await rejection(() => llm.call({ messages: ask }));
        kind(error, ConnectionError, "ConnectionError");
        return `attempts=${error.attempts}: ${error.message}`;
      }),
  ],
  [
    "runTools loop",
    (c) =>
      using(c, {}, async (llm) => {
        const run = await runTools(llm, { messages: ask, tools: [weatherTool()] });
        equal(run.stopReason, "answered", "stopReason");
        equal(run.response.content, "Sunny in Rome.", "answer");
        equal(run.steps.length, 2, "steps");
        const result = run.steps[0]?.results[0];
        equal(result?.ok, true, "tool result ok");
        equal(JSON.stringify(result?.value), '{"city":"Rome","sky":"sun"}', "tool result");
        return `${run.steps.length} steps, ${run.messages.length} messages`;
      }),
  ],
  [
    "deadline across a retry",
    (c) =>
      using(c, { maxRetries: 5, timeoutMs: 10_000 }, async (llm) => {
        const started = performance.now();
        // A 503 retried at once, then a server that never answers: the call's deadline, not
        // `timeoutMs` nor the retries left, ends it.
        const error = await rejection(() => llm.call({ messages: ask, deadlineMs: 500 }));
        const ms = Math.round(performance.now() - started);
        kind(error, TimeoutError, "TimeoutError");
        equal(error.phase, "deadline", "phase");
        between(ms, 450, 5_000, "ms to the TimeoutError");
        return `TimeoutError phase ${error.phase} after ${ms} ms`;
      }),
  ],
  [
    "anthropic-messages runTools loop",
    (c) =>
      using(c, { protocol: "anthropic-messages" }, async (llm) => {
        const run = await runTools(llm, { messages: ask, tools: [weatherTool()] });
        equal(run.stopReason, "answered", "stopReason");
        equal(run.response.content, "Sunny in Rome.", "answer");
        equal(run.steps.length, 2, "steps");
        equal(
          JSON.stringify(run.steps[0]?.results[0]?.value),
          '{"city":"Rome","sky":"sun"}',
          "tool result",
        );
        return `${run.steps.length} steps, ${run.messages.length} messages`;
      }),
  ],
  [
    "openai-responses streamed tool call",
    (c) =>
      using(c, { protocol: "openai-responses" }, async (llm) => {
        const stream = llm.stream({ messages: ask, tools: [weatherTool()] });
        let pieces = "";
        let called;
        for await (const event of stream.events()) {
          if (event.type === "tool-call-delta") pieces += event.argumentsDelta;
          if (event.type === "tool-call") called = event.toolCall;
        }
        const response = await stream.response();
        equal(pieces, '{"city":"Rome"}', "the arguments' pieces, joined");
        equal(called?.name, "get_weather", "the tool-call event's name");
        equal(JSON.stringify(response.toolCalls[0]?.arguments), '{"city":"Rome"}', "arguments");
        equal(response.finishReason, "tool_calls", "finishReason");
        return `${called?.name}(${JSON.stringify(called?.arguments)})`;
      }),
  ],
  [
    "loom.toml text: key from ctx.env, prices, budget and hooks",
    async (c) => {
      // Read from text, as a worker or a page has it (no file to load); the key's variable is
      // looked up in the context's env, where a runtime without `process.env` passes it.
      const config = parseProjectConfig(
        [
          "[llm.conformance]",
          `base_url = "${c.url}/v1"`,
          'model = "fake-model"',
          'api_key_env = "CONFORMANCE_KEY"',
          "input_per_mtok = 2",
          "output_per_mtok = 8",
        ].join("\n"),
      );
      const seen = [];
      const tracker = new CostTracker({ budgetUsd: 0.00001 });
      const llm = LLMProvider.fromConfig({ env: { CONFORMANCE_KEY: KEY } }, "conformance", config, {
        headers: { "x-check": c.name },
        tracker,
        hooks: [
          {
            beforeRequest: () => seen.push("beforeRequest"),
            onResponse: (response) => seen.push(`onResponse ${response.content}`),
            onError: (error) => seen.push(`onError ${error?.name}`),
          },
        ],
      });
      try {
        const res = await llm.call({ messages: ask });
        // 10 prompt tokens at $2 and 5 completion tokens at $8 per million.
        const expected = (10 * 2 + 5 * 8) / 1e6;
        near(res.costUsd, expected, "costUsd");
        near(tracker.spentUsd, expected, "the tracker's spentUsd");
        // The budget ($0.00001) is spent: the next call is refused before it is sent.
        const error = await rejection(() => llm.call({ messages: ask }));
        kind(error, BudgetExceededError, "BudgetExceededError");
        equal(seen.join(", "), SEEN_WITH_BUDGET, "the hooks' calls");
        return `costUsd ${res.costUsd}; then ${error.name}`;
      } finally {
        await llm.close();
      }
    },
  ],
  [
    "a body in deflate: decoded, or refused naming the coding",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        // Node's, Bun's and browsers' fetch decode deflate; Deno's and workerd's hand it on as
        // it came: then a typed error that names it, never the bytes parsed as JSON.
        try {
          const res = await llm.call({ messages: ask });
          equal(res.content, "Hello, deflated", "content");
          return "decoded";
        } catch (error) {
          kind(error, InvalidResponseError, "InvalidResponseError");
          contains(error.message, '"deflate", which is not decoded', "the error message");
          equal(error.retryable, false, "retryable");
          return `${error.name}: ${error.message}`;
        }
      }),
  ],
  [
    "a body not in its declared gzip: InvalidResponseError, not resent",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        // Plain JSON under `content-encoding: gzip` (a proxy's mistake): a bad answer, never a
        // connection failure, and the server had it: not sent again.
        const error = await rejection(() => llm.call({ messages: ask }));
        kind(error, InvalidResponseError, "InvalidResponseError");
        contains(error.message, "could not be decoded", "the error message");
        equal(error.retryable, false, "retryable");
        return `${error.name}: ${error.message}`;
      }),
  ],
  [
    "a header block too large: not resent",
    (c) =>
      using(c, { maxRetries: 2 }, async (llm) => {
        // A runtime whose fetch takes headers this large answers; else a typed error, final.
        let error;
        try {
          const res = await llm.call({ messages: ask });
          equal(res.content, "read all the same", "content");
          return "the runtime took the header block";
        } catch (thrown) {
          error = thrown;
        }
        kind(error, LLMError, "an LLMError");
        equal(error.retryable, false, "retryable");
        return `${error.name}: ${error.message.slice(0, 160)}`;
      }),
  ],
  [
    "structured output",
    (c) =>
      using(c, {}, async (llm) => {
        const res = await llm.call({
          messages: ask,
          responseFormat: WEATHER_FORMAT,
        });
        equal(JSON.stringify(res.parsed), '{"city":"Rome","celsius":21}', "parsed");
        return `parsed ${JSON.stringify(res.parsed)}`;
      }),
  ],
  [
    "structured output refused by its schema",
    (c) =>
      using(c, { maxRetries: 0 }, async (llm) => {
        const error = await rejection(() =>
          llm.call({ messages: ask, responseFormat: WEATHER_FORMAT }),
        );
        kind(error, InvalidResponseError, "InvalidResponseError");
        // zod (imported on first need off Node.js) ran: its issue names the property.
        equal(error.issues?.[0]?.path?.join("."), "celsius", "the schema issue's path");
        equal(error.response?.content, '{"city":"Rome","celsius":"warm"}', "the paid answer");
        return `${error.name}: ${error.message}`;
      }),
  ],
  [
    "MockLLM call, stream and runTools",
    async () => {
      const llm = new MockLLM([
        "Paris.",
        { content: "Streamed from the mock", chunks: ["Streamed", " from", " the mock"] },
        { toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }] },
        "Sunny in Rome.",
      ]);
      equal((await llm.call({ messages: ask })).content, "Paris.", "call");
      const pieces = [];
      for await (const piece of llm.stream({ messages: ask })) pieces.push(piece);
      equal(pieces.join(""), "Streamed from the mock", "stream");
      equal(pieces.length, 3, "pieces");
      const run = await runTools(llm, { messages: ask, tools: [weatherTool()] });
      equal(run.response.content, "Sunny in Rome.", "runTools answer");
      equal(JSON.stringify(run.steps[0]?.results[0]?.value), '{"city":"Rome","sky":"sun"}', "tool");
      return `${pieces.length} pieces, ${run.steps.length} steps`;
    },
  ],
  [
    "MockLLM structured output refused by its schema",
    async () => {
      const llm = new MockLLM(['{"city":"Rome","celsius":21}', '{"city":"Rome"}']);
      const res = await llm.call({ messages: ask, responseFormat: WEATHER_FORMAT });
      equal(JSON.stringify(res.parsed), '{"city":"Rome","celsius":21}', "parsed");
      const error = await rejection(() =>
        llm.call({ messages: ask, responseFormat: WEATHER_FORMAT }),
      );
      kind(error, InvalidResponseError, "InvalidResponseError");
      equal(error.issues?.[0]?.path?.join("."), "celsius", "the schema issue's path");
      return `${error.name}: ${error.message}`;
    },
  ],
  [
    "key hidden: a 401 echoing the headers",
    (c) =>
      using(c, { maxRetries: 0 }, async (llm) => {
        const error = await rejection(() => llm.call({ messages: ask }));
        kind(error, AuthenticationError, "AuthenticationError");
        // The echo did reach the error, masked: otherwise the check proves nothing.
        contains(error.message, "x-check: key hidden", "the error message");
        hidden(error, "the error");
        hidden(String(error), "String(error)");
        hidden(jsonOf(error), "JSON.stringify(error)");
        hidden(jsonOf(llm), "JSON.stringify(provider)");
        hidden(String(llm), "String(provider)");
        hidden(jsonOf(llm.config), "JSON.stringify(provider.config)");
        c.show("error", error);
        c.show("provider", llm);
        c.show("config", llm.config);
        return `${error.name}: ${error.message.slice(0, 120)}`;
      }),
  ],
  [
    "key hidden: a stream echoing the headers",
    (c) =>
      using(c, { protocol: "anthropic-messages", maxRetries: 0 }, async (llm) => {
        const events = [];
        for await (const event of llm.stream({ messages: ask }).events()) events.push(event);
        const response = events.at(-1)?.response;
        // The echo did reach the text, masked: otherwise the check proves nothing.
        contains(response?.content, "x-check: key hidden", "the streamed text");
        hidden(events, "the stream's events");
        c.show("streamed response", response);
        return `${events.length} events`;
      }),
  ],
];

const ask = [{ role: "user", content: "hi" }];

/** What the loom.toml check's hooks see: a priced call, then a call the spent budget refuses. */
const SEEN_WITH_BUDGET =
  "beforeRequest, onResponse Hello from the fake server, beforeRequest, onError BudgetExceededError";

/** A JSON Schema answer: off Node.js, the first request with it imports zod to validate. */
const WEATHER_FORMAT = {
  type: "json_schema",
  name: "weather",
  schema: {
    type: "object",
    properties: { city: { type: "string" }, celsius: { type: "number" } },
    required: ["city", "celsius"],
    additionalProperties: false,
  },
};

/** The tool of the agent-loop checks. */
function weatherTool() {
  return defineTool({
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
    execute: ({ city }) => ({ city, sky: "sun" }),
  });
}

/** Runs `body` with a provider of the check's own (its `x-check` header set), then closes it. */
async function using(c, config, body) {
  const llm = new LLMProvider(
    {},
    {
      baseUrl: `${c.url}/v1`,
      model: "fake-model",
      apiKey: KEY,
      headers: { "x-check": c.name },
      ...config,
    },
  );
  let result;
  try {
    result = await body(llm);
  } catch (error) {
    // The check's own failure is the one to report; a failing close() only adds to it.
    try {
      await llm.close();
    } catch (closeError) {
      throw new Error(`${describe(error)}; close() failed too: ${describe(closeError)}`);
    }
    throw error;
  }
  try {
    await llm.close();
  } catch (error) {
    throw new Error(`close() failed: ${describe(error)}`);
  }
  return result;
}

/** The error `body` rejects with; fails when it resolves. */
async function rejection(body) {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, got none");
}

async function withinLimit(promise, ms) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

function near(actual, expected, what) {
  if (typeof actual !== "number" || Math.abs(actual - expected) > 1e-12) {
    throw new Error(`${what}: expected ${expected}, got ${show(actual)}`);
  }
}

function oneOf(actual, allowed, what) {
  if (!allowed.includes(actual)) {
    throw new Error(`${what}: expected one of ${allowed.join(", ")}, got ${show(actual)}`);
  }
}

function below(actual, limit, what) {
  if (!(actual < limit)) throw new Error(`${what}: expected under ${limit}, got ${actual}`);
}

function between(actual, low, high, what) {
  if (!(actual >= low && actual <= high)) {
    throw new Error(`${what}: expected ${low} to ${high}, got ${actual}`);
  }
}

function contains(text, part, what) {
  if (typeof text !== "string" || !text.includes(part)) {
    throw new Error(`${what} does not hold ${show(part)}: ${show(text)}`);
  }
}

/** Fails when `error` is not an instance of `type` (classes must stay one across the runtime's module graph). */
function kind(error, type, name) {
  if (!(error instanceof type)) {
    throw new Error(`expected ${name}, got ${describe(error)}`, { cause: error });
  }
}

/** Fails when the key, in any form, is in any string reachable from `value`. */
function hidden(value, what) {
  for (const text of strings(value, 0, new Set())) {
    const form = KEY_FORMS.findIndex((f) => text.includes(f));
    if (form >= 0) {
      // Names where it leaked, never the key itself: this detail is printed.
      throw new Error(`the key (${["as is", "URL-encoded", "base64"][form]}) is in ${what}`);
    }
  }
}

/** Every string reachable from `value`: own properties, enumerable or not (an error's message, stack, cause). */
function strings(value, depth, seen) {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null || depth > 6 || seen.has(value)) return [];
  seen.add(value);
  const found = [];
  for (const key of Object.getOwnPropertyNames(value)) {
    let item;
    try {
      item = value[key];
    } catch {
      continue;
    }
    found.push(key, ...strings(item, depth + 1, seen));
  }
  return found;
}

function jsonOf(value) {
  try {
    return JSON.stringify(value) ?? "";
  } catch (error) {
    return `(not serialisable: ${describe(error)})`;
  }
}

function show(value) {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 200)) : String(value);
}

/** One line about an error: its class, message, and its cause's, for a failed check's detail. */
function describe(error) {
  if (!(error instanceof Error)) return `thrown: ${show(error)}`;
  const cause =
    error.cause instanceof Error ? ` (cause ${error.cause.name}: ${error.cause.message})` : "";
  // The checks' own failures are plain errors: their message says it all.
  const name = error.constructor === Error ? "" : `${error.name}: `;
  return `${name}${error.message}${cause}`;
}
