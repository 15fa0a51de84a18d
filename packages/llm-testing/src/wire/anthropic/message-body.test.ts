import { describe, expect, it } from "vitest";
import { messageBody } from "./message-body.js";

describe("messageBody", () => {
  it("a plain answer as the API sends it: text block, end_turn, every usage counter", () => {
    expect(messageBody()).toEqual({
      model: "fake-model",
      id: "msg_fake",
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 1,
        service_tier: "standard",
        inference_geo: "not_available",
      },
    });
  });

  it("blocks in the API's order: thinking, redacted thinking, text, tool use (tool_use stop)", () => {
    const body = messageBody({
      toolCalls: [
        { name: "a", arguments: { x: 1 } },
        { id: "toolu_own", name: "b", arguments: '{"y":2}' },
      ],
      redactedThinking: ["opaque"],
      thinking: [{ text: ["Hm", "m."], signature: "sig" }],
      text: ["Calling ", "tools."],
    });
    expect(body.content).toEqual([
      { type: "thinking", thinking: "Hmm.", signature: "sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Calling tools." },
      { type: "tool_use", id: "toolu_1", name: "a", input: { x: 1 } },
      { type: "tool_use", id: "toolu_own", name: "b", input: { y: 2 } },
    ]);
    expect(body.stop_reason).toBe("tool_use");
  });

  it("no text block with tool calls alone or text: null; arguments that are not JSON kept as a string", () => {
    expect(messageBody({ toolCalls: [{ name: "f", arguments: "{oops" }] }).content).toEqual([
      { type: "tool_use", id: "toolu_1", name: "f", input: "{oops" },
    ]);
    // No arguments at all: `{}`, as the API sends it and as a stream of the script ends up.
    expect(messageBody({ toolCalls: [{ name: "f", arguments: "" }] }).content).toEqual([
      { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    ]);
    expect(messageBody({ text: null, stopReason: "refusal" })).toMatchObject({
      content: [],
      stop_reason: "refusal",
    });
  });

  it("usage splits input as the API does: uncached input, cache reads, cache writes", () => {
    const body = messageBody({ usage: { input: 4, output: 9, cacheRead: 100, cacheWrite: 20 } });
    expect(body.usage).toMatchObject({
      input_tokens: 4,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 20,
      cache_creation: { ephemeral_5m_input_tokens: 20, ephemeral_1h_input_tokens: 0 },
      output_tokens: 9,
    });
  });
});
