import { ConfigError, type WireProtocol } from "@loom/llm-types";
import { parseConfig } from "@loom/llm-utils";
import { describe, expect, it } from "vitest";
import { ClientWire } from "./client-wire.js";

const KEY = "sk-client-wire-0123456789abcdef";

function config(protocol: "openai-chat" | "anthropic-messages" | "openai-responses") {
  return parseConfig({ baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: KEY, protocol });
}

describe("ClientWire", () => {
  it("has the default protocol ready at once, with its headers", () => {
    const wire = new ClientWire(config("openai-chat"));
    expect(wire.ready).toBe(true);
    expect(wire.protocol.name).toBe("openai-chat");
    expect(wire.headers(false).authorization).toBe(`Bearer ${KEY}`);
    expect(wire.headers(true).accept).toBe("text/event-stream");
  });

  it.each([
    ["anthropic-messages", "x-api-key", KEY],
    ["openai-responses", "authorization", `Bearer ${KEY}`],
  ] as const)("loads %s on first need, then has its headers", async (name, header, value) => {
    const wire = new ClientWire(config(name));
    expect(() => wire.protocol).toThrow(/not loaded/);
    await wire.load();
    expect(wire.ready).toBe(true);
    expect(wire.protocol.name).toBe(name);
    expect(wire.headers(false)[header]).toBe(value);
  });

  it("turns a protocol that cannot be loaded into a ConfigError naming it, every time", async () => {
    let loads = 0;
    const wire = new ClientWire(config("anthropic-messages"), () => {
      loads++;
      return Promise.reject(new Error("Failed to fetch dynamically imported module"));
    });
    for (let i = 0; i < 2; i++) {
      const error = await wire.load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toMatch(
        /anthropic-messages wire protocol could not be loaded.*Failed to fetch dynamically/,
      );
      expect((error as ConfigError).issues).toEqual([
        { path: "protocol", message: "could not be loaded" },
      ]);
    }
    expect(loads).toBe(1);
    expect(wire.ready).toBe(false);
  });

  it("leaves no unhandled rejection when a client that failed to load is never used", async () => {
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listen);
    try {
      new ClientWire(config("openai-responses"), () => Promise.reject(new Error("gone")));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listen);
    }
  });

  it("waits for a protocol loading slowly", async () => {
    let release: (protocol: WireProtocol) => void = () => {};
    const real = new ClientWire(config("openai-chat")).protocol;
    const wire = new ClientWire(
      config("openai-responses"),
      () => new Promise<WireProtocol>((resolve) => (release = resolve)),
    );
    let loaded = false;
    const waiting = wire.load().then(() => (loaded = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(loaded).toBe(false);
    release(real);
    await waiting;
    expect(wire.protocol).toBe(real);
  });
});
