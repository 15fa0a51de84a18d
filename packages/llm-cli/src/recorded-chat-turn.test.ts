// `loom-llm replay` reading recorded chat completions: a tool loop as Loom's portable messages,
// called and streamed, with the cache hits of the usage kept apart so the recorded answer is
// priced as the replayed one is.
import { completionBody, textStream, wireUsage } from "@loom/llm-testing";
import { describe, expect, it } from "vitest";
import { recordedExchange, transcriptOf } from "./recorded-exchange.fixture.js";
import { parseTranscript } from "./recorded-turns.js";

const weather = { id: "call_1", name: "get_weather", arguments: { city: "Paris" } };

describe("replay reads chat completions", () => {
  it("a tool loop, called then streamed; cache hits as DeepSeek and OpenAI report them", () => {
    const question = { role: "user", content: "Weather in Paris?" };
    const asked = recordedExchange(
      "/v1/chat/completions",
      { model: "deepseek-chat", messages: [{ role: "system", content: "Be brief." }, question] },
      completionBody({
        toolCalls: [weather],
        usage: { ...wireUsage(9, 1000), prompt_cache_hit_tokens: 640 },
      }),
    );
    const answered = recordedExchange(
      "/v1/chat/completions",
      {
        model: "gpt-4o",
        stream: true,
        messages: [
          { role: "system", content: "Be brief." },
          question,
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "rain, 14°C" },
        ],
      },
      textStream(["Rain, ", "14°C."], {
        usage: { ...wireUsage(4, 1100), prompt_tokens_details: { cached_tokens: 1024 } },
      }),
    );
    expect(parseTranscript(transcriptOf(asked, answered), "t.jsonl")).toEqual([
      {
        messages: [{ role: "system", content: "Be brief." }, question],
        model: "deepseek-chat",
        answer: "",
        usage: { promptTokens: 1000, completionTokens: 9, cachedPromptTokens: 640 },
      },
      {
        messages: [
          { role: "system", content: "Be brief." },
          question,
          {
            role: "assistant",
            content: "",
            toolCalls: [
              {
                id: "call_1",
                name: "get_weather",
                arguments: { city: "Paris" },
                rawArguments: '{"city":"Paris"}',
              },
            ],
          },
          { role: "tool", toolCallId: "call_1", content: "rain, 14°C" },
        ],
        model: "gpt-4o",
        answer: "Rain, 14°C.",
        usage: { promptTokens: 1100, completionTokens: 4, cachedPromptTokens: 1024 },
      },
    ]);
  });
  it("a developer message (OpenAI's newer name for the system role) replays as the system message", () => {
    const asked = recordedExchange(
      "/v1/chat/completions",
      {
        model: "gpt-4o",
        messages: [
          { role: "developer", content: "Answer in French." },
          { role: "user", content: "Hello?" },
        ],
      },
      completionBody({ content: "Bonjour." }),
    );
    const [turn] = parseTranscript(transcriptOf(asked), "t.jsonl");
    expect(turn?.messages).toEqual([
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Hello?" },
    ]);
    expect(turn?.answer).toBe("Bonjour.");
  });
});
