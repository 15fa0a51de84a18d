// The official `openai` client as the judge of the OpenAI Responses builders: every body and
// stream they make must read through `responses.create` (plain and `stream: true`) and the
// `responses.stream()` helper the way the real API's do.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createFakeServer,
  createRecordingProxy,
  ECHO_ENCODINGS,
  type FakeServer,
  hostile,
  RESPONSES_ECHO_PLACES,
  type ResponseStreamOptions,
  readTranscript,
  responseBody,
  responseErrorEvent,
  responseStream,
  transcriptReplies,
  undisguiseEcho,
} from "@loom/llm-testing";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const KEY = "sk-responses-conformance-0123456789";
let server: FakeServer;
let client: OpenAI;
beforeAll(async () => {
  server = await createFakeServer();
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const ask = { model: "gpt-test", input: "hi" };
const tools = [
  {
    type: "function" as const,
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
    strict: false,
  },
];

// One script with every item kind: reasoning (summary in pieces, encrypted content), a message
// in pieces, and two function calls whose arguments stream in fragments.
const everything: ResponseStreamOptions = {
  reasoning: {
    summary: ["**Weather** ", "lookup ", "needed."],
    encryptedContent: "gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvazrvHSn0y",
  },
  text: ["Checking ", "Rome ", "and Città di Castello ☀."],
  toolCalls: [
    { id: "call_AB6A", name: "get_weather", arguments: { city: "Rome" } },
    { id: "call_Q6pW", name: "get_weather", arguments: { city: "Città di Castello" } },
  ],
  usage: { input: 865, output: 163, cached: 512, reasoning: 128 },
  id: "resp_0f35ed53",
  model: "gpt-test-2026",
  argumentPieceSize: 4,
};

/**
 * The response as the wire had it: plain JSON, without what the SDK's helper derives
 * (`output_text`, `output_parsed`, each part's `parsed`, each call's `parsed_arguments`).
 */
function wire(response: object): unknown {
  const derived = new Set(["output_parsed", "parsed", "parsed_arguments"]);
  const { output_text: _, ...rest } = JSON.parse(JSON.stringify(response), (key, value) =>
    derived.has(key) ? undefined : value,
  ) as Record<string, unknown>;
  return rest;
}

const failure = (run: () => Promise<unknown>) => run().catch((e: unknown) => e);

describe("the official openai client against the Responses builders", () => {
  it("responses.create reads a body: the request goes to /v1/responses with the key", async () => {
    server.enqueue({ type: "json", body: responseBody({ text: "Hello there" }) });
    const response = await client.responses.create(ask);
    expect(server.lastRequest?.path).toBe("/v1/responses");
    expect(server.lastRequest?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(response.output_text).toBe("Hello there");
    expect(response.status).toBe("completed");
    expect(response.usage?.total_tokens).toBe(11);
  });

  it("responses.create reads every item kind, the usage and the ids of a body", async () => {
    server.enqueue({ type: "json", body: responseBody(everything) });
    const response = await client.responses.create({ ...ask, tools });
    expect(response.id).toBe("resp_0f35ed53");
    expect(response.model).toBe("gpt-test-2026");
    expect(response.output.map((item) => item.type)).toEqual([
      "reasoning",
      "message",
      "function_call",
      "function_call",
    ]);
    const [reasoning, , call, second] = response.output;
    expect(reasoning?.type === "reasoning" && reasoning.summary).toEqual([
      { type: "summary_text", text: "**Weather** lookup needed." },
    ]);
    expect(reasoning?.type === "reasoning" && reasoning.encrypted_content).toMatch(/^gAAAA/);
    expect(response.output_text).toBe("Checking Rome and Città di Castello ☀.");
    expect(call?.type === "function_call" && [call.call_id, call.name]).toEqual([
      "call_AB6A",
      "get_weather",
    ]);
    expect(second?.type === "function_call" && JSON.parse(second.arguments)).toEqual({
      city: "Città di Castello",
    });
    expect(response.usage).toEqual({
      input_tokens: 865,
      input_tokens_details: { cached_tokens: 512 },
      output_tokens: 163,
      output_tokens_details: { reasoning_tokens: 128 },
      total_tokens: 1028,
    });
  });

  it("an incomplete body: status, reason, the message item incomplete", async () => {
    server.enqueue({
      type: "json",
      body: responseBody({ text: "cut sh", status: "incomplete" }),
    });
    const response = await client.responses.create(ask);
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details?.reason).toBe("max_output_tokens");
    expect(response.output[0]?.type === "message" && response.output[0].status).toBe("incomplete");
    expect(response.output_text).toBe("cut sh");
  });

  it("stream: true yields the named events in order, numbered; no [DONE] in the bytes", async () => {
    server.enqueue(responseStream({ text: ["Hel", "lo"] }));
    const types: string[] = [];
    const numbers: number[] = [];
    let text = "";
    for await (const event of await client.responses.create({ ...ask, stream: true })) {
      types.push(event.type);
      numbers.push(event.sequence_number);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe("Hello");
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(numbers).toEqual(types.map((_, i) => i));
    server.enqueue(responseStream({ text: "x" }));
    const bytes = await (
      await fetch(`${server.baseUrl}/responses`, { method: "POST", body: "{}" })
    ).text();
    expect(bytes).toMatch(/^event: response\.created\ndata: \{"type":"response\.created"/);
    expect(bytes.endsWith("}\n\n")).toBe(true);
    expect(bytes).toContain("event: response.completed\n");
    expect(bytes).not.toContain("[DONE]");
  });

  it("responses.stream().finalResponse() assembles exactly the body of the same script", async () => {
    server.enqueue(responseStream(everything));
    const stream = client.responses.stream({ ...ask, tools });
    const summary: string[] = [];
    const args: string[] = [];
    const snapshots: string[] = [];
    stream.on("response.reasoning_summary_text.delta", (event) => summary.push(event.delta));
    stream.on("response.function_call_arguments.delta", (event) => args.push(event.delta));
    stream.on("response.output_text.delta", (event) => snapshots.push(event.snapshot));
    const final = await stream.finalResponse();
    expect(summary).toEqual(["**Weather** ", "lookup ", "needed."]);
    expect(args.join("")).toBe('{"city":"Rome"}{"city":"Città di Castello"}');
    expect(snapshots).toEqual([
      "Checking ",
      "Checking Rome ",
      "Checking Rome and Città di Castello ☀.",
    ]);
    expect(final.output_text).toBe("Checking Rome and Città di Castello ☀.");
    expect(wire(final)).toEqual(responseBody(everything));
  });

  it("an incomplete stream ends with response.incomplete; the helper returns it", async () => {
    server.enqueue(
      responseStream({
        text: ["cut ", "sh"],
        status: "incomplete",
        incompleteReason: "content_filter",
      }),
    );
    const final = await client.responses.stream(ask).finalResponse();
    expect(final.status).toBe("incomplete");
    expect(final.incomplete_details?.reason).toBe("content_filter");
    expect(final.output_text).toBe("cut sh");
    expect(wire(final)).toEqual(
      responseBody({
        text: ["cut ", "sh"],
        status: "incomplete",
        incompleteReason: "content_filter",
      }),
    );
  });

  it("a failure: the error event is the SDK's APIError, in the plain loop and in the helper", async () => {
    const failed = responseStream({
      text: ["partial ", "answer"],
      failure: { code: "server_error", message: "The server had an error" },
    });
    server.enqueue(failed, failed);
    const seen: string[] = [];
    const raw = await failure(async () => {
      for await (const event of await client.responses.create({ ...ask, stream: true }))
        seen.push(event.type);
    });
    expect(raw).toBeInstanceOf(OpenAI.APIError);
    expect((raw as Error).message).toContain("The server had an error");
    expect((raw as InstanceType<typeof OpenAI.APIError>).code).toBe("server_error");
    // The text came, its done events did not: the error broke it off.
    expect(seen.at(-1)).toBe("response.output_text.delta");
    const helper = await failure(() => client.responses.stream(ask).finalResponse());
    expect(helper).toBeInstanceOf(OpenAI.APIError);
    expect((helper as Error).message).toContain("The server had an error");
  });

  it("response.failed alone: the plain loop ends on it, with the error in the response", async () => {
    const failed = responseStream({
      text: ["partial"],
      failure: { code: "rate_limit_exceeded", message: "Slow down", errorEvent: false },
    });
    server.enqueue(failed, failed);
    let last: OpenAI.Responses.ResponseStreamEvent | undefined;
    for await (const event of await client.responses.create({ ...ask, stream: true })) last = event;
    expect(last?.type).toBe("response.failed");
    const response = last?.type === "response.failed" ? last.response : undefined;
    expect(response?.status).toBe("failed");
    expect(response?.error).toEqual({ code: "rate_limit_exceeded", message: "Slow down" });
    expect(response?.usage).toBeNull();
    const final = await client.responses.stream(ask).finalResponse();
    expect(final.status).toBe("failed");
    expect(final.output_text).toBe("partial");
  });

  it.each(["nested", "flat"] as const)(
    "responseErrorEvent (%s shape) anywhere in a stream is the SDK's APIError",
    async (shape) => {
      const stream = responseStream({ text: "a" });
      stream.events.splice(
        2,
        0,
        responseErrorEvent("insufficient_quota", "You exceeded your quota", {
          sequenceNumber: 2,
          shape,
        }),
      );
      server.enqueue(stream, stream);
      const raw = await failure(async () => {
        for await (const _ of await client.responses.create({ ...ask, stream: true })) {
          // read
        }
      });
      expect(raw).toBeInstanceOf(OpenAI.APIError);
      expect((raw as Error).message).toContain("You exceeded your quota");
      const helper = await failure(() => client.responses.stream(ask).finalResponse());
      expect(helper).toBeInstanceOf(OpenAI.APIError);
      expect((helper as Error).message).toContain("You exceeded your quota");
    },
  );

  it("records through the proxy and replays byte for byte: the SDK reads the same, the key is gone", async () => {
    const api = await createFakeServer({
      replies: [
        { type: "json", body: responseBody(everything) },
        responseStream(everything),
        {
          type: "error",
          status: 401,
          body: {
            error: {
              message: `Incorrect API key provided: ${KEY}`,
              type: "invalid_request_error",
              param: null,
              code: "invalid_api_key",
            },
          },
        },
      ],
    });
    const file = join(mkdtempSync(join(tmpdir(), "loom-responses-")), "responses.jsonl");
    const proxy = await createRecordingProxy({ target: api.baseUrl, file });
    const live = new OpenAI({ baseURL: proxy.baseUrl, apiKey: KEY, maxRetries: 0 });
    const run = async (sdk: OpenAI) => [
      wire(await sdk.responses.create({ ...ask, tools })),
      wire(await sdk.responses.stream({ ...ask, tools }).finalResponse()),
      await failure(() => sdk.responses.create(ask)),
    ];
    const recorded = await run(live);
    await proxy.close();
    await api.close();

    expect(readFileSync(file, "utf8")).not.toContain(KEY);
    const transcript = await readTranscript(file);
    expect(transcript.map((entry) => entry.request.path)).toEqual([
      "/v1/responses",
      "/v1/responses",
      "/v1/responses",
    ]);
    expect(transcript[1]?.response.body).toMatch(/^event: response\.created\n/);
    expect(transcript[1]?.response.body).not.toContain("[DONE]");

    const replay = await createFakeServer({ replies: transcriptReplies(transcript) });
    const offline = new OpenAI({ baseURL: replay.baseUrl, apiKey: "unused", maxRetries: 0 });
    const replayed = await run(offline);
    await replay.close();
    expect(replayed[0]).toEqual(recorded[0]);
    expect(replayed[1]).toEqual(recorded[1]);
    expect(replayed[1]).toEqual(responseBody(everything));
    expect(replayed[2]).toBeInstanceOf(OpenAI.AuthenticationError);
    // Masked as the client masks a key: its start, an ellipsis, its last four characters.
    expect((replayed[2] as Error).message).toMatch(/Incorrect API key provided: \S*…\S{4}/);
    expect((replayed[2] as Error).message).not.toContain(KEY);
  });
});

describe("hostile.responsesEcho read by the official client: the key where it says", () => {
  /** Where each place puts the echo in the response the SDK hands back. */
  const field = (response: OpenAI.Responses.Response, place: string): unknown => {
    const item = (type: string) => response.output.find((i) => i.type === type);
    const reasoning = item("reasoning");
    const message = item("message");
    const call = item("function_call");
    switch (place) {
      case "text":
        return response.output_text;
      case "reasoning":
        return reasoning?.type === "reasoning" && reasoning.summary[0]?.text;
      case "encrypted-content":
        return reasoning?.type === "reasoning" && reasoning.encrypted_content;
      case "tool-arguments":
        return call?.type === "function_call" && (JSON.parse(call.arguments) as { q: string }).q;
      case "tool-id":
        return call?.type === "function_call" && call.call_id;
      case "tool-name":
        return call?.type === "function_call" && call.name;
      case "id":
        return response.id;
      case "item-id":
        return message?.id;
      case "model":
        return response.model;
      case "incomplete-reason":
        return response.incomplete_details?.reason;
      case "failed":
        return response.error?.message;
    }
    return undefined;
  };
  const cases = RESPONSES_ECHO_PLACES.flatMap((place) =>
    ECHO_ENCODINGS.flatMap((encoding) =>
      (["create", "stream"] as const).map((how) => [place, encoding, how] as const),
    ),
  );

  it.each(cases)("%s, %s, %s", async (place, encoding, how) => {
    server.enqueue(hostile.responsesEcho(place, encoding));
    // `failed` and `stream-error` are streams whatever was asked: read them as streams.
    const streamed = how === "stream" || place === "failed" || place === "stream-error";
    const got = await failure(() =>
      streamed ? client.responses.stream(ask).finalResponse() : client.responses.create(ask),
    );
    let echo: unknown;
    if (place === "error" || place === "stream-error") {
      expect(got).toBeInstanceOf(OpenAI.APIError);
      echo = (got as Error).message;
    } else {
      echo = field(got as OpenAI.Responses.Response, place);
    }
    expect(typeof echo).toBe("string");
    expect(undisguiseEcho(echo as string, encoding)).toContain(`authorization: Bearer ${KEY}`);
  });
});
