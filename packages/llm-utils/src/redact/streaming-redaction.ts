import type { Pattern, SecretForms } from "./secret-forms.js";
import { type SpellingState, spell } from "./spellings.js";
import { StartCodes } from "./start-codes.js";

/**
 * What every streaming redaction of one redactor shares, made once (on its first stream): the
 * secrets' forms piece by piece, the characters a form can begin with, and how far back from
 * the end a form may begin and not be complete yet.
 */
export interface StreamingPlan {
  readonly forms: readonly SecretForms[];
  readonly patterns: readonly Pattern[];
  /** The characters any form of any secret may begin with: their UTF-16 code units. */
  readonly starts: StartCodes;
  readonly window: number;
}

/** The plan for a redactor's secrets (their forms) and patterns. */
export function streamingPlan(
  forms: readonly SecretForms[],
  patterns: readonly Pattern[],
): StreamingPlan {
  const starts = new Set<string>();
  let window = 0;
  for (const secret of forms) {
    for (const form of secret.characters[0] ?? []) starts.add(form.text.charAt(0));
    for (const core of secret.cores) starts.add(core.charAt(0));
    window = Math.max(window, secret.longest);
  }
  return {
    forms,
    patterns,
    starts: new StartCodes([...starts].map((char) => char.charCodeAt(0))),
    window,
  };
}

/**
 * Masks secrets in text that arrives in pieces, such as a streamed answer a hostile server
 * writes the key into: a secret split across two pieces is masked as if the text had come
 * whole. Each `push` returns what is safe to hand on, masked; an end that could still grow into
 * a secret (in any of its forms) is held until the next piece shows whether it does, and `end`
 * returns what is held. Joined, the pieces returned are exactly the whole text masked.
 *
 * The common piece holds no character a secret's form can begin with, and is returned as it
 * is: a streamed answer pays one character-class test per piece.
 */
export class StreamingRedaction {
  readonly #redact: (text: string) => string;
  readonly #plan: StreamingPlan;
  #held = "";
  /**
   * Where the held text stands, when all of it is the beginning of a secret's forms: the next
   * piece goes on from there (`#goOn`) rather than reading the held text again, so a long
   * secret arriving in many small pieces costs each piece its own length.
   */
  #progress: Progress | undefined;
  /** Made by the last `#beginsHere` at the start of the text, kept if the cut is there. */
  #found: Progress | undefined;

  constructor(redact: (text: string) => string, plan: StreamingPlan) {
    this.#redact = redact;
    this.#plan = plan;
  }

  /** The text safe to hand on after `piece`, masked ("" while all of it is held). */
  push(piece: string): string {
    if (this.#held === "" && !this.#plan.starts.anyIn(piece)) return piece;
    const progress = this.#progress;
    if (progress !== undefined) {
      const next = this.#goOn(progress, piece);
      if (next !== undefined) {
        // Still the beginning of a secret, all of it: held, never read whole (a string built
        // piece by piece is copied whole by the first read of a character of it).
        this.#held += piece;
        this.#progress = next;
        return "";
      }
    }
    const text = this.#held + piece;
    this.#found = undefined;
    const cut = this.#cut(text);
    if (cut === 0) {
      this.#held = text;
      this.#progress = this.#found;
      return "";
    }
    const safe = text.slice(0, cut);
    const masked = this.#redact(safe);
    if (masked === safe) {
      this.#held = text.slice(cut);
      this.#progress = undefined;
      return masked;
    }
    // A mask's visible end, with the text after it, may spell a form of a secret (its own hex
    // begun by "736b", the end of "sk-…736b"), which `redact` of the whole text masks in its
    // next pass: what of the masked text could begin one is held with the rest.
    const again = masked + text.slice(cut);
    this.#found = undefined;
    const held = this.#cut(again);
    this.#held = again.slice(held);
    this.#progress = held === 0 ? this.#found : undefined;
    return again.slice(0, held);
  }

  /** The text still held, masked: the stream ended, so it cannot grow into a secret any more. */
  end(): string {
    const rest = this.#held;
    this.#held = "";
    this.#progress = undefined;
    return rest === "" ? "" : this.#redact(rest);
  }

  /**
   * Where to cut `text`: before the earliest place a form of a secret begins without being
   * complete yet, and never inside a complete one (which `redact` must see whole).
   */
  #cut(text: string): number {
    const length = text.length;
    let cut = length;
    const { starts, window, patterns } = this.#plan;
    for (let i = Math.max(0, length - window); i < length; i++) {
      if (starts.has(text.charCodeAt(i)) && this.#beginsHere(text, i)) {
        cut = i;
        break;
      }
    }
    // Nothing held back: no match can cross the end of the text.
    if (cut === length) return cut;
    // A complete form crossing the cut begins before it (within a form's length) with a
    // character some form begins with: none there (digits before a held "7"), none crosses.
    let crossing = false;
    for (let i = Math.max(0, cut - window); i < cut && !crossing; i++)
      crossing = starts.has(text.charCodeAt(i));
    if (!crossing) return cut;
    // A complete form may begin before the cut and end after it: cut before it instead. Moving
    // the cut back can put it inside another match, so look again until it stays.
    for (let moved = true; moved; ) {
      moved = false;
      for (const { regex } of patterns) {
        regex.lastIndex = 0;
        for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
          // Overlapping matches too: `redact` masks a run of them as one.
          regex.lastIndex = match.index + 1;
          if (match.index >= cut) break;
          if (match.index + match[0].length > cut) {
            cut = match.index;
            moved = true;
            break;
          }
        }
      }
    }
    return cut;
  }

  /** Whether `text` from `at` to its end is the beginning, not the whole, of a secret's form. */
  #beginsHere(text: string, at: number): boolean {
    const rest = text.length - at;
    // What the next piece goes on from, if this is the start of the text and a beginning (most
    // calls are neither: an "s" in an answer, for a key "sk-…"), so made only then.
    let found: Progress | undefined;
    const forms = this.#plan.forms;
    for (let s = 0; s < forms.length; s++) {
      const secret = forms[s];
      if (secret === undefined) continue;
      const states = spell(text, at, 0, secret.characters).open;
      if (states.length > 0) {
        if (at !== 0) return true;
        found ??= newProgress(text.length);
      }
      for (const core of secret.cores) {
        if (rest < core.length && beginsWith(core, text, at)) {
          if (at !== 0) return true;
          found ??= newProgress(text.length);
          found.cores.add(core);
        }
      }
      if (found !== undefined) {
        while (found.spelled.length < s) found.spelled.push(NONE);
        found.spelled.push(states);
      }
    }
    if (found === undefined) return false;
    this.#found = settle(found, text);
    return true;
  }

  /**
   * Where the held text and `piece` stand, when the held text (`progress`) is the beginning of
   * a secret's forms: `undefined` once they are not (they differ, or hold a whole form, which
   * `#cut` then finds). Reads `piece` and the little of the held text an unfinished character
   * of the secret spans, never the whole of it.
   */
  #goOn(progress: Progress, piece: string): Progress | undefined {
    const length = progress.length + piece.length;
    const local = progress.tail + piece;
    const next = newProgress(length);
    let begins = false;
    const forms = this.#plan.forms;
    for (let s = 0; s < forms.length; s++) {
      const secret = forms[s];
      if (secret === undefined) continue;
      const [first, ...rest] = (progress.spelled[s] ?? NONE).map(
        ([at, index]): SpellingState => [at - progress.base, index],
      );
      const states =
        first === undefined
          ? NONE
          : spell(local, first[0], first[1], secret.characters, rest).open.map(
              ([at, index]): SpellingState => [at + progress.base, index],
            );
      if (states.length > 0) begins = true;
      next.spelled.push(states);
      for (const core of progress.cores) {
        // Whole now (or more): no beginning any more; else it goes on if the piece does.
        if (length < core.length && beginsWith(core, piece, -progress.length, progress.length)) {
          begins = true;
          next.cores.add(core);
        }
      }
    }
    return begins ? settle(next, local, progress.base) : undefined;
  }
}

/**
 * Where the held text stands in spelling each secret's forms: per secret (in the plan's order)
 * the states its spelling can go on from, none when the text is no beginning of it; the base64
 * and hex cores the text is the beginning of; and the end of the held text from the earliest
 * state on (`tail`, from `base`), which is all the next piece needs of it.
 */
interface Progress {
  /** The held text's length. */
  readonly length: number;
  readonly spelled: (readonly SpellingState[])[];
  readonly cores: Set<string>;
  base: number;
  tail: string;
}

function newProgress(length: number): Progress {
  return { length, spelled: [], cores: new Set(), base: length, tail: "" };
}

/** `progress` with the tail cut from `text` (which begins at `offset` of the held text). */
function settle(progress: Progress, text: string, offset = 0): Progress {
  let base = progress.length;
  for (const states of progress.spelled) for (const [at] of states) base = Math.min(base, at);
  progress.base = base;
  progress.tail = text.slice(base - offset);
  return progress;
}

/**
 * Whether `text` from `at` to its end is how `whole` begins (compared in place, no copy), its
 * first `from` characters known to agree already (`at` may then be negative: `text` is what
 * follows them).
 */
function beginsWith(whole: string, text: string, at: number, from = 0): boolean {
  for (let k = from; at + k < text.length; k++)
    if (whole.charCodeAt(k) !== text.charCodeAt(at + k)) return false;
  return true;
}

/** No state: the text is no beginning of the secret. */
const NONE: readonly SpellingState[] = Object.freeze([]);
