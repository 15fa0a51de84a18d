import type { SecretMask, TextMasking } from "@loom/llm-types";
import { MIN_SECRET_LENGTH, type Pattern, secretForms } from "./secret-forms.js";
import { type StreamingPlan, StreamingRedaction, streamingPlan } from "./streaming-redaction.js";

/**
 * Header names whose values are credentials more often than not (`authorization`, `x-api-key`,
 * `*-token`, gateways' `helicone-auth` and `x-gw-auth`, …).
 */
export const CREDENTIAL_HEADER: RegExp = /auth|cookie|key|token|secret|password|signature/i;

/** Query parameters whose values are credentials (`?api-key=…`, Azure; `?key=…`, Google). */
export const CREDENTIAL_PARAM: RegExp =
  /(^|[-_.])(key|apikey|token|auth|sig|signature|secret|password|code)$/i;

/**
 * Masks a set of secrets in any text, in every form a server or a library may give them back:
 * as is, JSON-escaped (`\u0073`, `\/`), URL-encoded (`%73`), any mix of those character by
 * character, base64 (at any alignment, as in `Basic` credentials) and hex. The one place secrets
 * are masked: errors, their `raw` and `body`, their causes, and what telemetry records.
 */
export class Redactor implements SecretMask {
  /** The secrets, longest first. */
  readonly #secrets: readonly string[];
  readonly #patterns: readonly Pattern[];
  /**
   * The length of the shortest text any pattern matches: a secret as is (each of its
   * characters' other forms is longer) or a base64 core. Shorter text (a finish reason, a short
   * model name, an id) holds no secret and is not searched.
   */
  readonly #shortest: number;
  /** Made on the first stream: a client that only calls keeps no per-character forms. */
  #plan: StreamingPlan | undefined;
  readonly #redactText = (text: string): string => this.redact(text);

  constructor(secrets: Iterable<string | undefined>) {
    const unique = new Set<string>();
    for (const given of secrets) {
      // Servers see a header value without the spaces around it, and echo it so.
      const secret = given?.trim();
      if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) unique.add(secret);
      // "Bearer sk-…" also hides "sk-…" itself.
      const token = secret?.replace(/^(bearer|basic|token)\s+/i, "");
      if (token !== undefined && token !== secret && token.length >= MIN_SECRET_LENGTH)
        unique.add(token);
    }
    // Longest first, so a secret containing another is masked whole.
    this.#secrets = [...unique].sort((a, b) => b.length - a.length);
    const forms = this.#secrets.map(secretForms);
    this.#patterns = forms.flatMap((form) => form.patterns);
    let shortest = Number.POSITIVE_INFINITY;
    for (const secret of this.#secrets) shortest = Math.min(shortest, secret.length);
    for (const form of forms)
      for (const core of form.cores) shortest = Math.min(shortest, core.length);
    this.#shortest = shortest;
  }

  /** Whether there is anything to mask. */
  get empty(): boolean {
    return this.#patterns.length === 0;
  }

  /** `text` with every secret masked (`sk-…cdef` for the key itself, `…` for its encodings). */
  redact(text: string): string {
    if (text.length < this.#shortest) return text;
    // Again until nothing matches, for a form of one secret that masking another makes whole;
    // each mask is shorter than what it hides, so every pass that masks shortens: this ends.
    for (let out = text; ; ) {
      const masked = maskRuns(out, this.#patterns);
      if (masked === out) return out;
      out = masked;
    }
  }

  /**
   * A redaction for text that arrives in pieces (a streamed answer): each piece is handed on
   * masked, except an end that could be the beginning of a secret, which is held until the
   * next piece says. What it hands on, joined, is `redact` of the whole text.
   */
  streaming(): TextMasking {
    this.#plan ??= streamingPlan(this.#secrets.map(secretForms), this.#patterns);
    return new StreamingRedaction(this.#redactText, this.#plan);
  }

  /**
   * A parsed value (an error body) with every string in it masked, keys included, walked as
   * values rather than as JSON text: a secret the server wrote with escapes (`\/`, `\u0067`)
   * inside a string is matched as written, where re-serialising would escape it a second time.
   * Returns the value itself when nothing changed, else a copy; past `MAX_VALUE_DEPTH` levels a
   * branch is replaced by a note rather than kept unmasked.
   */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.redact(value);
    if (typeof value !== "object" || value === null) return value;
    if (depth >= MAX_VALUE_DEPTH) return "(nested too deep to show)";
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((item, i) => {
        const masked = this.redactValue(item, depth + 1);
        if (masked === item) return;
        out ??= [...value];
        out[i] = masked;
      });
      return out ?? value;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const maskedKey = this.redact(key);
      const masked = this.redactValue(item, depth + 1);
      if (maskedKey !== key || masked !== item) changed = true;
      out[maskedKey] = masked;
    }
    return changed ? out : value;
  }

  /**
   * Masks secrets in an error in place, down its `cause` chain and into the `errors` of an
   * `AggregateError`: every string field, own or inherited (`message`, `stack`, `raw`, undici's
   * `data`, and whatever a runtime adds: Bun's fetch errors carry the whole URL, query
   * credentials included, in `path`), and every field holding plain data (`body`, headers, a
   * request's options) or a `URL`, walked as `redactValue` walks. Never throws, whatever the
   * error (getters that throw, proxies, loops): an error is what it is called on the way out.
   * Returns the same error.
   */
  redactError<T>(error: T): T {
    if (this.empty) return error;
    this.#redactErrors(error, new Set(), 0);
    return error;
  }

  #redactErrors(error: unknown, seen: Set<object>, depth: number): void {
    let current = error;
    for (let links = 0; links < 8 && typeof current === "object" && current !== null; links++) {
      // An error met again (a cause loop, an aggregate holding itself) was masked already.
      if (seen.has(current) || seen.size >= MAX_ERRORS) return;
      seen.add(current);
      const target = current as Record<string, unknown>;
      try {
        for (const field of ownFields(target)) {
          const value = readField(target, field);
          if (typeof value === "string") rewrite(target, field, this.redact(value));
          else if (value instanceof URL) {
            const masked = this.redact(value.href);
            if (masked !== value.href) rewrite(target, field, masked);
          } else if (isPlainData(value)) rewrite(target, field, this.redactValue(value));
        }
        const errors = readField(target, "errors");
        if (Array.isArray(errors) && depth < MAX_AGGREGATE_DEPTH)
          for (const inner of errors) this.#redactErrors(inner, seen, depth + 1);
      } catch {
        // A proxy whose traps throw, an object that cannot be read: what could be masked was.
      }
      current = readField(target, "cause");
    }
  }
}

/** How many errors one `redactError` visits at most (an aggregate of aggregates…). */
const MAX_ERRORS = 1_000;
/** How deep `AggregateError`s nest before the rest is left as it is. */
const MAX_AGGREGATE_DEPTH = 16;

/** The fields of an error whose values are masked: its own, and the inherited ones errors show. */
function ownFields(target: object): Set<string> {
  const fields = new Set<string>(["message", "stack", "raw", "data"]);
  for (const name of Object.getOwnPropertyNames(target)) fields.add(name);
  fields.delete("errors");
  fields.delete("cause");
  return fields;
}

/** A field's value; a getter that throws reads as nothing. */
function readField(target: Record<string, unknown>, field: string): unknown {
  try {
    return target[field];
  } catch {
    return undefined;
  }
}

/** Plain objects and arrays: data to walk (class instances, sockets and the like are not). */
function isPlainData(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How deep `redactValue` walks: server bodies nest a few levels, not hundreds. */
const MAX_VALUE_DEPTH = 32;

function rewrite(target: Record<string, unknown>, field: string, value: unknown): void {
  if (readField(target, field) === value) return;
  try {
    // Own fields of errors are writable (`readonly` is a TypeScript promise only), some not
    // configurable (Bun's fetch errors' `path`): assigned first, defined when that did not take
    // (an inherited accessor, a read-only field).
    target[field] = value;
    if (target[field] === value) return;
  } catch {
    // Read-only in strict mode: defined below.
  }
  try {
    Object.defineProperty(target, field, { value, writable: true, configurable: true });
  } catch {
    // A frozen object keeps its field: nothing Loom builds is frozen.
  }
}

/**
 * `text` with each run of matches masked by one mask: the matches of every pattern, overlapping
 * ones included, and each run of them that overlap one another as one. Masked one after the
 * other, the first would take the start of the next and leave the rest of it visible: copies of
 * a key run into each other ("sk-live-12345sk-live-12345s" shown as "…345sk-live-12345s"), or
 * two secrets sharing a character ("pass-1234X" and "Xtoken-…": "pass-1234…ghij"). A run shows
 * the mask of the match it ends with (the longest, of those ending there).
 */
function maskRuns(text: string, patterns: readonly Pattern[]): string {
  let matches: [start: number, end: number, mask: string][] | undefined;
  // Indexed: every answer's text passes here, and an iterator's objects are not free in V8's
  // first optimising tier.
  for (let i = 0; i < patterns.length; i++) {
    const { regex, mask } = patterns[i] as Pattern;
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      matches ??= [];
      matches.push([match.index, match.index + match[0].length, mask]);
      // A global search skips a match that begins inside the one before: look from the next.
      regex.lastIndex = match.index + 1;
    }
  }
  if (matches === undefined) return text;
  matches.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = "";
  let written = 0;
  let [start, end, mask] = matches[0] ?? [0, 0, ""];
  for (const [from, to, shown] of matches) {
    if (from < end) {
      if (to > end) {
        end = to;
        mask = shown;
      }
      continue;
    }
    out += text.slice(written, start) + mask;
    written = end;
    [start, end, mask] = [from, to, shown];
  }
  return out + text.slice(written, start) + mask + text.slice(end);
}
