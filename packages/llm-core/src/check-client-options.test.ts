import { ConfigError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { ChatClient } from "./chat-client.js";
import type { ChatClientOptions } from "./chat-client-options.js";

const CONFIG = { baseUrl: "http://127.0.0.1:9/v1", model: "m" };

/** The ConfigError made of `options`, as JavaScript could pass them. */
function refused(options: unknown): ConfigError {
  try {
    new ChatClient({}, CONFIG, options as ChatClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("the options were accepted");
}

describe("the client's options", () => {
  it("hooks given as one object, not an array: refused when the client is made", () => {
    const error = refused({ hooks: { onResponse: () => {} } });
    expect(error.issues).toEqual([{ path: "hooks", message: "must be an array, got an object" }]);
  });

  it("every wrong part is named, never its value", () => {
    const error = refused({
      hooks: [null, "sk-live-0123456789abcdef0123"],
      gates: [{ leave: () => {} }],
      transport: "undici",
    });
    expect(error.issues.map((i) => i.path)).toEqual(["hooks.0", "hooks.1", "gates.0", "transport"]);
    expect(error.message).not.toContain("sk-live");
    expect(error.message).toContain(
      "transport: must be a function that makes a transport, got a string",
    );
  });

  it("options that are not an object", () => {
    expect(refused("fast").issues[0]?.message).toBe(
      "the client's options must be an object, got a string",
    );
  });

  it("well-formed options pass", async () => {
    const llm = new ChatClient({}, CONFIG, { hooks: [{}], gates: [] });
    await llm.close();
  });
});
