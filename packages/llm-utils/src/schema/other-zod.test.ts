// An app on another zod 4 version than the one Loom depends on: its schemas are another
// copy's, whose types carry their own version. They fit Loom's types (`ZodSchemaLike`), and
// are converted and validated at run time as this package's own zod's are.
import type { ChatRequest } from "@loom/llm-types";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as other from "zod-4-1";
import * as otherMini from "zod-4-1/mini";
import { defineTool } from "../tools/define-tool.js";
import { validateToolCall } from "../tools/validate-tool-call.js";
import { safeParse } from "./safe-parse.js";
import { isZodSchema, toJsonSchema } from "./to-json-schema.js";

describe("schemas of another zod 4 (4.1), classic and mini", () => {
  const schemas = [
    other.object({ city: other.string() }),
    otherMini.object({ city: otherMini.string() }),
  ];

  it("type a response format and a tool's arguments", () => {
    for (const schema of schemas) {
      const request: ChatRequest<{ city: string }> = {
        messages: [{ role: "user", content: "Where?" }],
        responseFormat: { type: "json_schema", schema },
      };
      expect(request.responseFormat?.type).toBe("json_schema");
      const tool = defineTool({
        name: "weather",
        parameters: schema,
        execute: (args) => {
          expectTypeOf(args).toEqualTypeOf<{ city: string }>();
          return args.city;
        },
      });
      expect(tool.parameters).toBe(schema);
    }
  });

  it("zod classic 4.1's descriptions and metadata reach the JSON Schema (its registry is its own)", () => {
    const described = other.object({
      city: other.string().describe("The city"),
      days: other.number().meta({ description: "How many days", examples: [3] }),
    });
    expect("toJSONSchema" in described).toBe(false);
    expect(toJsonSchema(described)).toMatchObject({
      properties: {
        city: { type: "string", description: "The city" },
        days: { type: "number", description: "How many days", examples: [3] },
      },
    });
  });

  it("a ZodError is no schema, though it has zod's internals", () => {
    const error = other.string().safeParse(1).error;
    expect(error).toBeDefined();
    expect(isZodSchema(error)).toBe(false);
  });

  it("are converted to JSON Schema and validate as this package's zod's do", () => {
    for (const schema of schemas) {
      expect(isZodSchema(schema)).toBe(true);
      expect(toJsonSchema(schema)).toMatchObject({
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
      });
      expect(safeParse(schema, { city: "Paris" })).toEqual({
        success: true,
        data: { city: "Paris" },
      });
      const tool = defineTool({ name: "weather", parameters: schema });
      const call = validateToolCall({ id: "c", name: "weather", arguments: { city: 7 } }, [tool]);
      expect(call.error?.issues[0]).toMatchObject({ path: ["city"], code: "invalid_type" });
    }
  });
});
