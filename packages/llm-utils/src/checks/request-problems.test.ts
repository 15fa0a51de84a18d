import type { ChatRequest } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { requestProblems } from "./request-problems.js";

const messages = [{ role: "user" as const, content: "hi" }];

describe("requestProblems", () => {
  it("a number option given as text names its type: got 5 would read as a valid value", () => {
    const request = { messages, maxTokens: "5", temperature: true } as unknown as ChatRequest;
    expect(requestProblems(request)).toEqual([
      {
        path: "temperature",
        message: "must be a number from 0 to 2, got the boolean true",
      },
      {
        path: "maxTokens",
        message: 'must be an integer from 1 to 9007199254740991, got the string "5"',
      },
    ]);
  });

  it("a number out of range is shown as it is", () => {
    expect(requestProblems({ messages, n: 0 })).toEqual([
      { path: "n", message: "must be an integer from 1 to 128, got 0" },
    ]);
  });

  it("reasoning options: a known effort and summary, a budget Anthropic accepts", () => {
    expect(
      requestProblems({
        messages,
        reasoning: { effort: "high", summary: "auto", budgetTokens: 2048 },
      }),
    ).toEqual([]);
    const bad = {
      messages,
      reasoning: { effort: "max", summary: 1, budgetTokens: 512 },
    } as unknown as ChatRequest;
    expect(requestProblems(bad)).toEqual([
      {
        path: "reasoning.effort",
        message:
          'must be one of "none", "minimal", "low", "medium", "high", "xhigh", got the string "max"',
      },
      {
        path: "reasoning.summary",
        message: 'must be one of "auto", "concise", "detailed", got 1',
      },
      { path: "reasoning.budgetTokens", message: "must be an integer of at least 1024, got 512" },
    ]);
    expect(requestProblems({ messages, reasoning: "high" } as unknown as ChatRequest)).toEqual([
      { path: "reasoning", message: 'must be an object, got the string "high"' },
    ]);
  });

  it("content parts: each needs the fields every wire builds its body from", () => {
    const ok: ChatRequest = {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?" },
            { type: "image_url", imageUrl: "data:image/png;base64,AAAA", detail: "low" },
          ],
        },
      ],
    };
    expect(requestProblems(ok)).toEqual([]);
    const bad = {
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", imageUrl: { url: "data:image/png;base64,AAAA" } },
            { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            { type: "image_url", imageUrl: "https://example.com/a.png", detail: "max" },
            { type: "text", text: 5 },
            { type: "input_image", imageUrl: "https://example.com/a.png" },
            "hello",
          ],
        },
      ],
    } as unknown as ChatRequest;
    expect(requestProblems(bad).map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "messages.0.content.0: imageUrl must be a string (an https or data: URL), got an object",
      'messages.0.content.1: imageUrl must be a string (an https or data: URL), got undefined (the part takes "imageUrl")',
      'messages.0.content.2: detail must be one of "auto", "low", "high", got the string "max"',
      "messages.0.content.3: text must be a string, got 5",
      'messages.0.content.4: type must be "text" or "image_url", got the string "input_image"',
      'messages.0.content.5: must be a content part ({ type: "text", text } or { type: "image_url", imageUrl }), got the string "hello"',
    ]);
  });
});

describe("tools", () => {
  const ask = [{ role: "user" as const, content: "hi" }];
  it("each needs a name of its own: a provider refuses two of one name, a loop would run one", () => {
    const tool = (name: unknown) => ({ name, parameters: { type: "object" } }) as never;
    expect(
      requestProblems({ messages: ask, tools: [tool("a"), tool("b"), tool("a"), tool("")] }),
    ).toEqual([
      {
        path: "tools.2.name",
        message: '"a" names an earlier tool too: each tool needs a name of its own',
      },
      { path: "tools.3.name", message: "must be a tool's name, got an empty string" },
    ]);
    expect(requestProblems({ messages: ask, tools: [tool("a"), tool("b")] })).toEqual([]);
  });

  it("parameters must be a schema object: a string or an array would fail deep in the conversion", () => {
    expect(
      requestProblems({
        messages: ask,
        tools: [
          { name: "a", parameters: "object" },
          { name: "b", parameters: [] },
          { name: "c" },
        ] as never,
      }),
    ).toEqual([
      {
        path: "tools.0.parameters",
        message: 'must be a zod schema or a JSON Schema object, got the string "object"',
      },
      {
        path: "tools.1.parameters",
        message: "must be a zod schema or a JSON Schema object, got an array",
      },
    ]);
  });
});

describe("responseFormat", () => {
  const ask = [{ role: "user" as const, content: "hi" }];
  it("the wire's shape (json_schema: { schema }) says where the schema goes; an unknown type is named", () => {
    // Copied from OpenAI's documentation: it failed with "Invalid value used as weak map key".
    const wire = { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } };
    expect(requestProblems({ messages: ask, responseFormat: wire as never })).toEqual([
      {
        path: "responseFormat.schema",
        message:
          'a json_schema format takes its schema in "schema" ({ type: "json_schema", schema, name }): the wire\'s json_schema: { schema } is built from it',
      },
    ]);
    expect(requestProblems({ messages: ask, responseFormat: { type: "json" } as never })).toEqual([
      {
        path: "responseFormat.type",
        message: 'must be "text", "json_object" or "json_schema", got the string "json"',
      },
    ]);
    for (const responseFormat of [
      { type: "text" },
      { type: "json_object" },
      { type: "json_schema", schema: { type: "object" } },
    ] as const)
      expect(requestProblems({ messages: ask, responseFormat })).toEqual([]);
  });
});
