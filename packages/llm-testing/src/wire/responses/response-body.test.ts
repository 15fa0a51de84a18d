import { describe, expect, it } from "vitest";
import { responseBody } from "./response-body.js";

describe("responseBody", () => {
  it("a plain answer as the API sends it: one message item, completed, usage with details", () => {
    const body = responseBody();
    expect(body).toMatchObject({
      id: "resp_fake",
      object: "response",
      status: "completed",
      completed_at: 1_790_000_001,
      error: null,
      incomplete_details: null,
      model: "fake-model",
      output: [
        {
          id: "msg_fake",
          type: "message",
          status: "completed",
          content: [{ type: "output_text", annotations: [], logprobs: [], text: "Hello!" }],
          role: "assistant",
        },
      ],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 1,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 11,
      },
      metadata: {},
    });
  });

  it("items in the API's order: reasoning, message, function calls; call ids and item ids", () => {
    const body = responseBody({
      toolCalls: [
        { name: "a", arguments: { x: 1 } },
        { id: "call_own", name: "b", arguments: "{bad" },
      ],
      text: ["Calling ", "tools."],
      reasoning: { summary: ["Think", "ing."], encryptedContent: "gAAAA" },
      messageId: "msg_1",
    });
    expect(body.output).toEqual([
      {
        id: "rs_fake",
        type: "reasoning",
        encrypted_content: "gAAAA",
        summary: [{ type: "summary_text", text: "Thinking." }],
      },
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: "Calling tools." }],
        role: "assistant",
      },
      {
        id: "fc_1",
        type: "function_call",
        status: "completed",
        arguments: '{"x":1}',
        call_id: "call_1",
        name: "a",
      },
      {
        id: "fc_2",
        type: "function_call",
        status: "completed",
        arguments: "{bad",
        call_id: "call_own",
        name: "b",
      },
    ]);
    expect(body.reasoning).toEqual({ effort: "medium", summary: "auto" });
  });

  it("reasoning without a summary has summary: [] and no encrypted_content unless given", () => {
    expect(responseBody({ reasoning: {}, text: null }).output).toEqual([
      { id: "rs_fake", type: "reasoning", summary: [] },
    ]);
  });

  it("incomplete: the reason, the message incomplete, no completed_at; usage null on request", () => {
    const body = responseBody({ status: "incomplete", usage: null });
    expect(body).toMatchObject({
      status: "incomplete",
      completed_at: null,
      incomplete_details: { reason: "max_output_tokens" },
      output: [{ type: "message", status: "incomplete" }],
      usage: null,
    });
    expect(
      responseBody({ status: "incomplete", incompleteReason: "content_filter" }).incomplete_details,
    ).toEqual({ reason: "content_filter" });
  });

  it("usage: input includes the cached tokens, output the reasoning ones", () => {
    expect(
      responseBody({ usage: { input: 100, output: 50, cached: 80, reasoning: 40 } }).usage,
    ).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 80 },
      output_tokens: 50,
      output_tokens_details: { reasoning_tokens: 40 },
      total_tokens: 150,
    });
  });
});
