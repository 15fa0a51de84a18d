import type { z as Z } from "zod";
import { headerProblems } from "../header-problems.js";
import { redactUrl } from "../redact/redact-url.js";
import { showValue as show, showGot } from "../show-value.js";
import { CONFIG_DEFAULTS, type LLMConfig, type LLMConfigInput } from "./llm-config.js";

/** A URL as it may appear in a message: credentials masked, the rest as written. */
function showUrl(value: string): string {
  const text = JSON.stringify(redactUrl(value));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The longest wait Node's timers can hold: a longer one silently fires after 1 ms (a stream
 * idle limit of days would time every stream out at once).
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** A number option's bounds. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/**
 * The ranges of the options a request may set as well as the config: one table, read by the
 * schema here and by `requestProblems` for each call.
 */
export const OPTION_RANGES: Readonly<
  Record<"temperature" | "topP" | "maxTokens" | "maxRetries" | "timeoutMs" | "n", OptionRange>
> = Object.freeze({
  temperature: { min: 0, max: 2, integer: false },
  topP: { min: 0, max: 1, integer: false },
  maxTokens: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  maxRetries: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  timeoutMs: { min: 1, max: MAX_TIMER_MS, integer: true },
  // OpenAI's bound for `n`.
  n: { min: 1, max: 128, integer: true },
});

export const LOOPBACK_HOSTS: RegExp = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

type Zod = typeof Z;

/**
 * The zod schema of an `LLMConfig`, with its defaults and every message `parseConfig` gives,
 * built from the zod it is handed: `parseConfig` needs it only for a config that fails its
 * plain-code check, so zod is not loaded to make a provider from a good config.
 */
export function buildConfigSchema(z: Zod): Z.ZodType<LLMConfig, LLMConfigInput> {
  return schemaOf(z);
}

/** The schema with its full type, for the checks below. */
function schemaOf(z: Zod) {
  const number = (what: string) =>
    z.number({ error: (issue) => `must be ${what}, got ${showGot(issue.input)}` });

  const between = (min: number, max: number) =>
    number(`a number between ${min} and ${max}`).refine((v) => v >= min && v <= max, {
      error: (issue) => `must be between ${min} and ${max}, got ${showGot(issue.input)}`,
    });

  const integer = (min: 0 | 1) => {
    const what = min === 0 ? "a non-negative integer" : "a positive integer";
    return number(what).refine((v) => Number.isInteger(v) && v >= min, {
      error: (issue) => `must be ${what}, got ${showGot(issue.input)}`,
    });
  };

  const milliseconds = (min: 0 | 1) =>
    integer(min).refine((v) => v <= MAX_TIMER_MS, {
      error: (issue) =>
        `must be at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${showGot(issue.input)}`,
    });

  const flag = z.boolean({ error: (issue) => `must be true or false, got ${show(issue.input)}` });

  const text = (what: string) =>
    z
      .string({ error: (issue) => `must be ${what}, got ${show(issue.input)}` })
      .refine((v) => v.trim().length > 0, { error: `must be ${what}, got an empty string` });

  const headers = z
    .record(z.string(), z.string({ error: "header values must be strings" }), {
      error: "must be an object of header names to string values",
    })
    .superRefine((record, ctx) => {
      for (const [name, value] of Object.entries(record)) {
        for (const message of headerProblems(name, value))
          ctx.addIssue({ code: "custom", path: [name], message });
      }
    });

  const baseUrl = z
    .string({ error: (issue) => `must be an http(s) URL, got ${show(issue.input)}` })
    .transform((value, ctx) => {
      let url: URL | undefined;
      try {
        url = new URL(value);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        // Quoted with its credentials masked: `ftp://user:key@host` must not print the key, and
        // something that is no URL at all may be a key pasted into the wrong field.
        const urlish = value.includes("://") || (value.length < 24 && /[/:.]/.test(value));
        const shown = urlish ? showUrl(value) : `${show(value)} (not a URL)`;
        ctx.addIssue({ code: "custom", message: `must be an http(s) URL, got ${shown}` });
        return z.NEVER;
      }
      if (url.username || url.password) {
        ctx.addIssue({
          code: "custom",
          message: "must not contain credentials; use apiKey or headers",
        });
        return z.NEVER;
      }
      // `${baseUrl}/chat/completions` must not produce `//`.
      return value.replace(/\/+$/, "");
    });

  const schema = z
    .strictObject({
      baseUrl,
      model: text("a model name"),
      // Never echo the value: this is the secret.
      apiKey: z
        .string({ error: "must be a string" })
        // A key copied with its line break (`$(cat key.txt)`, a `.env` with CRLF) is that key:
        // HTTP would drop the whitespace around a header value anyway.
        .trim()
        .refine((v) => v.length > 0, { error: "must not be empty; omit it instead" })
        // The key travels in the Authorization header: the same characters are forbidden, and a
        // space would split the Bearer token.
        .superRefine((value, ctx) => {
          for (const message of headerProblems("authorization", value))
            ctx.addIssue({ code: "custom", message: message.replace("header values", "the key") });
          // Line breaks and other controls are named by the header check above.
          if (/[ \t]/.test(value))
            ctx.addIssue({ code: "custom", message: "the key must not contain spaces" });
        })
        .optional(),
      // Never echoed: a key pasted here by mistake is still a key.
      apiKeyEnv: z
        .string({ error: "must be the name of an environment variable" })
        .refine((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v), {
          error:
            "must be the name of an environment variable (letters, digits and _), such as DEEPSEEK_API_KEY; the key itself belongs in that variable",
        })
        .optional(),
      provider: text("a provider name").default(CONFIG_DEFAULTS.provider),
      temperature: between(OPTION_RANGES.temperature.min, OPTION_RANGES.temperature.max).optional(),
      maxTokens: integer(1).optional(),
      topP: between(OPTION_RANGES.topP.min, OPTION_RANGES.topP.max).optional(),
      headers: headers.default({}),
      timeoutMs: milliseconds(1).default(CONFIG_DEFAULTS.timeoutMs),
      streamIdleTimeoutMs: milliseconds(1).default(CONFIG_DEFAULTS.streamIdleTimeoutMs),
      maxRetries: integer(0).default(CONFIG_DEFAULTS.maxRetries),
      maxRetryDelayMs: milliseconds(0).default(CONFIG_DEFAULTS.maxRetryDelayMs),
      maxConcurrency: integer(1).optional(),
      rateLimit: z
        .strictObject(
          {
            requestsPerMinute: integer(1).optional(),
            tokensPerMinute: integer(1).optional(),
          },
          { error: (issue) => `must be an object of limits, got ${show(issue.input)}` },
        )
        .optional(),
      // No default: a fixed cap would hold the 65th of 500 agents' streams behind a whole stream.
      maxConnections: integer(1).optional(),
      maxResponseBytes: integer(1).default(CONFIG_DEFAULTS.maxResponseBytes),
      streamUsage: flag.default(CONFIG_DEFAULTS.streamUsage),
      enforcesResponseFormat: flag.default(CONFIG_DEFAULTS.enforcesResponseFormat),
      allowInsecureHttp: flag.default(CONFIG_DEFAULTS.allowInsecureHttp),
    })
    .superRefine((config, ctx) => {
      if (config.apiKey === undefined || config.allowInsecureHttp) return;
      const url = new URL(config.baseUrl);
      if (url.protocol === "http:" && !LOOPBACK_HOSTS.test(url.hostname)) {
        ctx.addIssue({
          code: "custom",
          path: ["baseUrl"],
          message: `refusing to send the API key over plain http:// to ${url.host}; use https:// or set allowInsecureHttp: true`,
        });
      }
    });
  return schema;
}

type Schema = ReturnType<typeof schemaOf>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The interfaces are written out for their docs; these fail the build if they drift from the schema.
true satisfies Same<Z.output<Schema>, LLMConfig>;
true satisfies Same<Z.input<Schema>, LLMConfigInput>;

/** The keys of the schema, in its order: `CONFIG_KEYS` is checked against them in a test. */
export function schemaKeys(z: Zod): string[] {
  return Object.keys(schemaOf(z).shape);
}
