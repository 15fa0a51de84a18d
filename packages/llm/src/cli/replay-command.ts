import { readFileSync } from "node:fs";
import { estimateCost } from "@loom/llm-providers";
import type { Message, ToolCall, Usage } from "@loom/llm-types";
import type { CliIo } from "./chat-command.js";
import type { CliArgs } from "./cli-args.js";
import { CliError, EXIT } from "./exit-codes.js";
import { measuredRun, usd } from "./measured-run.js";
import { resolveCliProvider } from "./resolve-cli-provider.js";
import { paintFor, showDiff } from "./terminal.js";
import { wordDiff } from "./word-diff.js";

type Json = Record<string, unknown>;

/** A recorded turn: what was asked, and what was answered then. */
interface RecordedTurn {
  messages: Message[];
  model: string;
  answer: string;
  usage: { promptTokens: number; completionTokens: number } | undefined;
}

/**
 * `loom-llm replay transcript.jsonl --provider X`: asks another provider or model each request
 * a conversation recorded with `@loom/llm-testing`'s recorder made, turn by turn, and shows how
 * the answers, tokens and cost differ from the recorded ones.
 */
export async function replayCommand(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<void> {
  const [path, ...extra] = args.positionals;
  if (path === undefined || extra.length > 0)
    throw new CliError(
      "usage: loom-llm replay TRANSCRIPT.jsonl --provider NAME [--model M]",
      EXIT.usage,
    );
  const turns = readTurns(path);
  const { llm, stop } = await resolveCliProvider(args, io.env);
  const paint = paintFor(io.stdout, io.env);
  const results: Json[] = [];
  let recordedUsd = 0;
  let replayedUsd = 0;
  try {
    for (const [i, turn] of turns.entries()) {
      const run = await measuredRun(llm, turn.messages, { stream: false, signal });
      const then = turn.usage === undefined ? undefined : estimateCost(turn.model, turn.usage)?.usd;
      recordedUsd += then ?? 0;
      replayedUsd += run.costUsd ?? 0;
      const now = run.response.usage;
      if (args.json) {
        results.push({
          turn: i + 1,
          recorded: { model: turn.model, content: turn.answer, usage: turn.usage, costUsd: then },
          replayed: {
            model: run.response.model,
            content: run.response.content,
            usage: { promptTokens: now.promptTokens, completionTokens: now.completionTokens },
            costUsd: run.costUsd,
            totalMs: run.totalMs,
          },
        });
        continue;
      }
      io.stdout.write(
        `${paint.bold(`── turn ${i + 1} of ${turns.length} ──`)} ${paint.dim(`${turn.model} → ${run.response.model}`)}\n`,
      );
      io.stdout.write(`${showDiff(wordDiff(turn.answer, run.response.content), paint)}\n`);
      io.stdout.write(
        `${paint.dim(`tokens ${tokens(turn.usage)} → ${tokens(now)}, cost ${usd(then)} → ${usd(run.costUsd)}`)}\n\n`,
      );
    }
  } finally {
    await llm.close();
    await stop();
  }
  if (args.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  io.stderr.write(
    `${turns.length} turns replayed: recorded ${usd(recordedUsd)}, replayed ${usd(replayedUsd)}\n`,
  );
}

function tokens(usage: Pick<Usage, "promptTokens" | "completionTokens"> | undefined): string {
  return usage === undefined ? "?" : `${usage.promptTokens}+${usage.completionTokens}`;
}

/** The chat-completion requests of a transcript, with their recorded answers. */
function readTurns(path: string): RecordedTurn[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
  const turns: RecordedTurn[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let entry: { request?: { path?: string; body?: Json }; response?: { body?: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      throw new CliError(
        `${path}:${i + 1}: not a transcript line (JSON Lines from the recorder)`,
        EXIT.usage,
      );
    }
    const body = entry.request?.body;
    if (!entry.request?.path?.endsWith("/chat/completions") || !Array.isArray(body?.messages))
      continue;
    const answer = answerOf(entry.response?.body ?? "");
    turns.push({
      messages: (body.messages as Json[]).map(messageOf),
      model: typeof body.model === "string" ? body.model : "?",
      answer: answer.content,
      usage: answer.usage,
    });
  }
  if (turns.length === 0) throw new CliError(`${path}: no chat completions recorded`, EXIT.usage);
  return turns;
}

/** A recorded wire message as the client's own. */
function messageOf(wire: Json): Message {
  const content = wire.content;
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content.map((p) => (p as Json)?.text ?? "").join("")
        : "";
  switch (wire.role) {
    case "system":
      return { role: "system", content: text };
    case "assistant": {
      const calls = Array.isArray(wire.tool_calls) ? (wire.tool_calls as Json[]) : [];
      const toolCalls: ToolCall[] = calls.map((call) => {
        const fn = (call.function ?? {}) as Json;
        const raw = typeof fn.arguments === "string" ? fn.arguments : "{}";
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = undefined;
        }
        return {
          id: String(call.id ?? ""),
          name: String(fn.name ?? ""),
          arguments: parsed,
          rawArguments: raw,
        };
      });
      return toolCalls.length > 0
        ? { role: "assistant", content: text, toolCalls }
        : { role: "assistant", content: text };
    }
    case "tool":
      return { role: "tool", toolCallId: String(wire.tool_call_id ?? ""), content: text };
    default:
      return { role: "user", content: text };
  }
}

/** The recorded answer: a completion body, or the text of a stream's chunks. */
function answerOf(body: string): {
  content: string;
  usage: { promptTokens: number; completionTokens: number } | undefined;
} {
  const usageOf = (u: unknown) =>
    typeof u === "object" && u !== null
      ? {
          promptTokens: Number((u as Json).prompt_tokens) || 0,
          completionTokens: Number((u as Json).completion_tokens) || 0,
        }
      : undefined;
  try {
    const json = JSON.parse(body) as Json;
    const message = ((json.choices as Json[] | undefined)?.[0]?.message ?? {}) as Json;
    return {
      content: typeof message.content === "string" ? message.content : "",
      usage: usageOf(json.usage),
    };
  } catch {
    // A stream: its `data:` lines, each a chunk.
  }
  let content = "";
  let usage: ReturnType<typeof usageOf>;
  for (const line of body.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") continue;
    try {
      const chunk = JSON.parse(data) as Json;
      const delta = ((chunk.choices as Json[] | undefined)?.[0]?.delta ?? {}) as Json;
      if (typeof delta.content === "string") content += delta.content;
      usage = usageOf(chunk.usage) ?? usage;
    } catch {
      // A line that is not JSON adds nothing.
    }
  }
  return { content, usage };
}
