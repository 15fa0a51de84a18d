import { constants } from "node:fs";
import { access, appendFile, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Message } from "@loom/llm-types";
import type { Redactor } from "@loom/llm-utils";
import type { PlaygroundEvent } from "./run-contenders.js";

type Done = Extract<PlaygroundEvent, { type: "done" }>;

/**
 * The playground's runs, kept as JSON Lines in the format of `@loom/llm-testing`'s recorder,
 * so `loom-llm replay FILE --provider X` asks them again of another provider: one line per
 * answer, a chat-completions exchange (the messages asked, the answer with its usage), and a
 * `playground` field with the run's number, the contender, its timings and cost. Lines are
 * appended in order, one at a time; a file that cannot be written is said once, and the
 * playground goes on without it. Masked like everything the page gets.
 */
export class RunHistory {
  readonly #path: string | undefined;
  readonly #warn: (message: string) => void;
  #written: Promise<void> = Promise.resolve();
  #failed = false;
  #runs = 0;
  /** The file's last line has no line break (cut by a crash, edited by hand): one comes first. */
  #unterminated = false;

  constructor(path: string | undefined, warn: (message: string) => void) {
    this.#path = path;
    this.#warn = warn;
  }

  /**
   * Reads what the file holds before the first run: runs are numbered on from its last, a last
   * line without its line break gets one before the next (else the two lines would be one that
   * `replay` cannot read), and a file that cannot be written is said now, not after the first
   * answer.
   */
  async open(): Promise<void> {
    const path = this.#path;
    if (path === undefined) return;
    let text: string | undefined;
    try {
      const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      });
      if (found?.isDirectory()) throw new Error("it is a directory");
      await access(found === undefined ? dirname(path) : path, constants.W_OK);
      if (found !== undefined) text = await readFile(path, "utf8");
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (text === undefined || text === "") return;
    this.#unterminated = !text.endsWith("\n");
    this.#runs = lastRun(text);
  }

  /** The next run's number: one past the last the file or this session numbered. */
  nextRun(): number {
    this.#runs += 1;
    return this.#runs;
  }

  /**
   * Appends one answer of run `run`, masked by `redactor`; resolves once it is written (or
   * could not be).
   */
  record(
    run: number,
    label: string,
    messages: readonly Message[],
    done: Done,
    redactor: Redactor,
  ): Promise<void> {
    const path = this.#path;
    if (path === undefined || this.#failed) return this.#written;
    const completion = {
      object: "chat.completion",
      model: done.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: done.content },
          finish_reason: done.finishReason,
        },
      ],
      usage: { prompt_tokens: done.promptTokens, completion_tokens: done.completionTokens },
    };
    const line = redactor.redactValue({
      request: {
        method: "POST",
        path: "/v1/chat/completions",
        body: { model: done.model, messages: messages.map(wireMessage) },
      },
      response: { status: 200, body: JSON.stringify(completion) },
      playground: {
        run,
        contender: label,
        ttftMs: done.ttftMs,
        totalMs: done.totalMs,
        costUsd: done.costUsd,
        at: new Date().toISOString(),
      },
    });
    const text = `${JSON.stringify(line)}\n`;
    this.#written = this.#written.then(async () => {
      try {
        await appendFile(path, this.#unterminated ? `\n${text}` : text);
        this.#unterminated = false;
      } catch (error) {
        this.#fail(error);
      }
    });
    return this.#written;
  }

  /** Writes already queued fail alike: said once, and the playground goes on without the file. */
  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#warn(
      `the run history cannot be written to ${this.#path} (${(error as Error).message}); runs are kept in the page only`,
    );
  }
}

/** The highest run number of the file's lines that say one (other lines are not counted). */
function lastRun(text: string): number {
  let last = 0;
  for (const line of text.split("\n")) {
    if (!line.includes('"playground"')) continue;
    try {
      const run = (JSON.parse(line) as { playground?: { run?: unknown } }).playground?.run;
      if (Number.isSafeInteger(run) && (run as number) > last) last = run as number;
    } catch {
      // A line cut short or edited: not a run.
    }
  }
  return last;
}

/**
 * A message as chat completions write it, which is what a transcript holds and `replay` reads:
 * an assistant's tool calls as `tool_calls`, a tool result's call as `tool_call_id`.
 */
function wireMessage(message: Message): Record<string, unknown> {
  const wire: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.role === "assistant" && message.toolCalls !== undefined)
    wire.tool_calls = message.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: {
        name: call.name,
        arguments: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
      },
    }));
  if (message.role === "tool") wire.tool_call_id = message.toolCallId;
  return wire;
}
