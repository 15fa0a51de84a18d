import type { TextPattern } from "./text-pattern.js";

/**
 * A long secret spelled character by character in any mix of its forms, searched for as a run
 * of regular expressions of a slice of its characters each: the first found anywhere, each next
 * one where the one before ended. One expression of them all would be tens of times the secret's
 * length, and V8 refuses to compile it (a key of about 6,000 characters or more), with the whole
 * pattern, the secret spelled out, in its error.
 *
 * Each slice is matched as its own expression would, and the run as a whole without going back
 * into a slice already matched: so no slice ends on a backslash (`secretForms`), the one
 * character whose bare form is the beginning of its other forms (`\\`, `\u005c`), which a slice
 * ending on it would match bare where the next slice needs the escape.
 */
export class ChainedPattern implements TextPattern {
  lastIndex = 0;
  readonly #first: RegExp;
  readonly #rest: readonly RegExp[];

  /** `sources`: the regular expression of each slice of the secret, in order. */
  constructor(sources: readonly string[]) {
    const [first = "", ...rest] = sources;
    this.#first = new RegExp(first, "g");
    this.#rest = rest.map((source) => new RegExp(source, "y"));
  }

  exec(text: string): { index: number; 0: string } | null {
    const first = this.#first;
    first.lastIndex = this.lastIndex;
    for (let match = first.exec(text); match !== null; match = first.exec(text)) {
      let end = match.index + match[0].length;
      for (const next of this.#rest) {
        next.lastIndex = end;
        const more = next.exec(text);
        if (more === null) {
          end = -1;
          break;
        }
        end += more[0].length;
      }
      if (end !== -1) {
        this.lastIndex = end;
        return { index: match.index, 0: text.slice(match.index, end) };
      }
      // Not the whole secret here: a copy may begin inside this one's first slice.
      first.lastIndex = match.index + 1;
    }
    this.lastIndex = 0;
    return null;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }
}
