import { deflateSync } from "node:zlib";
import {
  completionBody,
  completionChunk,
  type FakeReply,
  type FakeServer,
  hostile,
  messageBody,
  messageStream,
  responseBody,
  responseStream,
  textStream,
} from "@loom/llm-testing";

/**
 * The key `conformance/checks.mjs` gives its providers (its `KEY`). The key checks find it in
 * the requests they make, so a copy here that drifted from the script's would fail them.
 */
export const KEY = "sk-conformance+KEY/0123456789=abcdef";

/** What the fake server does for one check of `conformance/checks.mjs`. */
export interface CheckScript {
  /** The replies, in order; the last keeps answering. */
  replies: FakeReply[];
  /**
   * Requests the check must make: a retry shows as 2, a resend that must not happen as more.
   * A function of the check's detail line where what is right depends on the transport.
   */
  requests: number | ((detail: string) => number);
  /** A header every request of the check must carry, as `[name, value]`. */
  header?: [string, string];
}

/** A 503 with `retry-after: 0`: the retry comes at once instead of after a random backoff. */
const OVERLOADED: FakeReply = {
  type: "error",
  status: 503,
  headers: { "retry-after": "0" },
  body: { error: { message: "overloaded", type: "server_error" } },
};

/**
 * The server's side of every check, by the check's name, in the order the script runs them.
 * The names are the contract with `conformance/checks.mjs`: the script sends each as its
 * `x-check` header, and the harness fails when the script reports another set.
 */
export const CHECK_SCRIPTS: ReadonlyMap<string, CheckScript> = new Map<string, CheckScript>([
  [
    "openai-chat call",
    { replies: [json(completionBody({ content: "Hello from the fake server" }))], requests: 1 },
  ],
  [
    "openai-chat stream text",
    { replies: [textStream(["Hello", ", streamed", " world"])], requests: 1 },
  ],
  [
    "openai-chat stream events",
    { replies: [textStream(["Hello", ", streamed", " world"])], requests: 1 },
  ],
  [
    "anthropic-messages call",
    { replies: [json(messageBody({ text: "Hello from Claude" }))], requests: 1 },
  ],
  [
    "anthropic-messages stream",
    { replies: [messageStream({ text: ["Hello", ", streamed", " Claude"] })], requests: 1 },
  ],
  [
    "openai-responses call",
    { replies: [json(responseBody({ text: "Hello from Responses" }))], requests: 1 },
  ],
  [
    "openai-responses stream",
    { replies: [responseStream({ text: ["Hello", ", streamed", " Responses"] })], requests: 1 },
  ],
  [
    "abort mid-stream",
    // Bounded, and cut by the client's abort long before the bound.
    {
      replies: [hostile.endlessStream({ content: "tick ", everyMs: 20, forMs: 15_000 })],
      requests: 1,
    },
  ],
  ["timeout on a stalled server", { replies: [{ type: "hang" }], requests: 1 }],
  [
    "timeout on a stalled stream",
    {
      replies: [
        {
          type: "sse",
          events: [
            completionChunk({ role: "assistant", content: "" }),
            completionChunk({ content: "before the stall" }),
          ],
          done: false,
          end: "hang",
        },
      ],
      requests: 1,
    },
  ],
  [
    "retry after a 503",
    {
      replies: [OVERLOADED, json(completionBody({ content: "after the retry" }))],
      requests: 2,
    },
  ],
  [
    "no resend after a response byte: call",
    { replies: [hostile.resetAfterHeaders({ stream: false, after: "half-body" })], requests: 1 },
  ],
  [
    "no resend after a response byte: stream",
    { replies: [hostile.resetAfterHeaders({ stream: true, after: "role" })], requests: 1 },
  ],
  [
    "every send counted on a reused connection",
    {
      replies: [json(completionBody({ content: "before the reset" })), { type: "reset" }],
      // The first call, then the second's attempts as it counted them: nothing else.
      requests: (detail) => 1 + Number(/attempts=(\d+)/.exec(detail)?.[1] ?? Number.NaN),
    },
  ],
  [
    "runTools loop",
    {
      replies: [
        json(
          completionBody({
            toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Rome" } }],
          }),
        ),
        json(completionBody({ content: "Sunny in Rome." })),
      ],
      requests: 2,
    },
  ],
  [
    "deadline across a retry",
    {
      replies: [OVERLOADED, { type: "hang" }],
      requests: 2,
    },
  ],
  [
    "anthropic-messages runTools loop",
    {
      replies: [
        json(
          messageBody({
            toolCalls: [{ id: "toolu_1", name: "get_weather", arguments: { city: "Rome" } }],
          }),
        ),
        json(messageBody({ text: "Sunny in Rome." })),
      ],
      requests: 2,
    },
  ],
  [
    "openai-responses streamed tool call",
    {
      replies: [
        responseStream({
          toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Rome" } }],
          argumentPieceSize: 4,
        }),
      ],
      requests: 1,
    },
  ],
  [
    "loom.toml text: key from ctx.env, prices, budget and hooks",
    {
      // The second call is refused by the spent budget: one request.
      replies: [json(completionBody({ content: "Hello from the fake server" }))],
      requests: 1,
      header: ["authorization", `Bearer ${KEY}`],
    },
  ],
  [
    "a body in deflate: decoded, or refused naming the coding",
    {
      replies: [
        {
          type: "raw",
          headers: { "content-type": "application/json", "content-encoding": "deflate" },
          chunks: [deflateSync(JSON.stringify(completionBody({ content: "Hello, deflated" })))],
        },
      ],
      requests: 1,
    },
  ],
  [
    "a body not in its declared gzip: InvalidResponseError, not resent",
    {
      replies: [
        {
          type: "raw",
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
          chunks: [JSON.stringify(completionBody({ content: "not gzip at all" }))],
        },
      ],
      requests: 1,
    },
  ],
  [
    "a header block too large: not resent",
    {
      // 1 MiB in one header: over undici's 16 KiB, Chromium's 256 KiB and Deno's limits (Bun
      // takes it).
      replies: [
        {
          type: "raw",
          headers: { "content-type": "application/json", "x-big": "a".repeat(1 << 20) },
          chunks: [JSON.stringify(completionBody({ content: "read all the same" }))],
        },
      ],
      requests: 1,
    },
  ],
  [
    "structured output",
    { replies: [json(completionBody({ content: '{"city":"Rome","celsius":21}' }))], requests: 1 },
  ],
  [
    "structured output refused by its schema",
    {
      replies: [json(completionBody({ content: '{"city":"Rome","celsius":"warm"}' }))],
      requests: 1,
    },
  ],
  // MockLLM answers in the runtime itself: the server sees nothing of these.
  ["MockLLM call, stream and runTools", { replies: [], requests: 0 }],
  ["MockLLM structured output refused by its schema", { replies: [], requests: 0 }],
  [
    "key hidden: a 401 echoing the headers",
    {
      replies: [hostile.echoHeaders("raw")],
      requests: 1,
      header: ["authorization", `Bearer ${KEY}`],
    },
  ],
  [
    "key hidden: a stream echoing the headers",
    { replies: [hostile.messagesEcho("text", "raw")], requests: 1, header: ["x-api-key", KEY] },
  ],
]);

/** Routes each check's requests, by their `x-check` header, to the check's replies. */
export function scriptServer(server: FakeServer): void {
  for (const [name, script] of CHECK_SCRIPTS) {
    // A check that must make no request (MockLLM's) has no route: one would fall through.
    if (script.replies.length === 0) continue;
    server.when({ test: (request) => request.headers["x-check"] === name }, ...script.replies);
  }
}

function json(body: unknown): FakeReply {
  return { type: "json", body };
}
