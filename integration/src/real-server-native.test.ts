// Anthropic Messages and OpenAI Responses against a real server: the bundled llama.cpp
// `llama-server` serves `/v1/messages` and `/v1/responses` beside `/v1/chat/completions`
// (../shared/captures holds raw exchanges of both). The same agent, one config field apart.
import { LLMProvider, type LLMResponse, type ProtocolName, runTools } from "@loom/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, hasPeer, type Peer, startPeer, weather } from "./llama-peer.fixture.js";

if (!hasPeer)
  console.log(
    "native-protocol real-server tests skipped: no ../shared/peers/llama-server beside the repository",
  );

const PROTOCOLS: readonly ProtocolName[] = ["anthropic-messages", "openai-responses"];

// llama.cpp's `/v1/responses` says `status: "completed"` for an answer cut by
// `max_output_tokens` (OpenAI says `incomplete`), so the cut reads as a stop there.
const CUT: Readonly<Record<ProtocolName, string>> = {
  "openai-chat": "length",
  "anthropic-messages": "length",
  "openai-responses": "stop",
};

describe.runIf(hasPeer)("llama-server, native protocols", { timeout: 60_000 }, () => {
  let peer: Peer;
  const clients = new Map<ProtocolName, LLMProvider>();
  beforeAll(async () => {
    peer = await startPeer("tools");
    for (const protocol of [...PROTOCOLS, "openai-chat" as const]) {
      // The `llamacpp` preset, unchanged but for where the server is and the protocol.
      clients.set(
        protocol,
        LLMProvider.fromName({ env: {} }, "llamacpp", {
          baseUrl: peer.baseUrl,
          protocol,
          maxRetries: 0,
          telemetry: false,
        }),
      );
    }
  }, 90_000);
  afterAll(async () => {
    await Promise.all([...clients.values()].map((llm) => llm.close()));
    await peer?.stop();
  });
  const llm = (protocol: ProtocolName) => clients.get(protocol) as LLMProvider;

  describe.each(PROTOCOLS)("%s", (protocol) => {
    it("call: content, finish reason length, usage as reported, the turn kept natively", async () => {
      const res = await llm(protocol).call(ask);
      expect(res.content.length).toBeGreaterThan(0);
      expect(res.finishReason).toBe(CUT[protocol]);
      expect(res.model).toBe("tiny");
      expect(res.usage).toMatchObject({ completionTokens: 8, reported: true });
      expect(res.usage.promptTokens).toBeGreaterThan(0);
      expect(res.usage.totalTokens).toBe(res.usage.promptTokens + res.usage.completionTokens);
      expect(res.message.native?.protocol).toBe(protocol);
    });

    it("stream: the pieces make the content; usage and the finish reason from the last events", async () => {
      const stream = llm(protocol).stream(ask);
      const types = new Set<string>();
      let text = "";
      for await (const event of stream.events()) {
        types.add(event.type);
        if (event.type === "text") text += event.text;
      }
      const res = await stream.response();
      expect(res.content).toBe(text);
      expect(text.length).toBeGreaterThan(0);
      expect(res.finishReason).toBe(CUT[protocol]);
      expect(res.usage).toMatchObject({ completionTokens: 8, reported: true });
      expect([...types]).toEqual(expect.arrayContaining(["text", "usage", "finish", "response"]));
      const called = await llm(protocol).call(ask);
      // Greedy and seeded: the same answer either way.
      expect(res.content).toBe(called.content);
    });

    it("a forced tool call, called and streamed: the same call, valid arguments", async () => {
      const request = {
        messages: [{ role: "user" as const, content: "Weather in Paris?" }],
        tools: [weather],
        toolChoice: { name: "get_weather" },
        maxTokens: 128,
        temperature: 0,
      };
      const called = await llm(protocol).call(request);
      const stream = llm(protocol).stream(request);
      const events: string[] = [];
      for await (const event of stream.events()) events.push(event.type);
      const streamed = await stream.response();
      for (const res of [called, streamed]) {
        expect(res.finishReason).toBe("tool_calls");
        expect(res.toolCalls).toHaveLength(1);
        expect(res.toolCalls[0]?.name).toBe("get_weather");
        expect(res.toolCalls[0]?.error).toBeUndefined();
        expect(["Paris", "Rome"]).toContain(
          (res.toolCalls[0]?.arguments as { city?: string })?.city,
        );
        expect(res.toolCalls[0]?.id.length).toBeGreaterThan(8);
      }
      expect(streamed.toolCalls[0]?.arguments).toEqual(called.toolCalls[0]?.arguments);
      expect(events).toContain("tool-call-delta");
      expect(events).toContain("tool-call");
    });

    it("a tool result round trip with runTools: the native turn and the result go back", async () => {
      const seen: string[] = [];
      const result = await runTools(llm(protocol), {
        messages: [{ role: "user", content: "Weather in Rome?" }],
        tools: [
          {
            ...weather,
            execute: (args: unknown) => {
              seen.push((args as { city: string }).city);
              return { sky: "clear" };
            },
          },
        ],
        maxTokens: 128,
        temperature: 0,
        // Forced on every turn: the second call takes the first turn and its result back.
        toolChoice: { name: "get_weather" },
        maxIterations: 2,
      });
      expect(result.steps).toHaveLength(2);
      expect(["Paris", "Rome"]).toContain(seen[0]);
      expect(result.messages.map((m) => m.role)).toEqual([
        "user",
        "assistant",
        "tool",
        "assistant",
        "tool",
      ]);
      expect(result.messages[1]).toMatchObject({ native: { protocol } });
      expect(result.usage.reported).toBe(true);
    });

    it("a json_schema response format: the reply is parsed and validated", async () => {
      const res: LLMResponse = await llm(protocol).call({
        messages: [{ role: "user" as const, content: "Which city?" }],
        responseFormat: {
          type: "json_schema",
          schema: {
            type: "object",
            properties: { city: { type: "string", enum: ["Paris"] } },
            required: ["city"],
          },
        },
        maxTokens: 128,
        temperature: 0,
      });
      expect(res.parsed).toEqual({ city: "Paris" });
    });
  });

  it("one agent, three protocols: the same request and the same tool call on each", async () => {
    const request = {
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
      tools: [weather],
      toolChoice: { name: "get_weather" },
      maxTokens: 128,
      temperature: 0,
    };
    const names = await Promise.all(
      (["openai-chat", ...PROTOCOLS] as const).map(async (protocol) => {
        const res = await llm(protocol).call(request);
        return res.toolCalls[0]?.name;
      }),
    );
    expect(names).toEqual(["get_weather", "get_weather", "get_weather"]);
  });
});
