// A hostile server (or a proxy) that writes the caller's credentials into the answer itself:
// every field a response hands back is masked, called or streamed, however the text is cut.
import { inspect } from "node:util";
import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from "@loom/llm-testing";
import type { LLMResponse, StreamEvent } from "@loom/llm-types";
import { Redactor } from "@loom/llm-utils";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClient } from "./chat-client.js";
import { splitAt } from "./test-support.fixture.js";

const KEY = "sk-LEAKCANARY-7f3a9c2e1b5d4f6a8c0e";
const HEADER_SECRET = "hdr-LEAKCANARY-0a1b2c3d4e5f";
const PER_CALL = "call-LEAKCANARY-9f8e7d6c5b4a";
const secrets = [KEY, HEADER_SECRET, PER_CALL];
/** The oracle: whatever it would still mask is a leak. */
const oracle = new Redactor(secrets);
const ask = {
  messages: [{ role: "user" as const, content: "hello" }],
  headers: { authorization: `Bearer ${PER_CALL}` },
};

let server: FakeServer;
let client: ChatClient;
beforeAll(async () => {
  server = await createFakeServer();
  client = new ChatClient(
    {},
    {
      baseUrl: server.baseUrl,
      model: "m",
      apiKey: KEY,
      headers: { "x-api-key": HEADER_SECRET },
      maxRetries: 0,
    },
  );
});
afterAll(async () => {
  await client.close();
  await server.close();
});

/** Every string anywhere in a value, keys included, and the value as printed. */
function texts(value: unknown): string[] {
  const out = [JSON.stringify(value) ?? "", inspect(value, { depth: 20 })];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === "string") out.push(v);
    else if (v instanceof Error) {
      out.push(v.message, v.stack ?? "");
      for (const [key, item] of Object.entries(v)) {
        out.push(key);
        walk(item, depth + 1);
      }
    } else if (typeof v === "object" && v !== null && depth < 20)
      for (const [key, item] of Object.entries(v)) {
        out.push(key);
        walk(item, depth + 1);
      }
  };
  walk(value, 0);
  return out;
}

function expectClean(value: unknown): void {
  for (const text of texts(value)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Nothing the oracle recognises, in any encoding: masking it again changes nothing.
    expect(oracle.redact(text)).toBe(text);
  }
}

/** The headers of the request, as a hostile server writes them back. */
function echoed(request: RecordedRequest): string {
  return `${request.headers.authorization} ${request.headers["x-api-key"]}`;
}

describe("a server writing the credentials into the answer", () => {
  const toolCallEcho = (stream: boolean): FakeReply => {
    return (request: RecordedRequest): FakeReply => {
      const args = `{"q": "${echoed(request)}"`; // not JSON: cut short
      if (!stream)
        return {
          type: "json",
          body: completionBody({ toolCalls: [{ name: "search", arguments: args }] }),
        };
      const half = Math.floor(args.length / 2);
      return {
        type: "sse",
        events: [
          completionChunk({
            tool_calls: [
              { index: 0, id: "c1", function: { name: "search", arguments: args.slice(0, half) } },
            ],
          }),
          completionChunk({
            tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }],
          }),
          completionChunk({}, { finishReason: "tool_calls" }),
        ],
      };
    };
  };

  it.each([
    ["called", false],
    ["streamed", true],
  ] as const)("tool-call arguments echoing the Authorization header, %s", async (_name, stream) => {
    server.enqueue(toolCallEcho(stream));
    const response = stream ? await client.stream(ask).response() : await client.call(ask);
    const [call] = response.toolCalls;
    expect(call?.rawArguments).toContain("…5b4a hdr-…4e5f");
    expect(call?.error?.name).toBe("InvalidToolArgumentsError");
    expectClean(response);
  });

  it("a zod-validated tool whose arguments echo the key: validated from the masked text", async () => {
    server.enqueue((request: RecordedRequest) => ({
      type: "json",
      body: completionBody({
        toolCalls: [{ name: "search", arguments: { q: echoed(request), n: "x" } }],
      }),
    }));
    const response = await client.call({
      ...ask,
      tools: [
        {
          name: "search",
          description: "search",
          parameters: z.object({ q: z.string(), n: z.number() }),
        },
      ],
    });
    expect(response.toolCalls[0]?.error?.name).toBe("InvalidToolArgumentsError");
    expectClean(response);
  });
});

/** A response whose every text holds the secrets somewhere, in some encoding. */
const encodings: ((secret: string) => string)[] = [
  (s) => s,
  (s) => `Bearer ${s}`,
  (s) => encodeURIComponent(s),
  (s) => Buffer.from(`Bearer ${s}`).toString("base64"),
  (s) => [...s].map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`).join(""),
];
const leaky = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(...secrets),
    fc.constantFrom(...encodings),
    fc.string({ maxLength: 8 }),
  )
  .map(([before, secret, encode, after]) => `${before}${encode(secret)}${after}`);
const maybeLeaky = fc.oneof(leaky, fc.string({ maxLength: 12 }));

interface Answer {
  content: string;
  reasoning: string;
  refusal: string;
  calls: { id: string; name: string; args: string; extra: string }[];
  model: string;
  id: string;
  /** The finish reason: a known one, or text the server chose. */
  finish: string;
}
const answer: fc.Arbitrary<Answer> = fc.record({
  content: maybeLeaky,
  reasoning: maybeLeaky,
  refusal: maybeLeaky,
  calls: fc.array(
    fc.record({
      id: fc.oneof(fc.constant("call_1"), leaky),
      name: fc.oneof(fc.constant("search"), leaky),
      args: fc.oneof(
        maybeLeaky.map((q) => JSON.stringify({ q })),
        leaky.map((q) => `{"q": "${q}`),
      ),
      extra: maybeLeaky,
    }),
    { maxLength: 3 },
  ),
  model: fc.oneof(fc.constant("m"), leaky),
  id: fc.oneof(fc.constant("chatcmpl-1"), leaky),
  finish: fc.oneof(fc.constant("stop"), leaky),
});

function wireMessage(a: Answer): Record<string, unknown> {
  const message: Record<string, unknown> = { role: "assistant", content: a.content };
  if (a.reasoning !== "") message.reasoning_content = a.reasoning;
  if (a.refusal !== "") message.refusal = a.refusal;
  if (a.calls.length > 0)
    message.tool_calls = a.calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.args },
      extra_content: { google: { thought_signature: c.extra } },
    }));
  return message;
}

/** `text` in non-empty pieces at the given places. */
function pieces(text: string, cuts: readonly number[]): string[] {
  return splitAt(text, cuts).filter((piece) => piece !== "");
}

function streamOf(a: Answer, cuts: readonly number[]): FakeReply {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    completionChunk(delta, { model: a.model, id: a.id, finishReason });
  const events: Record<string, unknown>[] = [];
  for (const piece of pieces(a.reasoning, cuts)) events.push(chunk({ reasoning_content: piece }));
  for (const piece of pieces(a.refusal, cuts)) events.push(chunk({ refusal: piece }));
  for (const piece of pieces(a.content, cuts)) events.push(chunk({ content: piece }));
  a.calls.forEach((c, index) => {
    const [first = "", ...rest] = pieces(c.args, cuts);
    events.push(
      chunk({
        tool_calls: [
          {
            index,
            id: c.id,
            function: { name: c.name, arguments: first },
            extra_content: { google: { thought_signature: c.extra } },
          },
        ],
      }),
    );
    for (const piece of rest)
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  events.push(chunk({}, a.finish));
  return { type: "sse", events };
}

describe("every returned field is masked, called or streamed (property)", () => {
  it("a random answer with the secrets anywhere in it", async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.array(fc.nat(), { maxLength: 12 }), async (a, cuts) => {
        server.enqueue({
          type: "json",
          body: {
            id: a.id,
            object: "chat.completion",
            model: a.model,
            choices: [
              {
                index: 0,
                message: wireMessage(a),
                finish_reason: a.finish,
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          },
        });
        const called = await client.call(ask);
        expectClean(called);

        server.enqueue(streamOf(a, cuts));
        const events: StreamEvent[] = [];
        for await (const event of client.stream(ask).events()) events.push(event);
        expectClean(events);
        const streamed = (events.at(-1) as { response: LLMResponse }).response;
        // The pieces handed on add up to what the response holds, and to what a call gets.
        const text = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
        expect(text).toBe(streamed.content);
        expect(streamed.content).toBe(called.content);
        expect(streamed.reasoningContent).toBe(called.reasoningContent);
        expect(streamed.refusal).toBe(called.refusal);
        expect(streamed.finishReason).toBe(called.finishReason);
        expect(streamed.toolCalls.map((c) => c.rawArguments)).toEqual(
          called.toolCalls.map((c) => c.rawArguments),
        );
        for (const [i, c] of streamed.toolCalls.entries()) {
          const deltas = events.flatMap((e) =>
            e.type === "tool-call-delta" && e.index === i ? [e.argumentsDelta] : [],
          );
          // The pieces are masked as text; the parsed call is masked value by value too (a
          // secret JSON-escaped inside a string), so they agree once parsed and masked.
          const joined = deltas.join("");
          if (c.error === undefined)
            expect(oracle.redactValue(JSON.parse(joined))).toEqual(c.arguments);
          else expect(joined).toBe(c.rawArguments);
        }
        // Nothing without a secret was changed.
        if (!secrets.some((s) => a.content.includes(s)) && oracle.redact(a.content) === a.content)
          expect(called.content).toBe(a.content);
      }),
      { numRuns: 60 },
    );
  });
});
