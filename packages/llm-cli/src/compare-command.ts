import type { Message } from "@loom/llm-types";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { InterruptedRun, type MeasuredRun, measuredRun } from "./measured-run.js";
import { promptOf, systemOf } from "./prompt-source.js";
import {
  baseUrlHost,
  type CliTarget,
  resolveCliProvider,
  retryProgress,
} from "./resolve-cli-provider.js";
import { Spending, usd } from "./spending.js";
import { paintFor, table } from "./terminal.js";
import { oneLine, shownAnswer } from "./terminal-safe.js";

/** One provider and model of a comparison, and its runs. */
interface Contender {
  label: string;
  target: CliTarget;
  runs: MeasuredRun[];
  error?: string;
}

/**
 * `loom-llm compare PROMPT --provider a,b,c` (or `--model m1,m2` on one provider): every
 * contender answers the same prompt at once; each answer is printed in its own section as it
 * completes (progress on stderr, on a terminal), then one table: time to first token, total
 * time, tokens in and out, cost, finish reason. `--runs N` repeats and reports the median with
 * the range; `--json` prints everything as JSON. Ctrl-C stops every stream and prints what
 * was spent.
 */
export async function compareCommand(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<void> {
  const contenders = contendersOf(args);
  const messages: Message[] = [];
  const system = await systemOf(args, io);
  if (system !== undefined) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: await promptOf(args, io, args.positionals) });
  const paint = paintFor(io.stdout, io.env);
  const progress = paintFor(io.stderr, io.env);
  const live = io.stderr.isTTY === true;
  // The answers Ctrl-C cut short, each with its cost when its usage had arrived.
  const interrupted: (number | undefined)[] = [];
  for (let round = 0; round < args.runs && !signal.aborted; round++) {
    // Every contender settles before the round ends, so on Ctrl-C each stream in flight is
    // counted, not only the first to fail.
    await Promise.all(
      contenders.map(async (contender) => {
        if (contender.error !== undefined) return;
        const provider = await resolveCliProvider(
          args,
          io.env,
          contender.target,
          retryProgress(args, io.stderr, contender.label),
        );
        try {
          if (live) io.stderr.write(progress.dim(`${contender.label}: asking…\n`));
          const run = await measuredRun(provider, messages, { stream: true, signal });
          contender.runs.push(run);
          if (live)
            io.stderr.write(
              progress.dim(
                `${contender.label}: ${run.response.usage.completionTokens} tokens in ${(run.totalMs / 1000).toFixed(1)} s\n`,
              ),
            );
          // The first round's answers, each in its own section as it completes.
          if (round === 0 && !args.json)
            io.stdout.write(
              `${paint.bold(`── ${contender.label} ──`)}\n${shownAnswer(run.response.content, io.stdout, io.env)}\n\n`,
            );
        } catch (error) {
          if (error instanceof InterruptedRun) interrupted.push(error.costUsd);
          else if (!signal.aborted) {
            // One line: what a server said cannot add lines to the table's story.
            contender.error = oneLine(
              error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            );
            if (!args.json)
              io.stdout.write(
                `${paint.bold(`── ${contender.label} ──`)}\n${paint.red(paint.plain(contender.error))}\n\n`,
              );
          }
        } finally {
          await provider.llm.close();
          await provider.stop();
        }
      }),
    );
  }
  const spending = spendingOf(contenders);
  if (signal.aborted) {
    for (const costUsd of interrupted) spending.addInterrupted(costUsd);
    throw spending.interrupted();
  }
  if (args.json) {
    io.stdout.write(`${JSON.stringify(contenders.map(asJson), null, 2)}\n`);
  } else {
    io.stdout.write(`${summary(contenders, args.runs)}\n`);
  }
  io.stderr.write(`${spending.spent()}\n`);
  // Any failure is the exit status's to say, the table printed all the same: a script must tell
  // a full comparison from one a provider dropped out of.
  const failed = contenders.filter((c) => c.error !== undefined).length;
  if (failed === contenders.length) throw new CliError("every contender failed", EXIT.api);
  if (failed > 0)
    throw new CliError(`${failed} of ${contenders.length} contenders failed`, EXIT.api);
}

/** Who competes: several providers (each with `--model`), or several models of one provider. */
function contendersOf(args: CliArgs): Contender[] {
  const providers = list(args.provider);
  const models = list(args.model);
  if (providers.length > 1 && models.length > 1)
    throw new CliError("compare several providers or several models, not both", EXIT.usage);
  const targets: CliTarget[] =
    providers.length > 1
      ? providers.map((provider) => ({ provider, model: models[0] }))
      : models.length > 1
        ? models.map((model) => ({ provider: providers[0], model }))
        : [];
  if (targets.length < 2)
    throw new CliError(
      "compare needs two or more: --provider a,b (each with its own model) or --model m1,m2 on one provider",
      EXIT.usage,
    );
  return targets.map((target) => ({
    label: [target.provider ?? serverOf(args), target.model].filter(Boolean).join(" · "),
    target,
    runs: [],
  }));
}

/** The server a contender is named after: the offline fake, `--base-url`'s host, or the default. */
function serverOf(args: CliArgs): string {
  if (args.offline) return "offline";
  return args.baseUrl === undefined ? "default" : baseUrlHost(args.baseUrl);
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** A figure over the runs: the one value, or the median with the range. */
function over(values: readonly (number | undefined)[], show: (n: number) => string): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return "unknown";
  const low = show(Math.min(...known));
  const high = show(Math.max(...known));
  if (low === high) return low;
  return `${show(median(known))} (${low}–${high})`;
}

function summary(contenders: readonly Contender[], runs: number): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const rows = [
    [
      "provider · model",
      "first token",
      "total",
      "tokens in",
      "tokens out",
      "cost",
      "finish",
      ...(runs > 1 ? ["runs"] : []),
    ],
  ];
  for (const c of contenders) {
    if (c.error !== undefined && c.runs.length === 0) {
      rows.push([c.label, "failed", "", "", "", "", "", ...(runs > 1 ? ["0"] : [])]);
      continue;
    }
    const usage = c.runs.map((r) => r.response.usage);
    rows.push([
      c.runs[0]?.response.model && c.label.includes(c.runs[0].response.model)
        ? c.label
        : `${c.label} (${c.runs[0]?.response.model ?? "?"})`,
      over(
        c.runs.map((r) => r.ttftMs),
        ms,
      ),
      over(
        c.runs.map((r) => r.totalMs),
        ms,
      ),
      over(
        usage.map((u) => (u.reported ? u.promptTokens : undefined)),
        String,
      ),
      over(
        usage.map((u) => (u.reported ? u.completionTokens : undefined)),
        String,
      ),
      over(
        c.runs.map((r) => r.costUsd),
        (n) => usd(n),
      ),
      [...new Set(c.runs.map((r) => r.response.finishReason ?? "none"))].join(", "),
      ...(runs > 1 ? [String(c.runs.length)] : []),
    ]);
  }
  return table(rows);
}

/** What every finished answer cost, as far as it is known. */
function spendingOf(contenders: readonly Contender[]): Spending {
  const spending = new Spending();
  for (const run of contenders.flatMap((c) => c.runs)) spending.add(run.costUsd);
  return spending;
}

function asJson(c: Contender) {
  return {
    label: c.label,
    provider: c.target.provider,
    model: c.runs[0]?.response.model ?? c.target.model,
    error: c.error,
    runs: c.runs.map((r) => ({
      ttftMs: r.ttftMs,
      totalMs: r.totalMs,
      promptTokens: r.response.usage.promptTokens,
      completionTokens: r.response.usage.completionTokens,
      usageReported: r.response.usage.reported,
      costUsd: r.costUsd,
      finishReason: r.response.finishReason,
      content: r.response.content,
    })),
  };
}
