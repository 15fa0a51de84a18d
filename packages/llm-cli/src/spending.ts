import { CliError, EXIT } from "./exit-codes.js";
import { cutShortBy, InterruptedRun } from "./measured-run.js";

// What a session had spent when an error ended it mid-answer: said after the error's message.
const spentAt = new WeakMap<object, string>();

/** `spent …` for an error that ended an answer mid-way, or undefined. */
export function spentBefore(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? spentAt.get(error) : undefined;
}

/** `$0.000123`: what the CLI shows for an amount it knows. */
export function usd(amountUsd: number): string {
  return `$${amountUsd.toFixed(6)}`;
}

/**
 * What a session's answers cost, as far as it is known. An answer whose cost is unknown (no
 * price, no usage, or cut short by Ctrl-C before its usage arrived) is counted as unknown, never
 * as $0 (docs/cost.md): every command that sums costs says so through `describe()`, so they all
 * word it the same way.
 */
export class Spending {
  #knownUsd = 0;
  #answers = 0;
  #priced = 0;
  /** Finished answers of unknown cost. */
  #unknown = 0;
  #interrupted = 0;
  #interruptedUnknown = 0;
  /** Answers an error ended after some of their text was shown. */
  #failed = 0;
  #failedUnknown = 0;

  /** A finished answer; `costUsd` undefined when its cost is unknown. */
  add(costUsd: number | undefined): void {
    this.#answers++;
    if (costUsd === undefined) this.#unknown++;
    else this.#price(costUsd);
  }

  /** An answer cut short; its cost is known only when its usage had arrived. */
  addInterrupted(costUsd: number | undefined): void {
    this.#answers++;
    this.#interrupted++;
    if (costUsd === undefined) this.#interruptedUnknown++;
    else this.#price(costUsd);
  }

  /** An answer an error ended mid-way; its cost is known only when its usage had arrived. */
  addFailed(costUsd: number | undefined): void {
    this.#answers++;
    this.#failed++;
    if (costUsd === undefined) this.#failedUnknown++;
    else this.#price(costUsd);
  }

  /**
   * `$0.000120 on 3 answers (1 of unknown cost)`, `an unknown amount on 2 answers`,
   * `$0.000120 on 2 answers (1 interrupted, cost unknown)`, or `nothing`.
   */
  describe(): string {
    if (this.#answers === 0) return "nothing";
    const answers = `${this.#answers} answer${this.#answers === 1 ? "" : "s"}`;
    const notes: string[] = [];
    // With nothing known, "an unknown amount" already says every answer's cost is unknown.
    if (this.#priced > 0 && this.#unknown > 0) notes.push(`${this.#unknown} of unknown cost`);
    if (this.#interrupted > 0)
      notes.push(this.#cutNote(this.#interrupted, this.#interruptedUnknown, "interrupted"));
    if (this.#failed > 0)
      notes.push(this.#cutNote(this.#failed, this.#failedUnknown, "cut short by an error"));
    const amount = this.#priced > 0 ? usd(this.#knownUsd) : "an unknown amount";
    return `${amount} on ${answers}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
  }

  /** `spent …`: the line a command ends with, or writes when Ctrl-C stops it. */
  spent(): string {
    return `spent ${this.describe()}`;
  }

  /** The error a command ends with when Ctrl-C stopped it: exit 130, and what was spent. */
  interrupted(): CliError {
    return new CliError(`interrupted; ${this.spent()}`, EXIT.interrupted);
  }

  /**
   * A command's way out of a failure: after Ctrl-C, the answer it cut short is counted and the
   * command ends as interrupted, saying what was spent. Any other error goes on as it is; when it
   * ended an answer mid-way, that answer is counted and the error's line says what was spent.
   */
  fail(error: unknown, signal: AbortSignal): never {
    if (!signal.aborted) {
      const cut = cutShortBy(error);
      if (cut !== undefined && typeof error === "object" && error !== null) {
        this.addFailed(cut.costUsd);
        spentAt.set(error, this.spent());
      }
      throw error;
    }
    if (error instanceof InterruptedRun) this.addInterrupted(error.costUsd);
    throw this.interrupted();
  }

  #price(costUsd: number): void {
    this.#priced++;
    this.#knownUsd += costUsd;
  }

  #cutNote(count: number, unknown: number, how: string): string {
    const note = `${count} ${how}`;
    if (unknown === 0) return note;
    if (unknown === count) return `${note}, cost unknown`;
    return `${note}, ${unknown} of them of unknown cost`;
  }
}
