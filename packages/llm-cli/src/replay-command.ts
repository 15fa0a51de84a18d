import { estimateCost } from "@loom/llm-providers";
import type { Usage } from "@loom/llm-types";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { failureJson } from "./failure-json.js";
import { measuredRun } from "./measured-run.js";
import { parseTranscript } from "./recorded-turns.js";
import { resolveCliProvider, retryProgress } from "./resolve-cli-provider.js";
import { Spending, usd } from "./spending.js";
import { readInput, STDIN } from "./standard-input.js";
import { paintFor, showDiff } from "./terminal.js";
import { wordDiff } from "./word-diff.js";

type Json = Record<string, unknown>;

/**
 * `loom-llm replay transcript.jsonl --provider X` (`-`: the transcript on stdin): asks another
 * provider or model each request a conversation recorded with `@loom/llm-testing`'s recorder
 * made, turn by turn, and shows how the answers, tokens and cost differ from the recorded ones.
 * The transcript may hold chat completions, Anthropic Messages or OpenAI Responses: each turn is
 * read as portable messages, so the provider may speak any protocol. Ctrl-C stops it with what
 * the replay spent.
 */
export async function replayCommand(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<void> {
  const [path, ...extra] = args.positionals;
  if (path === undefined || extra.length > 0)
    throw new CliError(
      "usage: loom-llm replay TRANSCRIPT.jsonl --provider NAME [--model M] (- for stdin)",
      EXIT.usage,
    );
  const turns = parseTranscript(
    await readInput(path, io, "transcript"),
    path === STDIN ? "<stdin>" : path,
  );
  const provider = await resolveCliProvider(args, io.env, {}, retryProgress(args, io.stderr));
  const paint = paintFor(io.stdout, io.env);
  const results: Json[] = [];
  const recorded = new Spending();
  const replayed = new Spending();
  let at = 0;
  try {
    for (const [i, turn] of turns.entries()) {
      at = i;
      const run = await measuredRun(provider, turn.messages, { stream: false, signal });
      const then = turn.usage === undefined ? undefined : estimateCost(turn.model, turn.usage)?.usd;
      recorded.add(then);
      replayed.add(run.costUsd);
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
        `${paint.dim(`tokens ${tokens(turn.usage)} → ${tokens(now)}, cost ${cost(then)} → ${cost(run.costUsd)}`)}\n\n`,
      );
    }
  } catch (error) {
    // The turns replayed before it were paid for: a script gets them, and the turn that failed
    // in its place, before the exit status says it failed.
    if (args.json) {
      if (!signal.aborted) results.push({ turn: at + 1, error: failureJson(error) });
      io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    }
    // After Ctrl-C: what the replay itself spent, the turn it cut short included.
    replayed.fail(error, signal);
  } finally {
    await provider.llm.close();
    await provider.stop();
  }
  if (args.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  io.stderr.write(
    `${turns.length} turn${turns.length === 1 ? "" : "s"} replayed: recorded ${recorded.describe()}, replayed ${replayed.describe()}\n`,
  );
}

function tokens(usage: Pick<Usage, "promptTokens" | "completionTokens"> | undefined): string {
  return usage === undefined ? "?" : `${usage.promptTokens}+${usage.completionTokens}`;
}

/** One turn's cost after the word "cost": `$0.000123`, or `unknown`. */
function cost(costUsd: number | undefined): string {
  return costUsd === undefined ? "unknown" : usd(costUsd);
}
