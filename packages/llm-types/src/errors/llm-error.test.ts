import { describe, expect, it, vi } from "vitest";
import { AbortError } from "./abort-error.js";
import { APIStatusError } from "./api-status-error.js";
import { ConfigError } from "./config-error.js";
import { ConnectionError } from "./connection-error.js";
import { ContextLengthError } from "./context-length-error.js";
import { InvalidResponseError } from "./invalid-response-error.js";
import { LLMError } from "./llm-error.js";
import { RateLimitError } from "./rate-limit-error.js";
import { ServerError } from "./server-error.js";
import { TimeoutError } from "./timeout-error.js";

describe("LLMError", () => {
  it("names provider, model and request id in the message", () => {
    const error = new LLMError({
      message: "something broke",
      provider: "deepseek",
      model: "deepseek-chat",
      requestId: "req_123",
    });
    expect(error.message).toBe("deepseek/deepseek-chat: something broke (request id req_123)");
    expect(error.name).toBe("LLMError");
    expect(error.provider).toBe("deepseek");
    expect(error.model).toBe("deepseek-chat");
    expect(error.requestId).toBe("req_123");
    expect(error.retryable).toBe(false);
    expect(error.attempts).toBe(1);
  });

  it("keeps the cause chain", () => {
    const cause = new Error("ECONNRESET");
    const error = new ConnectionError({ message: "reset", cause, code: "ECONNRESET" });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe("ECONNRESET");
  });

  it("leaves cause undefined (not an own property) when none is given", () => {
    expect(Object.hasOwn(new LLMError({ message: "x" }), "cause")).toBe(false);
  });

  it("is instanceof its whole chain", () => {
    const error = new ContextLengthError({ message: "too long", status: 400 });
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toBeInstanceOf(APIStatusError);
    expect(error).toBeInstanceOf(LLMError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ContextLengthError");
  });

  it("isInstance checks the class and its subclasses only", () => {
    const rateLimit = new RateLimitError({ message: "slow down", status: 429, retryAfterMs: 1000 });
    expect(LLMError.isInstance(rateLimit)).toBe(true);
    expect(APIStatusError.isInstance(rateLimit)).toBe(true);
    expect(RateLimitError.isInstance(rateLimit)).toBe(true);
    expect(ServerError.isInstance(rateLimit)).toBe(false);
    expect(TimeoutError.isInstance(rateLimit)).toBe(false);
    expect(LLMError.isInstance(new Error("plain"))).toBe(false);
    expect(LLMError.isInstance(null)).toBe(false);
    expect(LLMError.isInstance("RateLimitError")).toBe(false);
  });

  it("isInstance holds across a second copy of the module, where instanceof fails", async () => {
    vi.resetModules();
    const copy = await import("./rate-limit-error.js");
    expect(copy.RateLimitError).not.toBe(RateLimitError);
    const foreign = new copy.RateLimitError({ message: "from another copy", status: 429 });
    expect(foreign instanceof RateLimitError).toBe(false);
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(APIStatusError.isInstance(foreign)).toBe(true);
    expect(LLMError.isInstance(foreign)).toBe(true);
    expect(ServerError.isInstance(foreign)).toBe(false);
  });

  it("keeps markers out of enumerable keys and JSON", () => {
    const error = new ServerError({ message: "boom", status: 500 });
    expect(
      Object.getOwnPropertySymbols(error).every(
        (s) => !Object.getOwnPropertyDescriptor(error, s)?.enumerable,
      ),
    ).toBe(true);
    expect(JSON.stringify(error)).not.toContain("@loom");
  });
});

describe("retryable defaults per class", () => {
  it.each<[string, LLMError, boolean]>([
    ["TimeoutError", new TimeoutError({ timeoutMs: 10 }), true],
    ["ConnectionError", new ConnectionError({ message: "refused" }), true],
    ["AbortError", new AbortError(), false],
    ["InvalidResponseError", new InvalidResponseError({ message: "bad json" }), false],
    ["ConfigError", new ConfigError({ message: "bad" }), false],
    ["ServerError 503", new ServerError({ message: "overloaded", status: 503 }), true],
    ["ServerError 501", new ServerError({ message: "not implemented", status: 501 }), false],
    ["RateLimitError", new RateLimitError({ message: "slow", status: 429 }), true],
  ])("%s", (_name, error, retryable) => {
    expect(error.retryable).toBe(retryable);
  });

  it("an explicit retryable wins (e.g. a timeout after chunks were delivered)", () => {
    expect(new TimeoutError({ timeoutMs: 10, phase: "idle", retryable: false }).retryable).toBe(
      false,
    );
    expect(new ServerError({ message: "x", status: 500, retryable: false }).retryable).toBe(false);
  });
});

describe("default messages", () => {
  it.each<[TimeoutError, string]>([
    [new TimeoutError({ timeoutMs: 30_000 }), "Timed out: no response within 30000 ms"],
    [
      new TimeoutError({ timeoutMs: 500, phase: "idle" }),
      "Timed out: no data from the stream within 500 ms",
    ],
    [
      new TimeoutError({ timeoutMs: 9, phase: "deadline" }),
      "Timed out: the call's deadline passed within 9 ms",
    ],
  ])("TimeoutError %#", (error, message) => {
    expect(error.message).toBe(message);
  });

  it("AbortError", () => {
    expect(new AbortError({ provider: "openai", model: "gpt-4o-mini" }).message).toBe(
      "openai/gpt-4o-mini: The call was aborted",
    );
  });

  it("ConfigError without issues", () => {
    expect(new ConfigError({ file: "loom.toml" }).message).toBe("Invalid LLM config in loom.toml");
  });
});
