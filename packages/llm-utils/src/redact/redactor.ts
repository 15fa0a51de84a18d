import type { SecretMask, TextMasking } from "@loom/llm-types";
import { MIN_SECRET_LENGTH, type Pattern, secretForms } from "./secret-forms.js";
import { type StreamingPlan, StreamingRedaction, streamingPlan } from "./streaming-redaction.js";

/** Header names whose values are credentials more often than not (`authorization`, `x-api-key`, `*-token`, …). */
export const CREDENTIAL_HEADER: RegExp =
  /authorization|cookie|key|token|secret|password|signature/i;

/** Query parameters whose values are credentials (`?api-key=…`, Azure; `?key=…`, Google). */
export const CREDENTIAL_PARAM: RegExp =
  /(^|[-_.])(key|apikey|token|auth|sig|signature|secret|password|code)$/i;

/**
 * Masks a set of secrets in any text, in every form a server or a library may give them back:
 * as is, JSON-escaped (`\u0073`, `\/`), URL-encoded (`%73`), any mix of those character by
 * character, and base64 (at any alignment, as in `Basic` credentials). The one place secrets
 * are masked: errors, their `raw` and `body`, their causes, and what telemetry records.
 */
export class Redactor implements SecretMask {
  /** The secrets, longest first. */
  readonly #secrets: readonly string[];
  readonly #patterns: readonly Pattern[];
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
    this.#patterns = this.#secrets.flatMap((secret) => secretForms(secret).patterns);
  }

  /** Whether there is anything to mask. */
  get empty(): boolean {
    return this.#patterns.length === 0;
  }

  /** `text` with every secret masked (`sk-…cdef` for the key itself, `…` for its encodings). */
  redact(text: string): string {
    let out = text;
    for (const { regex, mask } of this.#patterns) {
      regex.lastIndex = 0;
      if (regex.test(out)) {
        regex.lastIndex = 0;
        out = out.replace(regex, mask);
      }
    }
    return out;
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
   * Masks secrets in an error in place, down its `cause` chain: `message`, `stack`, and the
   * `raw` and `body` that Loom's errors carry. Returns the same error.
   */
  redactError<T>(error: T): T {
    if (this.empty) return error;
    let current: unknown = error;
    for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
      const target = current as Record<string, unknown>;
      // Every string field, own or not: `message` and `stack`, `raw`, undici's `data` (a parser
      // error's raw bytes), and whatever a runtime adds (Bun's fetch errors carry the whole
      // URL, query credentials included, in `path`).
      for (const field of stringFields(target)) {
        const value = readField(target, field);
        if (typeof value === "string") rewrite(target, field, this.redact(value));
      }
      const body = target.body;
      if (body !== undefined) rewrite(target, "body", this.redactValue(body));
      const errors = target.errors;
      if (Array.isArray(errors)) for (const inner of errors) this.redactError(inner);
      current = target.cause;
    }
    return error;
  }
}

/** The fields of an error whose strings are masked: its own, and the inherited ones errors show. */
function stringFields(target: object): Set<string> {
  const fields = new Set<string>(["message", "stack", "raw", "data"]);
  for (const name of Object.getOwnPropertyNames(target)) fields.add(name);
  fields.delete("body");
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

/** How deep `redactValue` walks: server bodies nest a few levels, not hundreds. */
const MAX_VALUE_DEPTH = 32;

function rewrite(target: Record<string, unknown>, field: string, value: unknown): void {
  if (target[field] === value) return;
  try {
    // Own fields of errors are writable; `readonly` is a TypeScript promise only.
    Object.defineProperty(target, field, { value, writable: true, configurable: true });
  } catch {
    // A frozen object keeps its field: nothing Loom builds is frozen.
  }
}
