// What a server billed is never lost: a stream that fails, or is left by its caller, after its
// usage came hands that usage on (`error.usage`, `onCancel`'s `usage`), and the gates count it
// rather than the estimate. Over real HTTP on loopback, for chat completions and Anthropic's
// Messages (whose `message_start` reports the prompt before any text).
import { completionChunk, createFakeServer, type FakeReply, usageChunk } from "@loom/llm-testing";
import type { CallGate, GateOutcome, LLMConfigInput, ProviderHooks, Usage } from "@loom/llm-types";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";
import { failure, hello } from "../test-support.fixture.js";

const server = await createFakeServer();
afterAll(() => server.close());
beforeEach(() => server.reset());

/** A client whose gate and hooks write down how each call ended. */
function watched(config: Partial<LLMConfigInput> = {}) {
  const outcomes: GateOutcome[] = [];
  const errors: unknown[] = [];
  const cancels: (Usage | undefined)[] = [];
  const gate: CallGate = {
    name: "watch",
    async enter() {
      return { waitedMs: 0, leave: (outcome) => void outcomes.push(outcome) };
    },
  };
  const hooks: ProviderHooks = {
    onError: (error) => void errors.push(error),
    onCancel: (_request, _info, usage) => void cancels.push(usage),
  };
  const llm = new ChatClient(
    {},
    {
      baseUrl: server.baseUrl,
      model: "m",
      maxRetries: 0,
      timeoutMs: 400,
      streamIdleTimeoutMs: 400,
      ...config,
    },
    { gates: [gate], hooks: [hooks] },
  );
  return { llm, outcomes, errors, cancels };
}

const WIRE_USAGE = { prompt_tokens: 5_000, completion_tokens: 40, total_tokens: 5_040 };
/** The answer, its finish and its usage: all a stream bills, before its end never comes. */
const ANSWERED = [
  completionChunk({ content: "Paris" }),
  completionChunk({}, { finishReason: "stop" }),
  usageChunk(WIRE_USAGE),
];

describe("chat completions: a stream that fails after its usage came", () => {
  const cases: [string, FakeReply][] = [
    ["the server stalls (timeout)", { type: "sse", events: ANSWERED, done: false, end: "hang" }],
    [
      // After a pause: a reset lets the peer drop what it had not read yet.
      "the connection is reset",
      { type: "sse", events: [...ANSWERED, { delayMs: 100 }], done: false, end: "reset" },
    ],
    [
      "an error event follows",
      {
        type: "sse",
        events: [...ANSWERED, { error: { message: "overloaded", type: "server_error" } }],
        done: false,
      },
    ],
  ];
  it.each(cases)("%s: the error carries the usage, the gate counts it", async (_name, reply) => {
    const { llm, outcomes, errors } = watched();
    try {
      server.enqueue(reply);
      const error = await failure(llm.stream(hello).response());
      expect(error.usage).toMatchObject({
        promptTokens: 5_000,
        completionTokens: 40,
        reported: true,
      });
      // The hooks see the same error, usage and all (the cost hooks charge it).
      expect(errors).toEqual([error]);
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0]).toMatchObject({ sent: true, usage: { promptTokens: 5_000 } });
    } finally {
      await llm.close();
    }
  });

  it("before any usage came: no usage on the error, the gate counts its estimate", async () => {
    const { llm, outcomes } = watched();
    try {
      server.enqueue({
        type: "sse",
        events: [completionChunk({ content: "Paris" })],
        done: false,
        end: "reset",
      });
      const error = await failure(llm.stream(hello).response());
      expect(error.usage).toBeUndefined();
      expect(outcomes[0]?.sent).toBe(true);
      expect(outcomes[0]?.usage).toBeUndefined();
    } finally {
      await llm.close();
    }
  });
});

describe("a stream left by its caller", () => {
  it("after the usage came: onCancel gets it, and so does the gate", async () => {
    const { llm, outcomes, cancels } = watched();
    try {
      server.enqueue({
        type: "sse",
        events: [...ANSWERED, { delayMs: 2_000 }, completionChunk({ content: "late" })],
      });
      for await (const event of llm.stream(hello).events()) if (event.type === "usage") break;
      expect(cancels).toHaveLength(1);
      expect(cancels[0]).toMatchObject({ promptTokens: 5_000, completionTokens: 40 });
      expect(outcomes[0]).toMatchObject({ sent: true, usage: { completionTokens: 40 } });
    } finally {
      await llm.close();
    }
  });

  it("before it came: onCancel gets no usage", async () => {
    const { llm, cancels } = watched();
    try {
      server.enqueue({
        type: "sse",
        events: [completionChunk({ content: "Hi there" }), { delayMs: 2_000 }, ...ANSWERED],
      });
      for await (const _ of llm.stream(hello)) break;
      expect(cancels).toEqual([undefined]);
    } finally {
      await llm.close();
    }
  });
});

describe("Anthropic's Messages: cut after message_start", () => {
  it("the prompt's tokens, reported before any text, go with the error", async () => {
    const { llm, outcomes } = watched({ protocol: "anthropic-messages", apiKey: "k" });
    try {
      const start = {
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-x",
          content: [],
          stop_reason: null,
          usage: { input_tokens: 1_200, output_tokens: 1, cache_read_input_tokens: 300 },
        },
      };
      const block = {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      };
      const delta = {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "Hello" },
      };
      server.enqueue({
        type: "sse",
        events: [
          { event: "message_start", data: JSON.stringify(start) },
          { event: "content_block_start", data: JSON.stringify(block) },
          { event: "content_block_delta", data: JSON.stringify(delta) },
          { delayMs: 100 },
        ],
        done: false,
        end: "reset",
      });
      const error = await failure(llm.stream(hello).response());
      expect(error.usage).toMatchObject({
        promptTokens: 1_500,
        cachedPromptTokens: 300,
        completionTokens: 1,
      });
      expect(outcomes[0]?.usage?.promptTokens).toBe(1_500);
    } finally {
      await llm.close();
    }
  });
});
