import type { LLMResponse } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { applyResponseFormat } from "./apply-response-format.js";

const reply = (content: string, finishReason: LLMResponse["finishReason"], toolCalls = 0) =>
  ({
    content,
    finishReason,
    toolCalls: Array.from({ length: toolCalls }, (_, i) => ({
      id: `c${i}`,
      name: "t",
      arguments: {},
    })),
  }) as unknown as LLMResponse;

describe("applyResponseFormat", () => {
  it("a reply cut at maxTokens says so, with the paid response", () => {
    const cut = reply('{"city": "Par', "length");
    const error = (() => {
      try {
        applyResponseFormat(cut, { type: "json_object" }, { paid: cut });
      } catch (e) {
        return e as Error & { response?: unknown };
      }
      return undefined;
    })();
    expect(error?.name).toBe("InvalidResponseError");
    expect(error?.message).toContain("is not JSON (it was cut off at maxTokens");
    expect(error?.response).toBe(cut);
    // A reply that ended on its own is only "not JSON".
    const whole = reply("Paris", "stop");
    expect(() => applyResponseFormat(whole, { type: "json_object" }, { paid: whole })).toThrow(
      /the reply is not JSON: Paris$/,
    );
  });

  it("a turn that calls tools: its text parsed when it is the JSON asked for, else left alone", () => {
    const talk = reply("Let me look that up.", "tool_calls", 1);
    expect(() => applyResponseFormat(talk, { type: "json_object" })).not.toThrow();
    expect(talk.parsed).toBeUndefined();
    const json = reply('{"a": 1}', "tool_calls", 1);
    applyResponseFormat(json, { type: "json_object" });
    expect(json.parsed).toEqual({ a: 1 });
  });
});
