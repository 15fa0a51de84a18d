import { completionBody, createFakeServer, type FakeServer, textStream } from "@loom/llm-testing";
import { type CallInfo, ConfigError, type LLMResponse, type ProviderHooks } from "@loom/llm-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatClient } from "../chat-client.js";

const hello = { messages: [{ role: "user" as const, content: "hello" }] };
let server: FakeServer;

beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(async () => {
  await server.close();
});

/** Hooks that record what they saw, in order. */
function recorder(log: string[], name: string): ProviderHooks {
  return {
    beforeRequest: (_request, info) => log.push(`${name}:before:${info.model}:${info.stream}`),
    prepareBody: (body) => {
      log.push(`${name}:body`);
      body[`x_${name}`] = true;
    },
    onResponse: (response) => {
      log.push(`${name}:response:${response.content}`);
      response.costUsd = 0.5;
    },
    onError: (error) => log.push(`${name}:error:${(error as Error).name}`),
    onFirstChunk: () => log.push(`${name}:first`),
    onCancel: () => log.push(`${name}:cancel`),
  };
}

describe("provider hooks", () => {
  it("run in order around a call, can change the body and the response", async () => {
    const log: string[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [recorder(log, "a"), recorder(log, "b")] },
    );
    server.enqueue({ type: "json", body: completionBody({ content: "hi" }) });
    const res = await llm.call(hello);
    expect(log).toEqual([
      "a:before:m:false",
      "b:before:m:false",
      "a:body",
      "b:body",
      "a:response:hi",
      "b:response:hi",
    ]);
    expect(server.lastRequest?.body).toMatchObject({ x_a: true, x_b: true });
    expect(res.costUsd).toBe(0.5);
    await llm.close();
  });

  it("run around a stream; the final response carries what onResponse added", async () => {
    const log: string[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [recorder(log, "a")] },
    );
    server.enqueue(textStream(["h", "i"]));
    const stream = llm.stream(hello);
    let final: LLMResponse | undefined;
    for await (const event of stream.events())
      if (event.type === "response") final = event.response;
    expect(log).toEqual(["a:before:m:true", "a:body", "a:first", "a:response:hi"]);
    expect(final?.costUsd).toBe(0.5);
    await llm.close();
  });

  it("onError sees failures", async () => {
    const log: string[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", maxRetries: 0 },
      { hooks: [recorder(log, "a")] },
    );
    server.enqueue(
      { type: "error", status: 500, body: "boom" },
      { type: "error", status: 401, body: "no" },
    );
    await expect(llm.call(hello)).rejects.toThrow("HTTP 500");
    await expect(llm.stream(hello).response()).rejects.toThrow("HTTP 401");
    expect(log.filter((l) => l.includes("error"))).toEqual([
      "a:error:ServerError",
      "a:error:AuthenticationError",
    ]);
    await llm.close();
  });

  it("a throwing beforeRequest stops the call before anything is sent, and is not an error of the call", async () => {
    const log: string[] = [];
    const stop: ProviderHooks = {
      beforeRequest: (_request, info: CallInfo) => {
        throw new ConfigError({ message: `stopped ${info.provider}` });
      },
    };
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m", provider: "p" },
      { hooks: [stop, recorder(log, "a")] },
    );
    server.reset();
    await expect(llm.call(hello)).rejects.toThrow("stopped p");
    await expect(llm.stream(hello).response()).rejects.toThrow("stopped p");
    expect(server.requests).toHaveLength(0);
    expect(log).toEqual([]);
    await llm.close();
  });

  it("onCancel runs when the caller leaves a stream early", async () => {
    const log: string[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [recorder(log, "a")] },
    );
    server.enqueue(textStream(["a", "b", "c"], { delayMs: 20 }));
    for await (const _ of llm.stream(hello)) break;
    expect(log).toEqual(["a:before:m:true", "a:body", "a:first", "a:cancel"]);
    await llm.close();
  });

  describe("order", () => {
    it("a stream answered with one JSON body: first chunk before the response, in both modes", async () => {
      const log: string[] = [];
      const llm = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m" },
        { hooks: [recorder(log, "a")] },
      );
      server.enqueue(
        { type: "json", body: completionBody({ content: "whole" }) },
        { type: "json", body: completionBody({ content: "whole" }) },
      );
      const text: string[] = [];
      for await (const piece of llm.stream(hello)) text.push(piece);
      const events: string[] = [];
      for await (const event of llm.stream(hello).events()) events.push(event.type);
      expect(text).toEqual(["whole"]);
      expect(events).toEqual(["text", "finish", "usage", "response"]);
      const once = ["a:before:m:true", "a:body", "a:first", "a:response:whole"];
      expect(log).toEqual([...once, ...once]);
      await llm.close();
    });

    it("items decoded only when the body ends (no [DONE], no final blank line) still count as the first chunk", async () => {
      const log: string[] = [];
      const llm = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m" },
        { hooks: [recorder(log, "a")] },
      );
      const chunk = {
        id: "c",
        object: "chat.completion.chunk",
        model: "m",
        choices: [{ index: 0, delta: { content: "late" }, finish_reason: "stop" }],
      };
      server.enqueue({
        type: "raw",
        headers: { "content-type": "text/event-stream" },
        chunks: [`data: ${JSON.stringify(chunk)}`],
      });
      const text: string[] = [];
      for await (const piece of llm.stream(hello)) text.push(piece);
      expect(text).toEqual(["late"]);
      expect(log).toEqual(["a:before:m:true", "a:body", "a:first", "a:response:late"]);
      await llm.close();
    });

    it("a beforeRequest that throws: the hooks that already began get onError, later ones nothing", async () => {
      const log: string[] = [];
      const stop: ProviderHooks = {
        beforeRequest: () => {
          throw new ConfigError({ message: "budget spent" });
        },
      };
      const llm = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m" },
        { hooks: [recorder(log, "a"), stop, recorder(log, "b")] },
      );
      server.reset();
      await expect(llm.call(hello)).rejects.toThrow("budget spent");
      await expect(llm.stream(hello).response()).rejects.toThrow("budget spent");
      expect(server.requests).toHaveLength(0);
      const once = ["a:before:m:false", "a:error:ConfigError"];
      expect(log).toEqual([...once, "a:before:m:true", "a:error:ConfigError"]);
      await llm.close();
    });
  });

  describe("a hook that throws", () => {
    const thrower = (method: keyof ProviderHooks): ProviderHooks => ({
      [method]: () => {
        throw new Error(`broken ${method}`);
      },
    });

    it.each(["onResponse", "onFirstChunk", "onError", "onCancel", "onRetry"] as const)(
      "in %s is reported and skipped: the caller's outcome stands, every other hook runs",
      async (method) => {
        const log: string[] = [];
        const reports: string[] = [];
        const llm = new ChatClient(
          { logger: { error: (line) => reports.push(line) } },
          { baseUrl: server.baseUrl, model: "m", maxRetries: 1, maxRetryDelayMs: 10 },
          { hooks: [thrower(method), recorder(log, "a")] },
        );
        server.reset();
        if (method === "onError") {
          server.enqueue({ type: "error", status: 400, body: "bad" });
          await expect(llm.call(hello)).rejects.toThrow("HTTP 400");
          expect(log).toContain("a:error:BadRequestError");
        } else if (method === "onCancel") {
          server.enqueue(textStream(["a", "b", "c"], { delayMs: 20 }));
          for await (const _ of llm.stream(hello)) break;
          expect(log).toContain("a:cancel");
        } else if (method === "onRetry") {
          server.enqueue(
            { type: "error", status: 503, body: "" },
            { type: "json", body: completionBody({ content: "ok" }) },
          );
          expect((await llm.call(hello)).content).toBe("ok");
          expect(log).toContain("a:response:ok");
        } else {
          server.enqueue(textStream(["o", "k"]));
          expect((await llm.stream(hello).response()).content).toBe("ok");
          expect(log).toContain("a:response:ok");
        }
        expect(reports).toEqual([
          expect.stringContaining(`hook #1 threw in ${method}; ignored: Error: broken ${method}`),
        ]);
        await llm.close();
      },
    );

    it.each(["beforeRequest", "prepareBody", "onResponse", "onError", "onRetry"] as const)(
      "written async, in %s: its rejection is reported, never unhandled; the call goes on",
      async (method) => {
        const reports: string[] = [];
        const rejecting: ProviderHooks = {
          [method]: async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            throw new Error(`async ${method}`);
          },
        };
        const llm = new ChatClient(
          { logger: { error: (line) => reports.push(line) } },
          { baseUrl: server.baseUrl, model: "m", maxRetries: 1, maxRetryDelayMs: 10 },
          { hooks: [rejecting] },
        );
        server.reset();
        if (method === "onError") {
          server.enqueue({ type: "error", status: 400, body: "bad" });
          await expect(llm.call(hello)).rejects.toThrow("HTTP 400");
        } else {
          if (method === "onRetry") server.enqueue({ type: "error", status: 503, body: "" });
          server.enqueue({ type: "json", body: completionBody({ content: "ok" }) });
          expect((await llm.call(hello)).content).toBe("ok");
        }
        for (let i = 0; i < 100 && reports.length === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 5));
        expect(reports).toEqual([
          expect.stringContaining(`hook #1 rejected in ${method}; ignored: Error: async ${method}`),
        ]);
        await llm.close();
      },
    );
  });

  it("a stream closed before it started: response() rejects, no hook runs, nothing is sent", async () => {
    const log: string[] = [];
    const llm = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "m" },
      { hooks: [recorder(log, "a")] },
    );
    server.reset();
    const stream = llm.stream(hello);
    await stream[Symbol.asyncIterator]().return?.();
    await expect(stream.response()).rejects.toThrow("closed before it started");
    expect(log).toEqual([]);
    expect(server.requests).toHaveLength(0);
    await llm.close();
  });
});
