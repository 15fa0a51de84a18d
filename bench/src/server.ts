// The benchmark's server, in its own process: every body precomputed, keep-alive, nothing
// decided per request but which body to send. Prints its port on stdout.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CALL_CONTENT, CALL_USAGE, piece, SCENARIOS, TOOL_NAME, toolPieces } from "./scenarios.ts";

const id = "chatcmpl-bench";
const chunk = (delta: object, finish: string | null = null, usage?: object) =>
  `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;

const callBody = Buffer.from(
  JSON.stringify({
    id,
    object: "chat.completion",
    created: 1,
    model: "bench",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: CALL_CONTENT },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: CALL_USAGE,
  }),
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
// A big stream goes out in a few large writes, as a fast server's would.
const stream1000 = Buffer.concat(textStream(chunksOf("stream-1000")));
const tools200 = Buffer.concat(toolStream(chunksOf("tools-200")));
const slow = textStream(chunksOf("mem-par-streams"));

const server = createServer({ keepAliveTimeout: 60_000, noDelay: true }, (req, res) => {
  const body: Buffer[] = [];
  req.on("data", (c: Buffer) => body.push(c));
  req.on("end", () => {
    const text = Buffer.concat(body).toString();
    const model = /"model":"([^"]+)"/.exec(text)?.[1];
    if (model === "call") {
      res.writeHead(200, { "content-type": "application/json", "content-length": callBody.length });
      res.end(callBody);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    if (model === "stream-1000") res.end(stream1000);
    else if (model === "tools-200") res.end(tools200);
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
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
