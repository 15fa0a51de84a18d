// Replies as particular providers send them, beyond the shapes of @loom/llm-testing: each case
// names the provider and where the fact comes from.
import { completionBody, completionChunk, wireUsage } from "@loom/llm-testing";
import type { ChatRequest, LLMResponse } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { runTools } from "./agent/run-tools.js";
import { hello, serverAndClient } from "./test-support.fixture.js";

const { server, llm } = await serverAndClient();

const signature = { google: { thought_signature: "CiQBcsjafAw0ZpGLh3Tq9mJ2" } };

/** The next turn after `response`: its assistant message and a tool result for its first call. */
function nextTurn(response: LLMResponse): ChatRequest {
  return {
    messages: [
      ...hello.messages,
      response.message,
      { role: "tool", toolCallId: response.toolCalls[0]?.id ?? "", content: "18°C" },
    ],
  };
}

describe("Gemini's OpenAI endpoint", () => {
  // Gemini 3 puts a thought signature on each tool call (`extra_content`) and answers 400 to a
  // next turn without it (reported by clients that dropped it: earendil-works/pi#6733).
  it("a tool call's extra_content (its thought signature) goes back with the assistant turn", async () => {
    server.enqueue({
      type: "json",
      body: {
        ...completionBody({
          toolCalls: [{ id: "function-call-1", name: "weather", arguments: {} }],
        }),
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              tool_calls: [
                {
                  id: "function-call-1",
                  type: "function",
                  function: { name: "weather", arguments: '{"city":"Paris"}' },
                  extra_content: signature,
                },
              ],
            },
            finish_reason: "tool_calls",
          },
        ],
      },
    });
    const response = await llm.call(hello);
    expect(response.toolCalls[0]?.extraContent).toEqual(signature);
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(nextTurn(response));
    const sent = server.lastJson().messages as { tool_calls?: { extra_content?: unknown }[] }[];
    expect(sent[1]?.tool_calls?.[0]?.extra_content).toEqual(signature);
  });

  // Streamed, the calls come without `index`, whole, the signature in a delta of its own, and the
  // finish reason says "stop" (googleapis/python-genai#2868).
  it("streamed: calls without index, the signature in its own delta, finish 'stop'", async () => {
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant" }),
        completionChunk({
          tool_calls: [
            {
              id: "function-call-1",
              type: "function",
              function: { name: "weather", arguments: '{"city":"Paris"}' },
            },
          ],
        }),
        completionChunk({
          tool_calls: [{ id: "function-call-1", extra_content: { google: { other: 1 } } }],
        }),
        completionChunk({ tool_calls: [{ id: "function-call-1", extra_content: signature }] }),
        completionChunk(
          {
            tool_calls: [
              {
                id: "function-call-2",
                type: "function",
                function: { name: "weather", arguments: '{"city":"Rome"}' },
              },
            ],
          },
          { finishReason: "stop", usage: wireUsage(12) },
        ),
      ],
      done: false,
    });
    const response = await llm.stream(hello).response();
    expect(response.finishReason).toBe("stop");
    // Pieces merge at every depth: a later piece adds to the signature's object, never erases.
    const merged = { google: { other: 1, thought_signature: signature.google.thought_signature } };
    expect(response.toolCalls.map((c) => [c.id, c.arguments, c.extraContent])).toEqual([
      ["function-call-1", { city: "Paris" }, merged],
      ["function-call-2", { city: "Rome" }, undefined],
    ]);
    server.enqueue({ type: "json", body: completionBody() });
    await llm.call(nextTurn(response));
    const sent = server.lastJson().messages as { tool_calls?: Record<string, unknown>[] }[];
    expect(sent[1]?.tool_calls?.map((c) => c.extra_content)).toEqual([merged, undefined]);
  });
});

describe("Mistral", () => {
  // `model_length`: the context window filled up (vercel/ai map-mistral-finish-reason.ts).
  it("finish reason model_length reads as length, called and streamed; runTools stops as truncated", async () => {
    const body = completionBody({ finishReason: "model_length", content: "The answer is" });
    server.enqueue({ type: "json", body });
    expect((await llm.call(hello)).finishReason).toBe("length");
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant", content: "" }),
        completionChunk({ content: "The answer" }, { finishReason: "model_length" }),
      ],
    });
    const events = [];
    const stream = llm.stream(hello);
    for await (const event of stream.events()) events.push(event);
    expect(events).toContainEqual({ type: "finish", finishReason: "length" });
    expect((await stream.response()).finishReason).toBe("length");

    server.enqueue({
      type: "json",
      body: completionBody({
        toolCalls: [{ id: "gSIMJiOkT", name: "weather", arguments: '{"city": "Par' }],
        finishReason: "model_length",
      }),
    });
    const run = await runTools(llm, {
      ...hello,
      tools: [{ name: "weather", execute: () => "18°C" }],
    });
    expect(run.stopReason).toBe("truncated");
  });
});

describe("Groq", () => {
  // Older Groq streams carried usage only under `x_groq` (vercel/ai groq fixtures).
  it("usage reported only under x_groq is read", async () => {
    const finish = completionChunk({}, { finishReason: "stop" });
    Object.assign(finish, {
      x_groq: { id: "req_01", usage: { ...wireUsage(3, 21), queue_time: 0.04 } },
    });
    server.enqueue({
      type: "sse",
      events: [
        completionChunk({ role: "assistant", content: null }),
        completionChunk({ content: "hi" }),
        finish,
      ],
    });
    const response = await llm.stream(hello).response();
    expect(response.usage).toMatchObject({ promptTokens: 21, completionTokens: 3, reported: true });
  });
});
