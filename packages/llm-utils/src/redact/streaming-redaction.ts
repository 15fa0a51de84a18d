import type { CharacterForm, Pattern, SecretForms } from "./secret-forms.js";
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

  constructor(redact: (text: string) => string, plan: StreamingPlan) {
    this.#redact = redact;
    this.#plan = plan;
  }

  /** The text safe to hand on after `piece`, masked ("" while all of it is held). */
  push(piece: string): string {
    if (this.#held === "" && !this.#plan.starts.anyIn(piece)) return piece;
    const text = this.#held + piece;
    const cut = this.#cut(text);
    this.#held = text.slice(cut);
    return cut === 0 ? "" : this.#redact(text.slice(0, cut));
  }

  /** The text still held, masked: the stream ended, so it cannot grow into a secret any more. */
  end(): string {
    const rest = this.#held;
    this.#held = "";
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
    for (const secret of this.#plan.forms) {
      if (beginsSpelled(text, at, secret.characters, 0)) return true;
      for (const core of secret.cores) {
        if (rest < core.length && beginsWith(core, text, at)) return true;
      }
    }
    return false;
  }
}

/** Whether `text` from `at` to its end is how `whole` begins (compared in place, no copy). */
function beginsWith(whole: string, text: string, at: number): boolean {
  for (let k = 0; at + k < text.length; k++)
    if (whole.charCodeAt(k) !== text.charCodeAt(at + k)) return false;
  return true;
}

/**
 * Whether `text` from `at` runs out while spelling `characters` from `index` on: each character
 * written in one of its forms, the last one possibly cut short. A search with a stack of its
 * own, not a recursion, as a secret may be thousands of characters long (a cookie).
 */
function beginsSpelled(
  text: string,
  from: number,
  characters: readonly (readonly CharacterForm[])[],
  index: number,
): boolean {
  // Places in the text, each with the character of the secret to spell there.
  const places = [from];
  const indices = [index];
  for (let place = places.pop(); place !== undefined; place = places.pop()) {
    let at = place;
    let i = indices.pop() ?? 0;
    // Along one spelling; a character with several complete forms here leaves the others for later.
    for (;;) {
      if (at >= text.length) {
        if (i < characters.length) return true;
        break;
      }
      if (i >= characters.length) break;
      let next = -1;
      for (const form of characters[i] ?? []) {
        const matched = matchedLength(text, at, form);
        if (matched === -1) continue;
        // The text ended inside this form: a secret may be arriving.
        if (matched < form.text.length) return true;
        if (next === -1) next = at + matched;
        else {
          places.push(at + matched);
          indices.push(i + 1);
        }
      }
      if (next === -1) break;
      at = next;
      i++;
    }
  }
  return false;
}

/**
 * How many characters of `form` the text at `at` agrees with: the whole form, fewer when the
 * text ends first, or -1 when it differs.
 */
function matchedLength(text: string, at: number, form: CharacterForm): number {
  const expected = form.text;
  const length = Math.min(expected.length, text.length - at);
  for (let k = 0; k < length; k++) {
    const wanted = expected.charCodeAt(k);
    let got = text.charCodeAt(at + k);
    // Hex digits of an escape match in either case (`%2F` and `%2f`, `\u00E9` and `\u00e9`).
    if (form.hex && wanted >= 0x61 && wanted <= 0x66 && got >= 0x41 && got <= 0x46) got += 0x20;
    if (got !== wanted) return -1;
  }
  return length;
}
