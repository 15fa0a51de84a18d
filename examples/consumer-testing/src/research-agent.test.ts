import { ChatClient } from "@loom/llm-core";
import { MockLLM, providerCompletion } from "@loom/llm-testing";
import { expectRequest, useFakeServer } from "@loom/llm-testing/vitest";
import { describe, expect, it } from "vitest";
import { research } from "./research-agent.js";

const notes = { loom: "Loom splits agents into a Brain and Hands." };

describe("research agent", () => {
  it("with MockLLM: looks the topic up, then answers", async () => {
    const model = new MockLLM([
      { toolCalls: [{ name: "lookup_note", arguments: { topic: "loom" } }] },
      "Loom has a Brain and Hands.",
    ]);
    expect(await research(model, "What is Loom?", notes)).toBe("Loom has a Brain and Hands.");
    expect(model.calls).toHaveLength(2);
    expect(model.lastCall?.messages.at(-1)).toEqual({
      role: "tool",
      toolCallId: "call_1_1",
      content: notes.loom,
    });
  });

  const fake = useFakeServer();

  it("with the fake server: the same conversation over real HTTP, DeepSeek-shaped", async () => {
    fake.server.enqueue(
      providerCompletion("deepseek", {
        toolCalls: [{ id: "call_x", name: "lookup_note", arguments: { topic: "loom" } }],
      }),
      providerCompletion("deepseek", { text: ["Brain and Hands."] }),
    );
    const llm = new ChatClient({}, { baseUrl: fake.baseUrl, model: "deepseek-chat" });
    expect(await research(llm, "What is Loom?", notes)).toBe("Brain and Hands.");
    expectRequest(fake.server, {
      body: {
        messages: [
          {},
          {},
          { role: "assistant" },
          { role: "tool", tool_call_id: "call_x", content: notes.loom },
        ],
      },
    });
    await llm.close();
  });
});
