import { type CharacterForm, matchedLength } from "./character-form.js";

/** A place in the text and the character of the secret to spell there. */
export type SpellingState = readonly [at: number, index: number];

/** What spelling a secret from some places of a text finds. */
export interface Spellings {
  /** Where the longest spelling of the whole secret ends, or -1 when none does. */
  readonly end: number;
  /**
   * Where spellings ran out of text before the secret was whole: the place where each one's
   * unfinished character begins, to go on from once more text comes.
   */
  readonly open: readonly SpellingState[];
}

const NONE: readonly SpellingState[] = Object.freeze([]);
const NOTHING: Spellings = Object.freeze({ end: -1, open: NONE });

/**
 * Every way `characters` (a secret, each character in its written forms) is spelled in `text`
 * from a state on (`from` and `first`; `more` such states besides): where the longest whole
 * spelling ends (`SpelledPattern`), and where those that ran out of text stand
 * (`StreamingRedaction`, which holds such an end back until the next piece says).
 *
 * A loop, not a recursion (a secret may be thousands of characters long, a cookie), along one
 * way on at a time: a character with two complete forms at one place (a backslash's begin one
 * another) queues the other, and each place is visited once per character from then on, so a
 * run of backslashes costs no more than their number squared. The common call (a character
 * some form begins with, in ordinary text) follows one form a character or two and allocates
 * nothing.
 */
export function spell(
  text: string,
  from: number,
  first: number,
  characters: readonly (readonly CharacterForm[])[],
  more: readonly SpellingState[] = NONE,
): Spellings {
  let end = -1;
  let open: SpellingState[] | undefined;
  const width = characters.length + 1;
  let queue: SpellingState[] | undefined;
  // Places visited, kept once there is more than one way on. States to go on from are often
  // one another's continuations (an unfinished character, and where a shorter form of it
  // ends): each is spelled on from once, or a stream's pieces would multiply them.
  let seen: Set<number> | undefined;
  if (more.length > 0) {
    queue = [...more];
    seen = new Set([from * width + first, ...more.map(([at, index]) => at * width + index)]);
  }
  let at = from;
  let index = first;
  for (let queued = 0; ; ) {
    for (;;) {
      if (index === characters.length) {
        if (at > end) end = at;
        break;
      }
      if (at >= text.length) {
        open = opened(open, at, index);
        break;
      }
      let to = -1;
      let cutShort = false;
      for (const form of characters[index] ?? []) {
        const matched = matchedLength(text, at, form);
        if (matched === -1) continue;
        // The text ended inside this form: this character is unfinished here.
        if (matched < form.text.length) cutShort = true;
        else if (to === -1) to = at + matched;
        else {
          seen ??= new Set();
          const key = (at + matched) * width + index + 1;
          if (!seen.has(key)) {
            seen.add(key);
            queue ??= [];
            queue.push([at + matched, index + 1]);
          }
        }
      }
      if (cutShort) open = opened(open, at, index);
      if (to === -1) break;
      at = to;
      index++;
      if (seen !== undefined) {
        const key = at * width + index;
        if (seen.has(key)) break;
        seen.add(key);
      }
    }
    const next = queue?.[queued++];
    if (next === undefined)
      return end === -1 && open === undefined ? NOTHING : { end, open: open ?? NONE };
    [at, index] = next;
  }
}

/** `open` with the state (`at`, `index`) in it, once. */
function opened(open: SpellingState[] | undefined, at: number, index: number): SpellingState[] {
  if (open === undefined) return [[at, index]];
  if (!open.some((state) => state[0] === at && state[1] === index)) open.push([at, index]);
  return open;
}
