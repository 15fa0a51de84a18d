import { appendFile } from "node:fs/promises";
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
  readonly #redactor: Redactor;
  readonly #warn: (message: string) => void;
  #written: Promise<void> = Promise.resolve();
  #failed = false;
  #runs = 0;

  constructor(path: string | undefined, redactor: Redactor, warn: (message: string) => void) {
    this.#path = path;
    this.#redactor = redactor;
    this.#warn = warn;
  }

  /** The next run's number, from 1. */
  nextRun(): number {
    this.#runs += 1;
    return this.#runs;
  }

  /** Appends one answer of run `run`; resolves once it is written (or could not be). */
  record(run: number, label: string, messages: readonly Message[], done: Done): Promise<void> {
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
    const line = this.#redactor.redactValue({
      request: {
        method: "POST",
        path: "/v1/chat/completions",
        body: { model: done.model, messages },
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
    this.#written = this.#written.then(() =>
      appendFile(path, `${JSON.stringify(line)}\n`).catch((error: unknown) => {
        this.#failed = true;
        this.#warn(
          `the run history cannot be written to ${path} (${(error as Error).message}); runs are kept in the page only`,
        );
      }),
    );
    return this.#written;
  }
}
