import type {
  ChatRequest,
  LLMResponse,
  ToolDefinition,
  ToolExecutionContext,
} from "@loom/llm-types";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import * as mini from "zod/mini";
import { safeParse } from "../schema/safe-parse.js";
import { toZodSchema } from "../schema/to-json-schema.js";
import { defineTool } from "./define-tool.js";
import { validateToolCall } from "./validate-tool-call.js";

describe("defineTool", () => {
  it("types execute's arguments from a zod schema", () => {
    const weather = defineTool({
      name: "get_weather",
      parameters: z.object({ city: z.string(), days: z.number().int().default(1) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number }>();
        return `${args.city}: sunny for ${args.days} days`;
      },
    });
    expectTypeOf(weather).toEqualTypeOf<ToolDefinition<{ city: string; days: number }>>();
    expect(weather.name).toBe("get_weather");
  });

  it("types execute's arguments from a zod mini schema, and validates them as zod classic's", () => {
    const weather = defineTool({
      name: "get_weather",
      parameters: mini.object({ city: mini.string(), days: mini._default(mini.number(), 1) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days: number }>();
        return args.city;
      },
    });
    expectTypeOf(weather).toEqualTypeOf<ToolDefinition<{ city: string; days: number }>>();
    const call = { id: "c", name: "get_weather", arguments: { city: "Paris" } };
    expect(validateToolCall({ ...call }, [weather]).arguments).toEqual({ city: "Paris", days: 1 });
    const wrong = validateToolCall({ ...call, arguments: { city: 7 } }, [weather]);
    expect(wrong.error?.issues[0]).toMatchObject({ path: ["city"], code: "invalid_type" });
  });

  it("takes a named type for a JSON Schema tool", () => {
    const search = defineTool<{ q: string }>({
      name: "search",
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
      execute: (args, context) => {
        expectTypeOf(args.q).toEqualTypeOf<string>();
        expectTypeOf(context).toEqualTypeOf<ToolExecutionContext>();
        return [];
      },
    });
    expect(search.parameters).toBeDefined();
  });

  it("typed tools fit a request's tools list", () => {
    const a = defineTool({
      name: "a",
      parameters: z.object({ x: z.number() }),
      execute: ({ x }) => x * 2,
    });
    const b = defineTool({ name: "b" });
    const request: ChatRequest = { messages: [], tools: [a, b] };
    expect(request.tools).toHaveLength(2);
  });

  it("a zod response format types res.parsed", () => {
    const schema = z.object({ answer: z.string() });
    const request: ChatRequest<z.output<typeof schema>> = {
      messages: [],
      responseFormat: { type: "json_schema", schema },
    };
    expectTypeOf<LLMResponse<z.output<typeof schema>>["parsed"]>().toEqualTypeOf<
      { answer: string } | undefined
    >();
    expect(request.responseFormat?.type).toBe("json_schema");
  });
});

describe("toZodSchema", () => {
  it("validates with a zod schema as is, and converts a JSON Schema once", () => {
    const zod = z.object({ a: z.string() });
    expect(toZodSchema(zod)).toBe(zod);
    const json = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const converted = toZodSchema(json);
    if (converted === undefined) throw new Error("not converted");
    expect(safeParse(converted, { a: "x" })).toEqual({ success: true, data: { a: "x" } });
    expect(safeParse(converted, { a: 1 }).success).toBe(false);
    expect(toZodSchema(json)).toBe(converted);
  });
});
