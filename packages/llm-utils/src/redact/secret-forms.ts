import type { CharacterForm } from "./character-form.js";
import { LiteralPattern } from "./literal-pattern.js";
import { redactSecret } from "./redact-secret.js";
import { SpelledPattern } from "./spelled-pattern.js";
import type { TextPattern } from "./text-pattern.js";

/** Secrets shorter than this are not searched for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/**
 * How many of a secret's first characters the regular expression that finds where it may begin
 * spells (`SpelledPattern`): enough to pass over ordinary text natively, few enough that a
 * backtracking engine stays quick on characters whose forms begin one another.
 */
const START = 4;

/**
 * The longest secret spelled by one regular expression when no character of it has forms that
 * begin one another (no backslash, no percent sign): then at most one form of each character
 * matches at a place, the engine never backtracks far, and it runs natively, several times as
 * fast as `SpelledPattern` over text full of near misses ("sksksk…" for a key "sksk-…"). API
 * keys and tokens are such secrets; past this length V8 may refuse the expression.
 */
const ONE_EXPRESSION = 1_000;

/** A search for one written form of a secret, and what replaces a match. */
export interface Pattern {
  readonly regex: TextPattern;
  readonly mask: string;
}

/**
 * Every form in which a secret may come back: one pattern for the secret written character by
 * character in any mix of encodings, one per base64 core (the part of a base64 encoding that
 * does not depend on the bytes around the secret), and its bytes in hex. `characters` and
 * `cores` describe the same forms piece by piece, for `StreamingRedaction`, which must tell
 * whether the end of a text could be the beginning of a secret before the rest has arrived.
 */
export interface SecretForms {
  readonly patterns: readonly Pattern[];
  /** Per character of the secret, every way it may be written. */
  readonly characters: readonly (readonly CharacterForm[])[];
  /** The base64 cores and the hex forms, matched as they are. */
  readonly cores: readonly string[];
  /** The longest text any one form of the secret can take. */
  readonly longest: number;
}

export function secretForms(secret: string): SecretForms {
  const spellings = [...secret].map(spellingOf);
  const characters = spellings.map((spelling) => spelling.forms);
  const regex =
    characters.length <= ONE_EXPRESSION && !/[\\%]/.test(secret)
      ? new RegExp(spellings.map((spelling) => spelling.pattern).join(""), "g")
      : new SpelledPattern(
          characters,
          spellings
            .slice(0, START)
            .map((spelling) => spelling.pattern)
            .join(""),
        );
  const patterns: Pattern[] = [{ regex, mask: redactSecret(secret) }];
  const bytes = UTF8.encode(secret);
  const binary = binaryString(bytes);
  const cores = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    // The secret after `offset` other bytes (zeros: the characters they touch are cut below).
    const encoded = btoa("\0".repeat(offset) + binary);
    // Characters that depend on the unknown bytes around the secret are left out.
    const total = offset + bytes.length;
    const core = encoded.slice(offset > 0 ? 4 : 0, total % 3 === 0 ? encoded.length : -4);
    if (core.length >= MIN_SECRET_LENGTH) {
      cores.add(core);
      cores.add(core.replaceAll("+", "-").replaceAll("/", "_"));
    }
  }
  // Hex of the bytes (a debug dump, a hash input echoed back), in either case: two digits per
  // byte, so no alignment to leave out. Matched whole, as a core is.
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  cores.add(hex);
  cores.add(hex.toUpperCase());
  for (const core of cores) patterns.push({ regex: new LiteralPattern(core), mask: "…" });
  let longest = 0;
  for (const spelling of spellings) longest += spelling.longest;
  for (const core of cores) longest = Math.max(longest, core.length);
  return { patterns, characters, cores: [...cores], longest };
}

/** One character of a secret: every way it may be written, and those as a regular expression. */
interface Spelling {
  readonly forms: readonly CharacterForm[];
  readonly pattern: string;
  /** The length of the longest form. */
  readonly longest: number;
}

/**
 * The spellings of the ASCII characters met so far, by code: they depend on the character
 * alone, and building them was four fifths of making a client (a fleet of 1,000 clients made
 * them again for every character of every key). Single characters, not secrets.
 */
const asciiSpellings: (Spelling | undefined)[] = new Array<Spelling | undefined>(0x80).fill(
  undefined,
);

/** `char`: one code point (a lone surrogate alone), as `[...secret]` splits a secret. */
function spellingOf(char: string): Spelling {
  // Below 0x80: one ASCII character (a surrogate, alone or in a pair, is 0xd800 or more).
  const code = char.charCodeAt(0);
  let spelling = code < 0x80 ? asciiSpellings[code] : undefined;
  if (spelling !== undefined) return spelling;
  const forms = characterForms(char);
  let longest = 0;
  for (const form of forms) longest = Math.max(longest, form.text.length);
  spelling = { forms, pattern: characterPattern(forms), longest };
  if (code < 0x80) asciiSpellings[code] = spelling;
  return spelling;
}

/** One character of a secret, as is, JSON-escaped (once or twice) or percent-encoded. */
function characterForms(char: string): CharacterForm[] {
  const forms: CharacterForm[] = [{ text: char, hex: false }];
  // `\u` escapes: of the character, or of each half of its surrogate pair outside the BMP (as
  // JSON encoders that write ASCII only do, Python's `json.dumps` among them).
  let escaped = "";
  for (let unit = 0; unit < char.length; unit++)
    escaped += `\\u${char.charCodeAt(unit).toString(16).padStart(4, "0")}`;
  forms.push({ text: escaped, hex: true });
  // Escaped again: a JSON text quoted inside another (an error body quoting the body it got).
  forms.push({ text: escaped.replaceAll("\\u", "\\\\u"), hex: true });
  // `\/` (PHP's and others' JSON), and that escaped again: `\\/`.
  if (char === "/") forms.push({ text: "\\/", hex: false }, { text: "\\\\/", hex: false });
  if (char === '"' || char === "\\") {
    forms.push({ text: `\\${char}`, hex: false });
    // And escaped twice: `\\\"` and `\\\\`.
    forms.push({ text: `\\\\\\${char}`, hex: false });
  }
  const utf8 = UTF8.encode(char);
  forms.push({
    text: [...utf8].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join(""),
    hex: true,
  });
  return forms;
}

/** The forms of one character as a regular expression (hex digits in either case). */
function characterPattern(forms: readonly CharacterForm[]): string {
  const alternatives = forms.map((form) =>
    form.hex
      ? [...form.text]
          .map((c) => (/[a-f]/.test(c) ? `[${c}${c.toUpperCase()}]` : escapeRegExp(c)))
          .join("")
      : escapeRegExp(form.text),
  );
  return `(?:${alternatives.join("|")})`;
}

// Web APIs rather than Buffer: this package does no I/O and imports nothing from Node.
const UTF8 = new TextEncoder();

/**
 * One character per byte: what `btoa` encodes. Built in a loop: spread into one call, a secret of
 * 130,000 bytes or more overflows the stack.
 */
function binaryString(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
