import type { CharacterForm } from "./character-form.js";
import { spell } from "./spellings.js";
import type { TextPattern } from "./text-pattern.js";

/**
 * A secret spelled character by character, each character in any of its written forms (as is,
 * escaped, percent-encoded), found in two steps: a regular expression of its first few
 * characters finds where one may begin (natively, fast over text that holds none), and a
 * search that visits each place in the text once per character of the secret tells whether
 * all of it is spelled from there, and where the longest such spelling ends.
 *
 * One regular expression of the whole secret cannot do it: V8 refuses to compile one past
 * about 6,000 characters (with the secret spelled out in its error), one cut into slices
 * misses a match when a slice ends where forms begin one another (`%` and `%25`, `\` and
 * `\u005c`), and a backtracking engine takes exponential time on a run of characters whose
 * forms begin one another (a secret with ten backslashes, against a text of them).
 */
export class SpelledPattern implements TextPattern {
  lastIndex = 0;
  readonly #start: RegExp;
  readonly #characters: readonly (readonly CharacterForm[])[];

  /** `start`: the regular expression of the secret's first few characters. */
  constructor(characters: readonly (readonly CharacterForm[])[], start: string) {
    this.#characters = characters;
    this.#start = new RegExp(start, "g");
  }

  exec(text: string): { index: number; 0: string } | null {
    const start = this.#start;
    start.lastIndex = this.lastIndex;
    for (let match = start.exec(text); match !== null; match = start.exec(text)) {
      const { end } = spell(text, match.index, 0, this.#characters);
      if (end !== -1) {
        this.lastIndex = end;
        return { index: match.index, 0: text.slice(match.index, end) };
      }
      start.lastIndex = match.index + 1;
    }
    this.lastIndex = 0;
    return null;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }
}
