// The benchmark's server, in its own process: every body precomputed, keep-alive, nothing
// decided per request but which body to send. Prints its port on stdout.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  AGENT_ANSWER,
  AGENT_STEPS,
  CALL_CONTENT,
  CALL_USAGE,
  piece,
  SCENARIOS,
  TOOL_NAME,
  toolPieces,
} from "./scenarios.ts";

const id = "chatcmpl-bench";
const chunk = (delta: object, finish: string | null = null, usage?: object) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;

const completion = (message: object, finish: string, usage: object) =>
  Buffer.from(
    JSON.stringify({
      id,
      object: "chat.completion",
      created: 1,
      model: "bench",
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage,
    }),
  );

const callBody = completion({ role: "assistant", content: CALL_CONTENT }, "stop", CALL_USAGE);

/** The agent's turn after `step` earlier turns: two tool calls, or the answer at the end. */
const agentBodies = Array.from({ length: AGENT_STEPS }, (_, step) =>
  step === AGENT_STEPS - 1
    ? completion({ role: "assistant", content: AGENT_ANSWER }, "stop", CALL_USAGE)
    : completion(
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: `call_${step}_a`,
              type: "function",
              function: { name: "lookup", arguments: JSON.stringify({ query: `q${step}` }) },
            },
            {
              id: `call_${step}_b`,
              type: "function",
              function: { name: "clock", arguments: "{}" },
            },
          ],
        },
        "tool_calls",
        CALL_USAGE,
      ),
);

function textStream(count: number): Buffer[] {
  const parts = [chunk({ role: "assistant", content: "" })];
  for (let i = 0; i < count; i++) parts.push(chunk({ content: piece(i) }));
  parts.push(
    chunk({}, "stop"),
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: "bench", choices: [], usage: { prompt_tokens: 14, completion_tokens: count, total_tokens: 14 + count } })}\n\n`,
    "data: [DONE]\n\n",
  );
  return parts.map((p) => Buffer.from(p));
}

function toolStream(count: number): Buffer[] {
  const parts = [
    chunk({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          index: 0,
          id: "call_bench",
          type: "function",
          function: { name: TOOL_NAME, arguments: "" },
        },
      ],
    }),
  ];
  for (const args of toolPieces(count))
    parts.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }));
  parts.push(
    chunk({}, "tool_calls"),
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: "bench", choices: [], usage: { prompt_tokens: 30, completion_tokens: count, total_tokens: 30 + count } })}\n\n`,
    "data: [DONE]\n\n",
  );
  return parts.map((p) => Buffer.from(p));
}

const chunksOf = (name: string) => SCENARIOS.find((s) => s.name === name)?.chunks ?? 0;
const stream1000 = textStream(chunksOf("stream-1000"));
const tools200 = toolStream(chunksOf("tools-200"));
// A proxy that buffers sends the same stream in a few large writes.
const stream1000Batched = Buffer.concat(stream1000);
const tools200Batched = Buffer.concat(tools200);
const slow = textStream(chunksOf("par-500-streams"));

/**
 * One SSE event per write, a turn of the event loop apart, as a server flushing each token
 * sends them: each arrives in a read of its own, not batched with the next.
 */
async function perEvent(res: ServerResponse, events: readonly Buffer[]): Promise<void> {
  for (const event of events) {
    if (res.destroyed) return;
    res.write(event);
    await nextTurn();
  }
  res.end();
}

/**
 * Each SSE event an HTTP chunk of its own (a write each, chunked encoding), all written in one
 * go: the client, behind, reads many chunks at a time, and its HTTP parser hands the body one
 * small buffer per event, as a server flushing per token looks to a client under load.
 */
function allAtOnce(res: ServerResponse, events: readonly Buffer[]): void {
  for (const event of events) res.write(event);
  res.end();
}

const server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, (req, res) => {
  const body: Buffer[] = [];
  req.on("data", (c: Buffer) => body.push(c));
  req.on("end", () => {
    const text = Buffer.concat(body).toString();
    const model = /"model":"([^"]+)"/.exec(text)?.[1];
    if (model === "call" || model === "agent") {
      // The agent's step is the number of tool results it sent back, two per earlier turn.
      const reply =
        model === "call"
          ? callBody
          : (agentBodies[Math.min(text.split('"role":"tool"').length - 1, 2 * AGENT_STEPS) / 2] ??
            callBody);
      res.writeHead(200, { "content-type": "application/json", "content-length": reply.length });
      res.end(reply);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    if (model === "stream-1000") void perEvent(res, stream1000);
    else if (model === "tools-200") void perEvent(res, tools200);
    else if (model === "stream-1000-batched") res.end(stream1000Batched);
    else if (model === "tools-200-batched") res.end(tools200Batched);
    else if (model === "stream-1000-chunked") allAtOnce(res, stream1000);
    else if (model === "tools-200-chunked") allAtOnce(res, tools200);
    else if (model === "slow-stream") {
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(slow[i++]);
        if (i === slow.length) {
          clearInterval(timer);
          res.end();
        }
      }, 50);
    } else res.end(`data: {"error":{"message":"unknown model ${model}"}}\n\n`);
  });
});
// Started by the benchmark with an IPC channel (start-server.ts): gone with it.
if (process.send !== undefined) process.on("disconnect", () => process.exit(0));
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
