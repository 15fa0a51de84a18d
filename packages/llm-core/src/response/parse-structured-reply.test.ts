import { completionBody, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import { InvalidResponseError } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import * as mini from "zod/mini";
import { ChatClient } from "../chat-client.js";

let server: FakeServer;
let strict: ChatClient;
let lenient: ChatClient;
beforeAll(async () => {
  server = await createFakeServer();
  strict = new ChatClient({}, { baseUrl: server.baseUrl, model: "m" });
  lenient = new ChatClient(
    {},
    { baseUrl: server.baseUrl, model: "m", enforcesResponseFormat: false },
  );
});
afterAll(async () => {
  await strict.close();
  await lenient.close();
  await server.close();
});

const City = z.object({ city: z.string(), population: z.number().int() });
const messages = [{ role: "user" as const, content: "Largest city of Japan?" }];
const reply = (content: string) => ({ type: "json" as const, body: completionBody({ content }) });

describe("structured output", () => {
  it("json_schema with zod: res.parsed is the validated, typed value", async () => {
    server.enqueue(reply('{"city":"Tokyo","population":37400000}'));
    const res = await strict.call({
      messages,
      responseFormat: { type: "json_schema", schema: City },
    });
    expectTypeOf(res.parsed).toEqualTypeOf<{ city: string; population: number } | undefined>();
    expect(res.parsed).toEqual({ city: "Tokyo", population: 37_400_000 });
  });

  it("json_schema with zod mini: typed and validated the same, its failures as zod classic's", async () => {
    const MiniCity = mini.object({ city: mini.string(), population: mini.number() });
    server.enqueue(
      reply('{"city":"Tokyo","population":37400000}'),
      reply('{"city":"Tokyo","population":"many"}'),
    );
    const sent = server.requests.length;
    const res = await strict.call({
      messages,
      responseFormat: { type: "json_schema", schema: MiniCity },
    });
    expectTypeOf(res.parsed).toEqualTypeOf<{ city: string; population: number } | undefined>();
    expect(res.parsed).toEqual({ city: "Tokyo", population: 37_400_000 });
    // The schema sent is zod's own conversion of it.
    expect(
      (server.requests[sent]?.body as { response_format?: unknown } | undefined)?.response_format,
    ).toMatchObject({
      type: "json_schema",
      json_schema: { schema: { type: "object", required: ["city", "population"] } },
    });
    const error = await strict
      .call({ messages, responseFormat: { type: "json_schema", schema: MiniCity } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).issues?.[0]).toMatchObject({
      path: ["population"],
      code: "invalid_type",
    });
  });

  it("a reply that fails the schema: InvalidResponseError with the raw text and the issues", async () => {
    server.enqueue(reply('{"city":"Tokyo","population":"many"}'));
    const error = await strict
      .call({ messages, responseFormat: { type: "json_schema", schema: City } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).raw).toBe('{"city":"Tokyo","population":"many"}');
    expect((error as InvalidResponseError).issues?.[0]).toMatchObject({
      path: ["population"],
      code: "invalid_type",
    });
    expect((error as Error).message).toContain(
      "does not match its schema (population: Invalid input: expected number, received string)",
    );
  });

  it("a JSON Schema format is validated too", async () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    server.enqueue(reply('{"ok":true}'), reply('{"ok":"yes"}'));
    expect(
      (await strict.call({ messages, responseFormat: { type: "json_schema", schema } })).parsed,
    ).toEqual({ ok: true });
    await expect(
      strict.call({ messages, responseFormat: { type: "json_schema", schema } }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it("json_object: any JSON object; anything else is an error", async () => {
    server.enqueue(reply('{"a":[1,2]}'), reply("[1,2]"), reply("not json"));
    expect(
      (await strict.call({ messages, responseFormat: { type: "json_object" } })).parsed,
    ).toEqual({ a: [1, 2] });
    await expect(
      strict.call({ messages, responseFormat: { type: "json_object" } }),
    ).rejects.toThrow("is not a JSON object");
    await expect(
      strict.call({ messages, responseFormat: { type: "json_object" } }),
    ).rejects.toThrow("is not JSON");
  });

  it("a streamed reply is validated at the end, its parsed typed as a call's", async () => {
    server.enqueue(textStream(['{"city":', '"Osaka",', '"population":19000000}']));
    const res = await strict
      .stream({ messages, responseFormat: { type: "json_schema", schema: City } })
      .response();
    expectTypeOf(res.parsed).toEqualTypeOf<{ city: string; population: number } | undefined>();
    expect(res.parsed).toEqual({ city: "Osaka", population: 19_000_000 });
  });

  it.each([
    ["a code fence", 'Here you go:\n```json\n{"city":"Tokyo","population":1}\n```'],
    ["leading prose", 'Sure! {"city":"Tokyo","population":1} Hope that helps.'],
  ])("%s is tolerated only where the server may ignore response_format", async (_name, content) => {
    server.enqueue(reply(content), reply(content));
    const res = await lenient.call({
      messages,
      responseFormat: { type: "json_schema", schema: City },
    });
    expect(res.parsed).toEqual({ city: "Tokyo", population: 1 });
    await expect(
      strict.call({ messages, responseFormat: { type: "json_schema", schema: City } }),
    ).rejects.toThrow("is not JSON");
  });

  it("plain text requests are left alone", async () => {
    server.enqueue(reply("just text"));
    expect((await strict.call({ messages })).parsed).toBeUndefined();
  });

  it("a refusal, called and streamed: a response that says so, not 'the reply is not JSON'", async () => {
    const schema = z.object({ city: z.string() });
    const refused = completionBody({ content: "" });
    const message = (refused.choices as { message: Record<string, unknown> }[])[0]?.message ?? {};
    message.content = null;
    message.refusal = "I can't help with that.";
    server.enqueue({ type: "json", body: refused });
    server.enqueue({
      type: "sse",
      events: [
        {
          id: "c",
          model: "m",
          choices: [{ index: 0, delta: { role: "assistant", content: null, refusal: "" } }],
        },
        { id: "c", model: "m", choices: [{ index: 0, delta: { refusal: "I can't " } }] },
        {
          id: "c",
          model: "m",
          choices: [{ index: 0, delta: { refusal: "help with that." }, finish_reason: "stop" }],
        },
      ],
    });
    const request = {
      messages: [{ role: "user" as const, content: "x" }],
      responseFormat: { type: "json_schema" as const, schema },
    };
    const called = await strict.call(request);
    const events: string[] = [];
    const stream = strict.stream(request);
    for await (const event of stream.events()) events.push(event.type);
    const streamed = await stream.response();
    for (const res of [called, streamed]) {
      expect(res.refusal).toBe("I can't help with that.");
      expect(res.content).toBe("");
      expect(res.parsed).toBeUndefined();
    }
    expect(events.filter((type) => type === "refusal")).toHaveLength(2);
  });
});
