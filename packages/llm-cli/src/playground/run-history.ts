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
  readonly #warn: (message: string) => void;
  #written: Promise<void> = Promise.resolve();
  #failed = false;
  #runs = 0;

  constructor(path: string | undefined, warn: (message: string) => void) {
    this.#path = path;
    this.#warn = warn;
  }

  /** The next run's number, from 1. */
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
    this.#written = this.#written.then(() =>
      appendFile(path, `${JSON.stringify(line)}\n`).catch((error: unknown) => {
        // Writes already queued fail alike: said once.
        if (this.#failed) return;
        this.#failed = true;
        this.#warn(
          `the run history cannot be written to ${path} (${(error as Error).message}); runs are kept in the page only`,
        );
      }),
    );
    return this.#written;
  }
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
