import { estimateCost } from "@loom/llm-providers";
import type { LLMResponse, Message } from "@loom/llm-types";
import type { CliArgs } from "./cli-args.js";
import { CliError, EXIT } from "./exit-codes.js";
import { resolveCliProvider, systemMessage } from "./resolve-cli-provider.js";

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** `loom-llm chat`: streams the answer to stdout, usage and cost to stderr. */
export async function chatCommand(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<void> {
  const prompt =
    args.positionals.length > 0 ? args.positionals.join(" ") : await readStdin(io.stdin);
  if (prompt.trim() === "")
    throw new CliError(
      'no prompt: loom-llm chat "your question" (or pipe it on stdin)',
      EXIT.usage,
    );
  const messages: Message[] = [];
  const system = systemMessage(args);
  if (system !== undefined) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: prompt });
  const { llm, stop } = await resolveCliProvider(args, io.env);
  const started = performance.now();
  try {
    let response: LLMResponse;
    if (args.stream) {
      const stream = llm.stream({ messages, signal });
      for await (const chunk of stream) io.stdout.write(chunk);
      response = await stream.response();
      io.stdout.write("\n");
    } else {
      response = await llm.call({ messages, signal });
      io.stdout.write(
        args.json ? `${JSON.stringify(response, null, 2)}\n` : `${response.content}\n`,
      );
    }
    io.stderr.write(`${usageLine(response, llm.name, (performance.now() - started) / 1000)}\n`);
  } finally {
    await llm.close();
    await stop();
  }
}

function usageLine(response: LLMResponse, provider: string, seconds: number): string {
  const u = response.usage;
  const tokens = u.reported
    ? `${u.promptTokens} prompt + ${u.completionTokens} completion tokens`
    : "usage not reported";
  const usd = response.costUsd ?? estimateCost(response.model, u)?.usd;
  const cost = usd === undefined ? "cost unknown" : `$${usd.toFixed(6)}`;
  return `[${provider} ${response.model}] ${tokens}, ${cost}, ${seconds.toFixed(1)} s`;
}

async function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  if (stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8").trim();
}
