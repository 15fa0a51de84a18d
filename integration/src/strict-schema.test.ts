// Strict schemas as OpenAI's strict mode wants them: what the official client's own helper
// makes of a zod schema is what this client sends for it.
import { LLMProvider } from "@loom/llm";
import { completionBody, createFakeServer } from "@loom/llm-testing";
import { zodResponseFormat } from "openai/helpers/zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const server = await createFakeServer({
  fallback: {
    type: "json",
    body: completionBody({
      content: JSON.stringify({
        city: "Paris",
        days: null,
        where: { lat: 1, lon: 2 },
        tags: [],
        kind: "a",
      }),
    }),
  },
});
const llm = new LLMProvider({}, { baseUrl: server.baseUrl, model: "m" }, { telemetry: false });
beforeAll(() => server.reset());
afterAll(async () => {
  await llm.close();
  await server.close();
});

const schema = z.object({
  city: z.string(),
  days: z.number().nullable(),
  where: z.object({ lat: z.number(), lon: z.number() }),
  tags: z.array(z.object({ tag: z.string() })),
  kind: z.enum(["a", "b"]),
});

/** The official helper's schema, without its `$schema` key (some servers reject it). */
function officialSchema(): unknown {
  const { $schema: _, ...rest } = zodResponseFormat(schema, "r").json_schema.schema as Record<
    string,
    unknown
  >;
  return rest;
}

describe("strict schemas", () => {
  it("a strict json_schema response format: the same schema the official helper sends", async () => {
    await llm.call({
      messages: [{ role: "user", content: "x" }],
      responseFormat: { type: "json_schema", name: "r", schema, strict: true },
    });
    const sent = (
      server.lastJson() as {
        response_format: { json_schema: { schema: unknown; strict: boolean } };
      }
    ).response_format.json_schema;
    expect(sent.strict).toBe(true);
    expect(sent.schema).toEqual(officialSchema());
  });

  it("a strict tool: its parameters closed the same way", async () => {
    await llm.call({
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "t", parameters: schema, strict: true }],
    });
    const tool = (
      server.lastJson() as { tools: { function: { parameters: unknown; strict: boolean } }[] }
    ).tools[0];
    expect(tool?.function.strict).toBe(true);
    expect(tool?.function.parameters).toEqual(officialSchema());
  });

  it("an optional property: required and nullable in strict mode, as the helper makes .nullish() (it refuses .optional())", async () => {
    const loose = z.object({
      a: z.string(),
      b: z.string().optional(),
      c: z.enum(["x", "y"]).optional(),
      d: z.object({ e: z.number().optional() }).optional(),
    });
    expect(() => zodResponseFormat(loose, "r")).toThrow("uses `.optional()` without `.nullable()`");
    await llm.call({
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "s", parameters: loose, strict: true }],
    });
    const strictTool = (server.lastJson() as { tools: { function: { parameters: unknown } }[] })
      .tools[0];
    const { $schema: _, ...nullish } = zodResponseFormat(
      z.object({
        a: z.string(),
        b: z.string().nullish(),
        c: z.enum(["x", "y"]).nullish(),
        d: z.object({ e: z.number().nullish() }).nullish(),
      }),
      "r",
    ).json_schema.schema as Record<string, unknown>;
    expect(strictTool?.function.parameters).toEqual(nullish);
    await llm.call({
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "s", parameters: loose }],
    });
    const plain = (
      server.lastJson() as { tools: { function: { parameters: { required: string[] } } }[] }
    ).tools[0];
    expect(plain?.function.parameters.required).toEqual(["a"]);
  });

  it("the model's null for an optional property reads as left out, in tool arguments and replies", async () => {
    const loose = z.object({ a: z.string(), b: z.string().optional() });
    server.enqueue({
      type: "json",
      body: completionBody({
        toolCalls: [{ id: "c1", name: "s", arguments: { a: "x", b: null } }],
      }),
    });
    const called = await llm.call({
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "s", parameters: loose, strict: true }],
    });
    expect(called.toolCalls[0]?.error).toBeUndefined();
    expect(called.toolCalls[0]?.arguments).toEqual({ a: "x" });
    server.enqueue({ type: "json", body: completionBody({ content: '{"a":"y","b":null}' }) });
    const replied = await llm.call({
      messages: [{ role: "user", content: "x" }],
      responseFormat: { type: "json_schema", name: "r", schema: loose, strict: true },
    });
    expect(replied.parsed).toEqual({ a: "y" });
  });
});
