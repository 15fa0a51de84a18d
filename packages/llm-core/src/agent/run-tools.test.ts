import {
  completionBody,
  completionChunk,
  createFakeServer,
  type FakeServer,
} from "@loom/llm-testing";
import { AbortError, type ToolDefinition } from "@loom/llm-types";
import { defineTool } from "@loom/llm-utils";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChatClient } from "../chat-client.js";
import { runTools } from "./run-tools.js";

let server: FakeServer;
let llm: ChatClient;
beforeAll(async () => {
  server = await createFakeServer();
  llm = new ChatClient({}, { baseUrl: server.baseUrl, model: "m" });
});
afterAll(async () => {
  await llm.close();
  await server.close();
});
beforeEach(() => server.reset());

const ask = [{ role: "user" as const, content: "Weather in Paris and Rome?" }];
const calls = (...c: { id: string; name: string; arguments: unknown }[]) => ({
  type: "json" as const,
  body: completionBody({ toolCalls: c }),
});
const answer = (content: string) => ({ type: "json" as const, body: completionBody({ content }) });

const weather = defineTool({
  name: "get_weather",
  description: "Current weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: city === "Paris" ? "rain" : "sun" }),
});

describe("runTools", () => {
  it("round trip: runs the tool, sends results back with the right tool_call_id, returns the answer", async () => {
    server.enqueue(
      calls({ id: "call_p", name: "get_weather", arguments: { city: "Paris" } }),
      answer("Rain in Paris."),
    );
    const result = await runTools(llm, { messages: ask, tools: [weather] });
    expect(result.stopReason).toBe("answered");
    expect(result.response.content).toBe("Rain in Paris.");
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.results[0]).toMatchObject({
      ok: true,
      value: { city: "Paris", sky: "rain" },
    });
    expect(result.usage).toMatchObject({
      promptTokens: 20,
      completionTokens: 10,
      totalTokens: 30,
      reported: true,
    });
    const second = server.requests[1]?.body as { messages: unknown[]; tools: unknown[] };
    expect(second.messages).toEqual([
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "call_p",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_p", content: '{"city":"Paris","sky":"rain"}' },
    ]);
    expect(second.tools).toHaveLength(1);
    expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("runs several calls of one turn in parallel, answering each by id", async () => {
    let running = 0;
    let peak = 0;
    const slow = defineTool({
      name: "slow",
      parameters: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running--;
        return n * 10;
      },
    });
    server.enqueue(
      calls(
        { id: "a", name: "slow", arguments: { n: 1 } },
        { id: "b", name: "slow", arguments: { n: 2 } },
        { id: "c", name: "slow", arguments: { n: 3 } },
      ),
      answer("done"),
    );
    const result = await runTools(llm, { messages: ask, tools: [slow] });
    expect(peak).toBe(3);
    expect(result.messages.filter((m) => m.role === "tool")).toEqual([
      { role: "tool", toolCallId: "a", content: "10" },
      { role: "tool", toolCallId: "b", content: "20" },
      { role: "tool", toolCallId: "c", content: "30" },
    ]);
  });

  it("stops at maxIterations with a clear stop reason", async () => {
    server.setFallback(calls({ id: "again", name: "get_weather", arguments: { city: "Rome" } }));
    const result = await runTools(llm, { messages: ask, tools: [weather], maxIterations: 3 });
    server.setFallback(undefined);
    expect(result.stopReason).toBe("max-iterations");
    expect(server.requests).toHaveLength(3);
    expect(result.steps).toHaveLength(3);
  });

  it("a throwing tool becomes a tool message and the loop goes on", async () => {
    const broken = defineTool({
      name: "broken",
      execute: () => {
        throw new RangeError("disk on fire");
      },
    });
    server.enqueue(
      calls({ id: "x", name: "broken", arguments: {} }),
      answer("Sorry, the tool failed."),
    );
    const result = await runTools(llm, { messages: ask, tools: [broken] });
    expect(result.stopReason).toBe("answered");
    expect(result.steps[0]?.results[0]).toMatchObject({
      ok: false,
      message: { content: 'Error: tool "broken" failed: RangeError: disk on fire' },
    });
  });

  it("invalid arguments are sent back to the model, and execute is not called", async () => {
    let executed = false;
    const strict = defineTool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: () => {
        executed = true;
      },
    });
    server.enqueue(calls({ id: "bad", name: "get_weather", arguments: { town: 5 } }), answer("ok"));
    const result = await runTools(llm, { messages: ask, tools: [strict] });
    expect(executed).toBe(false);
    const toolCall = result.steps[0]?.response.toolCalls[0];
    expect(toolCall?.error?.name).toBe("InvalidToolArgumentsError");
    expect(toolCall?.error?.issues[0]?.path).toEqual(["city"]);
    const sent = (server.requests[1]?.body as { messages?: { content: string }[] } | undefined)
      ?.messages?.[2];
    expect(sent?.content).toMatch(
      /^Error: invalid arguments for tool "get_weather": city: Invalid input: expected string, received undefined/,
    );
  });

  it("an unknown tool is reported to the model with the available names", async () => {
    server.enqueue(calls({ id: "u", name: "get_wether", arguments: {} }), answer("ok"));
    const result = await runTools(llm, { messages: ask, tools: [weather] });
    expect(result.steps[0]?.results[0]?.message.content).toBe(
      'Error: there is no tool named "get_wether". Available tools: get_weather.',
    );
  });

  it("a tool without execute goes to ctx.tool (the agent runtime)", async () => {
    const seen: [string, unknown][] = [];
    const remote: ToolDefinition = {
      name: "search",
      parameters: { type: "object", properties: { q: { type: "string" } } },
    };
    server.enqueue(calls({ id: "s", name: "search", arguments: { q: "loom" } }), answer("found"));
    const result = await runTools(llm, {
      messages: ask,
      tools: [remote],
      context: {
        tool: async (name, args) => {
          seen.push([name, args]);
          return "3 hits";
        },
      },
    });
    expect(seen).toEqual([["search", { q: "loom" }]]);
    expect(result.steps[0]?.results[0]?.message.content).toBe("3 hits");
  });

  it("without a context option, uses the context the provider was built with", async () => {
    const seen: string[] = [];
    const agent = new ChatClient(
      {
        agentId: "a1",
        tool: (name) => {
          seen.push(name);
          return "from the runtime";
        },
      },
      { baseUrl: server.baseUrl, model: "m" },
    );
    server.enqueue(calls({ id: "s", name: "search", arguments: { q: "loom" } }), answer("found"));
    const result = await runTools(agent, { messages: ask, tools: [{ name: "search" }] });
    await agent.close();
    expect(seen).toEqual(["search"]);
    expect(result.stopReason).toBe("answered");
    expect(result.steps[0]?.results[0]?.message.content).toBe("from the runtime");
  });

  it("a turn cut by maxTokens while calling tools: nothing run, stopReason truncated", async () => {
    let ran = 0;
    const counted = defineTool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: () => {
        ran++;
        return "sun";
      },
    });
    server.enqueue({
      type: "json",
      body: completionBody({
        toolCalls: [{ id: "c", name: "get_weather", arguments: '{"city": "Ro' }],
        finishReason: "length",
      }),
    });
    const result = await runTools(llm, { messages: ask, tools: [counted] });
    expect(result.stopReason).toBe("truncated");
    expect(ran).toBe(0);
    expect(result.pendingToolCalls.map((c) => c.id)).toEqual(["c"]);
    expect(server.requests).toHaveLength(1);
  });

  it("a turn without calls cut by maxTokens (an answer cut short): stopReason truncated, not answered", async () => {
    server.enqueue({
      type: "json",
      // llama.cpp, a forced call cut before its arguments: the start of the call as text.
      body: completionBody({ content: "<tool_call>\n  ", finishReason: "length" }),
    });
    const result = await runTools(llm, { messages: ask, tools: [weather], toolChoice: "required" });
    expect(result.stopReason).toBe("truncated");
    expect(result.response.finishReason).toBe("length");
    expect(result.pendingToolCalls).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("with no executor at all, returns the pending calls to the caller", async () => {
    server.enqueue(calls({ id: "p1", name: "search", arguments: { q: "x" } }));
    const result = await runTools(llm, { messages: ask, tools: [{ name: "search" }] });
    expect(result.stopReason).toBe("pending-tools");
    expect(result.pendingToolCalls.map((c) => c.id)).toEqual(["p1"]);
    expect(result.messages.at(-1)).toMatchObject({ role: "assistant", toolCalls: [{ id: "p1" }] });
  });

  it("onStep reports each step as it completes", async () => {
    server.enqueue(
      calls({ id: "c1", name: "get_weather", arguments: { city: "Rome" } }),
      answer("Sun."),
    );
    const seen: string[] = [];
    await runTools(llm, {
      messages: ask,
      tools: [weather],
      onStep: (step) =>
        void seen.push(`${step.index}:${step.results.length}:${step.response.content}`),
    });
    expect(seen).toEqual(["0:1:", "1:0:Sun."]);
  });

  it("abort between steps stops the loop", async () => {
    const controller = new AbortController();
    server.enqueue(
      calls({ id: "c1", name: "get_weather", arguments: { city: "Rome" } }),
      answer("never"),
    );
    await expect(
      runTools(llm, {
        messages: ask,
        tools: [weather],
        signal: controller.signal,
        onStep: () => controller.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(1);
  });

  it("abort during a model call stops the loop at once", async () => {
    const controller = new AbortController();
    server.enqueue({ type: "hang" });
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    await expect(
      runTools(llm, { messages: ask, tools: [weather], signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("abort during a tool stops the loop; the tool sees the signal", async () => {
    const controller = new AbortController();
    let toolSignal: AbortSignal | undefined;
    const waits = defineTool({
      name: "waits",
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          toolSignal = signal;
          signal?.addEventListener("abort", () => reject(new Error("stopped")));
          setTimeout(() => controller.abort(), 10);
        }),
    });
    server.enqueue(calls({ id: "w", name: "waits", arguments: {} }));
    // The loop's abort, not the tool's own words for it ("stopped").
    await expect(
      runTools(llm, { messages: ask, tools: [waits], signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(toolSignal?.aborted).toBe(true);
  });

  it("abort while a tool ignores its signal: the loop ends at once, not when the tool does", async () => {
    const controller = new AbortController();
    const deaf = defineTool({
      name: "deaf",
      execute: () => new Promise((resolve) => setTimeout(() => resolve("late"), 3_000)),
    });
    server.enqueue(calls({ id: "d", name: "deaf", arguments: {} }));
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(
      runTools(llm, { messages: ask, tools: [deaf], signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    // Far from the tool's 3 s, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("maxIterations that is no whole number of calls, 1 or more, is a ConfigError, nothing sent", async () => {
    for (const maxIterations of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      await expect(
        runTools(llm, { messages: ask, tools: [weather], maxIterations }),
      ).rejects.toMatchObject({
        name: "ConfigError",
        message: expect.stringContaining("maxIterations"),
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a tool's value that cannot be JSON (a BigInt, a cycle) is a failed result the model is told of", async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const values: unknown[] = [{ big: 10n }, cycle, () => 1];
    const odd = defineTool({
      name: "odd",
      execute: ({ n }: { n: number }) => values[n],
    });
    server.enqueue(
      calls(
        { id: "a", name: "odd", arguments: { n: 0 } },
        { id: "b", name: "odd", arguments: { n: 1 } },
        { id: "c", name: "odd", arguments: { n: 2 } },
      ),
      answer("ok"),
    );
    const run = await runTools(llm, { messages: ask, tools: [odd] });
    expect(run.stopReason).toBe("answered");
    const results = run.steps[0]?.results ?? [];
    // A function's source is no result either.
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    for (const result of results) {
      expect(result.message.content).toContain("cannot be sent as JSON");
      expect(result.message.content).not.toContain("[object Object]");
    }
  });

  it("with a responseFormat, a turn of text and tool calls runs the tools; the answer is parsed", async () => {
    server.enqueue(
      {
        type: "json",
        body: completionBody({
          content: "Let me look that up.",
          toolCalls: [{ id: "t", name: "get_weather", arguments: { city: "Paris" } }],
        }),
      },
      answer('{"sky":"rain"}'),
    );
    const run = await runTools(llm, {
      messages: ask,
      tools: [weather],
      responseFormat: { type: "json_schema", schema: z.object({ sky: z.string() }) },
    });
    expect(run.stopReason).toBe("answered");
    expect(run.steps[0]?.results[0]?.ok).toBe(true);
    expect(run.response.parsed).toEqual({ sky: "rain" });
  });
});

describe("tool definitions on the wire", () => {
  it("a zod tool and its JSON Schema twin produce the same wire JSON", async () => {
    const zodTool = defineTool({
      name: "f",
      description: "d",
      parameters: z.object({ q: z.string().describe("query"), n: z.number().optional() }),
    });
    const jsonTool = defineTool({
      name: "f",
      description: "d",
      parameters: {
        type: "object",
        properties: { q: { type: "string", description: "query" }, n: { type: "number" } },
        required: ["q"],
      },
    });
    server.enqueue(answer("a"), answer("b"));
    await llm.call({ messages: ask, tools: [zodTool] });
    const fromZod = server.lastJson().tools;
    await llm.call({ messages: ask, tools: [jsonTool] });
    expect(fromZod).toEqual(server.lastJson().tools);
  });

  it("streamed tool calls (interleaved, late names) end as the same toolCalls as a whole response", async () => {
    const args = [{ city: "Paris" }, { city: "Rome" }];
    server.enqueue(
      calls(
        { id: "c0", name: "get_weather", arguments: args[0] },
        { id: "c1", name: "get_weather", arguments: args[1] },
      ),
    );
    const whole = await llm.call({ messages: ask, tools: [weather] });
    const tc = (d: object) => completionChunk({ tool_calls: [d] });
    server.enqueue({
      type: "sse",
      events: [
        tc({ index: 0, id: "c0", function: { arguments: '{"city":' } }),
        tc({ index: 1, id: "c1", function: { name: "get_weather", arguments: '{"city":"Ro' } }),
        tc({ index: 0, function: { name: "get_weather", arguments: '"Paris"}' } }),
        tc({ index: 1, function: { name: null, arguments: 'me"}' } }),
        completionChunk({}, { finishReason: "tool_calls" }),
      ],
    });
    const streamed = await llm.stream({ messages: ask, tools: [weather] }).response();
    const shape = (r: typeof whole) =>
      r.toolCalls.map(({ id, name, arguments: a }) => ({ id, name, arguments: a }));
    expect(shape(streamed)).toEqual(shape(whole));
    expect(shape(streamed)).toEqual([
      { id: "c0", name: "get_weather", arguments: { city: "Paris" } },
      { id: "c1", name: "get_weather", arguments: { city: "Rome" } },
    ]);
  });
});

describe("runTools on Anthropic's protocol", () => {
  it('a tool call sent without an id (llama.cpp\'s ""), on Messages and on Responses: the call sent back names the id its result answers', async () => {
    const messages = {
      body: (content: unknown[], stop: string) => ({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude",
        content,
        stop_reason: stop,
        usage: { input_tokens: 5, output_tokens: 3 },
      }),
      call: { type: "tool_use", id: "", name: "get_weather", input: { city: "Paris" } },
      text: { type: "text", text: "Rain." },
    };
    const responses = {
      body: (output: unknown[]) => ({
        id: "resp_1",
        object: "response",
        status: "completed",
        model: "m",
        output,
        usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
      }),
      call: {
        type: "function_call",
        id: "fc_1",
        call_id: "",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        status: "completed",
      },
      text: {
        type: "message",
        id: "msg_1",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: "Rain.", annotations: [] }],
      },
    };
    for (const protocol of ["anthropic-messages", "openai-responses"] as const) {
      server.reset();
      const client = new ChatClient(
        {},
        { baseUrl: server.baseUrl, model: "m", protocol, apiKey: "k", maxRetries: 0 },
      );
      try {
        if (protocol === "anthropic-messages")
          server.enqueue(
            { type: "json", body: messages.body([messages.call], "tool_use") },
            { type: "json", body: messages.body([messages.text], "end_turn") },
          );
        else
          server.enqueue(
            { type: "json", body: responses.body([responses.call]) },
            { type: "json", body: responses.body([responses.text]) },
          );
        const run = await runTools(client, { messages: ask, tools: [weather] });
        expect(run.stopReason).toBe("answered");
        const id = run.steps[0]?.response.toolCalls[0]?.id;
        expect(id).toMatch(/^call_\d+$/);
        const second = JSON.stringify(server.requests[1]?.body);
        if (protocol === "anthropic-messages") {
          expect(second).toContain(`"type":"tool_use","id":"${id}"`);
          expect(second).toContain(`"tool_use_id":"${id}"`);
        } else {
          expect(second).toContain(`"call_id":"${id}","name":"get_weather"`);
          expect(second).toContain(`"type":"function_call_output","call_id":"${id}"`);
        }
        expect(second).not.toMatch(/"(id|call_id)":""/);
      } finally {
        await client.close();
      }
    }
  });

  it("a paused turn (pause_turn) goes back as it came, and the loop goes on to the answer", async () => {
    const claude = new ChatClient(
      {},
      { baseUrl: server.baseUrl, model: "claude", protocol: "anthropic-messages", maxRetries: 0 },
    );
    try {
      const searching = {
        type: "server_tool_use",
        id: "srvtoolu_1",
        name: "web_search",
        input: { query: "weather Paris" },
      };
      server.enqueue(
        {
          type: "json",
          body: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            model: "claude",
            content: [searching],
            stop_reason: "pause_turn",
            usage: { input_tokens: 5, output_tokens: 3 },
          },
        },
        {
          type: "json",
          body: {
            id: "msg_2",
            type: "message",
            role: "assistant",
            model: "claude",
            content: [{ type: "text", text: "Rain." }],
            stop_reason: "end_turn",
            usage: { input_tokens: 9, output_tokens: 2 },
          },
        },
      );
      const run = await runTools(claude, { messages: ask, tools: [weather] });
      expect(run.stopReason).toBe("answered");
      expect(run.response.content).toBe("Rain.");
      expect(run.steps.map((step) => step.response.finishReason)).toEqual(["pause_turn", "stop"]);
      // The paused turn went back unchanged, as the last message of the second request.
      const second = server.requests[1]?.body as { messages: { role: string; content: unknown }[] };
      expect(second.messages.at(-1)).toEqual({ role: "assistant", content: [searching] });
      expect(run.usage.completionTokens).toBe(5);
    } finally {
      await claude.close();
    }
  });
});
