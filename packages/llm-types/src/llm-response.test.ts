// Type tests: checked by `pnpm typecheck` (tsc over the tests).
import { describe, expectTypeOf, it } from "vitest";
import type { ChatModel } from "./chat-model.js";
import type { ChatStream } from "./chat-stream.js";
import type { FinishReason } from "./finish-reason.js";
import type { LLMResponse } from "./llm-response.js";
import type { AssistantMessage, Message } from "./message.js";
import type { StreamEvent } from "./stream-event.js";
import type { ToolCall } from "./tool-call.js";

describe("LLMResponse", () => {
  it("has the fields agents read", () => {
    expectTypeOf<LLMResponse["content"]>().toEqualTypeOf<string>();
    expectTypeOf<LLMResponse["finishReason"]>().toEqualTypeOf<FinishReason | null>();
    expectTypeOf<LLMResponse["usage"]["promptTokens"]>().toEqualTypeOf<number>();
    expectTypeOf<LLMResponse["usage"]["completionTokens"]>().toEqualTypeOf<number>();
    expectTypeOf<LLMResponse["toolCalls"]>().toEqualTypeOf<ToolCall[]>();
    expectTypeOf<LLMResponse["reasoningContent"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<LLMResponse["message"]>().toEqualTypeOf<AssistantMessage>();
  });

  it("its message goes straight back into the next request", () => {
    const next = (res: LLMResponse, history: Message[]): Message[] => [...history, res.message];
    expectTypeOf(next).returns.toEqualTypeOf<Message[]>();
  });

  it("finish reasons autocomplete but accept any server string", () => {
    const known: FinishReason = "tool_calls";
    const other: FinishReason = "eos_token";
    expectTypeOf(known).toExtend<string>();
    expectTypeOf(other).toExtend<string>();
  });
});

describe("ChatModel", () => {
  it("a plain object literal implements it (a hand-written mock)", () => {
    const response: LLMResponse = {
      content: "hi",
      finishReason: "stop",
      usage: {
        promptTokens: 1,
        completionTokens: 1,
        totalTokens: 2,
        cachedPromptTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        reported: true,
      },
      toolCalls: [],
      model: "mock",
      id: "1",
      provider: "mock",
      message: { role: "assistant", content: "hi" },
    };
    const mock: ChatModel = {
      call: async () => response,
      stream: () => ({
        async *[Symbol.asyncIterator]() {
          yield "hi";
        },
        async *events() {
          yield { type: "text", text: "hi" } satisfies StreamEvent;
        },
        response: async () => response,
        abort: () => {},
      }),
    };
    expectTypeOf(mock.stream).returns.toEqualTypeOf<ChatStream>();
    expectTypeOf<ChatStream>().toExtend<AsyncIterable<string>>();
  });

  it("stream events discriminate on type", () => {
    const event = {
      type: "tool-call",
      toolCall: { id: "a", name: "b", arguments: {} },
    } as StreamEvent;
    if (event.type === "tool-call") expectTypeOf(event.toolCall).toEqualTypeOf<ToolCall>();
    if (event.type === "response") expectTypeOf(event.response).toEqualTypeOf<LLMResponse>();
  });
});
