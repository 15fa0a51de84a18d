import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, resolve as resolvePath } from "node:path";
import type { Message } from "@loom/llm-types";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { CliError, EXIT } from "./exit-codes.js";
import { type MeasuredRun, measuredRun } from "./measured-run.js";
import { promptOf, systemOf } from "./prompt-source.js";
import { resolveCliProvider, retryProgress } from "./resolve-cli-provider.js";
import { Spending, usd } from "./spending.js";
import { STDIN } from "./standard-input.js";
import { paintFor, showDiff } from "./terminal.js";
import { ModelText } from "./terminal-safe.js";
import { wordDiff } from "./word-diff.js";

/**
 * `loom-llm chat`: streams the answer to stdout, usage and cost to stderr. With `--watch`,
 * runs again each time the prompt or system file is saved, showing what changed in the answer
 * and in its tokens and cost. Ctrl-C, mid-answer or between runs, ends it with what was spent.
 */
export async function chatCommand(args: CliArgs, io: CliIo, signal: AbortSignal): Promise<void> {
  // Standard input (`-`) is read once and never changes: there is nothing to watch there.
  const watched = [args.promptFile, args.systemFile].filter(
    (path): path is string => path !== undefined && path !== STDIN,
  );
  if (args.watch && watched.length === 0)
    throw new CliError(
      "--watch needs a --prompt-file or --system-file to watch (a file, not - for stdin)",
      EXIT.usage,
    );
  const provider = await resolveCliProvider(args, io.env, {}, retryProgress(args, io.stderr));
  const { llm, stop } = provider;
  const spending = new Spending();
  // The answer being written: on a failure, it is ended before the CLI says anything.
  let answer: ModelText | undefined;
  try {
    let previous: MeasuredRun | undefined;
    for (let runs = 0; ; runs++) {
      let messages: Message[];
      try {
        messages = await messagesOf(args, io);
      } catch (error) {
        // Saved mid-edit (a `{{variable}}` not given yet, a file being replaced): said, and
        // watched on; only the first run's input ends the session.
        if (!args.watch || runs === 0 || !(error instanceof CliError)) throw error;
        io.stderr.write(`loom-llm: ${error.message}; watching for the next save\n`);
        await savedAgain(watched, signal);
        continue;
      }
      const text = new ModelText(io.stdout, io.env);
      answer = text;
      const run = await measuredRun(provider, messages, {
        stream: args.stream,
        signal,
        onText: (piece) => text.write(piece),
      });
      spending.add(run.costUsd);
      if (!args.stream && !args.json) text.write(run.response.content);
      // Its colours reset before the CLI writes anything of its own.
      text.end();
      answer = undefined;
      if (!args.json) io.stdout.write("\n");
      // With --watch, one document a line (JSON Lines): a reader parses each run as it comes.
      else io.stdout.write(`${JSON.stringify(run.response, null, args.watch ? undefined : 2)}\n`);
      io.stderr.write(`${usageLine(run, llm.name)}\n`);
      if (!args.watch) return;
      // What changed is for a person: beside JSON lines, it goes to stderr.
      const shown = args.json ? io.stderr : io.stdout;
      if (previous !== undefined) shown.write(changes(previous, run, shown, io.env));
      previous = run;
      io.stderr.write(
        `watching ${watched.join(" and ")}; so far ${spending.spent()}; Ctrl-C to stop\n`,
      );
      await savedAgain(watched, signal);
    }
  } catch (error) {
    answer?.end();
    // An error mid-answer is said on a line of its own, as Ctrl-C is (which breaks the line on
    // stderr, before its own).
    if (!signal.aborted && answer?.started === true && !answer.endsLine) io.stdout.write("\n");
    // After Ctrl-C: what the session spent, the answer it cut short included.
    spending.fail(error, signal);
  } finally {
    await llm.close();
    await stop();
  }
}

/** The conversation of one run: the system message, then the prompt. */
async function messagesOf(args: CliArgs, io: CliIo): Promise<Message[]> {
  const messages: Message[] = [];
  const system = await systemOf(args, io);
  if (system !== undefined) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: await promptOf(args, io, args.positionals) });
  return messages;
}

/** What changed since the last run: the answer word by word, then tokens and cost. */
function changes(
  before: MeasuredRun,
  after: MeasuredRun,
  shown: CliIo["stdout"],
  env: CliIo["env"],
): string {
  const paint = paintFor(shown, env);
  const diff = showDiff(wordDiff(before.response.content, after.response.content), paint);
  const delta = (a: number, b: number) => `${b - a >= 0 ? "+" : ""}${b - a}`;
  const u = before.response.usage;
  const v = after.response.usage;
  const cost =
    before.costUsd !== undefined && after.costUsd !== undefined
      ? `, cost ${usd(before.costUsd)} → ${usd(after.costUsd)}`
      : "";
  return `${paint.bold("changed:")} ${diff}\n${paint.dim(`tokens ${u.promptTokens}+${u.completionTokens} → ${v.promptTokens}+${v.completionTokens} (prompt ${delta(u.promptTokens, v.promptTokens)}, completion ${delta(u.completionTokens, v.completionTokens)})${cost}`)}\n`;
}

/** Resolves when one of the files is saved (a burst of events counts once), or rejects on abort. */
function savedAgain(paths: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const watchers: FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      for (const watcher of watchers) watcher.close();
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    // Each file's folder is watched, for its name: an editor that saves by replacing the file
    // (or a file deleted and written again) is seen, where a watch on the file itself goes quiet.
    const folders = new Map<string, Set<string>>();
    for (const path of paths) {
      const folder = dirname(resolvePath(path));
      const names = folders.get(folder) ?? new Set<string>();
      names.add(basename(path));
      folders.set(folder, names);
    }
    for (const [folder, names] of folders) {
      watchers.push(
        watch(folder, (_event, name) => {
          if (name !== null && !names.has(String(name))) return;
          // Editors save in several writes: wait for them to settle.
          clearTimeout(timer);
          timer = setTimeout(() => {
            done();
            resolve();
          }, 100);
        }),
      );
    }
  });
}

function usageLine(run: MeasuredRun, provider: string): string {
  const u = run.response.usage;
  const tokens = u.reported
    ? `${u.promptTokens} prompt + ${u.completionTokens} completion tokens`
    : "usage not reported";
  const cost = run.costUsd === undefined ? "cost unknown" : usd(run.costUsd);
  return `[${provider} ${run.response.model}] ${tokens}, ${cost}, ${(run.totalMs / 1000).toFixed(1)} s`;
}
