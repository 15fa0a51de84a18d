// Type tests: checked by `pnpm typecheck` (tsc over the tests); the runtime part is trivial.
import { describe, expectTypeOf, it } from "vitest";
import type { ChatRequest } from "./chat-request.js";
import type { AssistantMessage, Message, ToolMessage } from "./message.js";

describe("message literals", () => {
  it("the README's literals type-check inline", () => {
    const request: ChatRequest = {
      messages: [
        { role: "system", content: "You are a research assistant." },
        { role: "user", content: "Summarize recent AI advances" },
      ],
    };
    expectTypeOf(request.messages).toEqualTypeOf<Message[]>();
  });

  it("a whole tool-calling conversation type-checks", () => {
    const messages: Message[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", imageUrl: "data:image/png;base64,AAAA", detail: "low" },
        ],
      },
      {
        role: "assistant",
        content: null,
        toolCalls: [{ id: "call_1", name: "search", arguments: { q: "x" } }],
      },
      { role: "tool", toolCallId: "call_1", content: '{"hits":3}' },
      { role: "assistant", content: "Three hits.", reasoningContent: "The tool said 3." },
    ];
    expectTypeOf(messages[2]).toEqualTypeOf<Message | undefined>();
  });

  it("narrows on role", () => {
    const message = { role: "tool", toolCallId: "c", content: "" } as Message;
    if (message.role === "tool") expectTypeOf(message).toEqualTypeOf<ToolMessage>();
    if (message.role === "assistant")
      expectTypeOf(message.toolCalls).toEqualTypeOf<AssistantMessage["toolCalls"]>();
  });

  it("rejects malformed messages", () => {
    // @ts-expect-error a tool message needs the id of the call it answers
    const missingId: Message = { role: "tool", content: "x" };
    // @ts-expect-error unknown role
    const badRole: Message = { role: "robot", content: "x" };
    // @ts-expect-error system content is text only
    const parts: Message = { role: "system", content: [{ type: "text", text: "x" }] };
    expectTypeOf([missingId, badRole, parts]).toEqualTypeOf<Message[]>();
  });
});
