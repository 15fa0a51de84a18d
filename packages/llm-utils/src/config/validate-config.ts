import type { ConfigIssue, LLMConfig } from "@loom/llm-types";
import { headerProblems } from "../checks/header-problems.js";
import { redactUrl } from "../redact/redact-url.js";
import { closestName } from "../text/closest-name.js";
import { showGot, showValue } from "../text/show-value.js";
import {
  CONFIG_RULES,
  insecureKeyProblem,
  type KeyRule,
  keyHeaderProblem,
  type NumberRule,
  type ValueRule,
} from "./config-rules.js";

/** A config checked: with its defaults when it is valid, else every problem it has. */
export type ConfigCheck =
  | { readonly config: LLMConfig; readonly issues?: undefined }
  | { readonly config?: undefined; readonly issues: readonly ConfigIssue[] };

const RULES = Object.entries(CONFIG_RULES) as [string, KeyRule][];
const KEYS: readonly string[] = RULES.map(([key]) => key);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a check returns for a value it refused (after saying why). */
const BAD: unique symbol = Symbol("bad");

/** Says why the value at `path` is refused. */
function refuse(issues: ConfigIssue[], path: string, message: string): typeof BAD {
  issues.push({ path, message });
  return BAD;
}

/**
 * Checks a config by the rules of `config-rules.ts`, in plain code: the config with every
 * default filled in, or every issue at once (`temperature: must be between 0 and 2, got 3`,
 * `temprature: unknown key (did you mean "temperature"?)`, `model: is required`), keys in the
 * rules' order, unknown keys after them. Never throws; never echoes a key.
 */
export function validateConfig(input: unknown): ConfigCheck {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const message = `must be an object of config keys ({ baseUrl, model, ... }), got ${showValue(input)}`;
    return { issues: [{ path: "", message }] };
  }
  const given = input as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, rule] of RULES) {
    // Read by name, as the key of a config made by `hideSecrets` is not enumerable.
    const value = given[key];
    if (value === undefined) {
      if (rule.required) issues.push({ path: key, message: "is required" });
      else if (rule.default !== undefined)
        config[key] = typeof rule.default === "object" ? { ...rule.default } : rule.default;
      continue;
    }
    const checked = checkValue(rule, value, key, issues);
    if (checked !== BAD) config[key] = checked;
  }
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(CONFIG_RULES, key)) continue;
    const near = closestName(key, KEYS);
    issues.push({
      path: key,
      message: near ? `unknown key (did you mean "${near}"?)` : "unknown key",
    });
  }
  // Between keys, once each of them is right.
  if ("baseUrl" in config && "allowInsecureHttp" in config) {
    const problem = insecureKeyProblem(config as unknown as LLMConfig);
    if (problem !== undefined) issues.push({ path: "baseUrl", message: problem });
  }
  if ("headers" in config && "protocol" in config) {
    const problem = keyHeaderProblem(config as unknown as LLMConfig);
    if (problem !== undefined)
      issues.push({ path: `headers.${problem.name}`, message: problem.message });
  }
  return issues.length > 0 ? { issues } : { config: config as unknown as LLMConfig };
}

/** The value as the config holds it, or `BAD` once its issues are in `issues`. */
function checkValue(rule: ValueRule, value: unknown, path: string, issues: ConfigIssue[]): unknown {
  switch (rule.kind) {
    case "url":
      return checkUrl(value, path, issues);
    case "text":
      if (typeof value !== "string")
        return refuse(issues, path, `must be ${rule.what}, got ${showValue(value)}`);
      if (value.trim() === "")
        return refuse(issues, path, `must be ${rule.what}, got an empty string`);
      return value;
    case "secret":
      return checkSecret(value, path, issues);
    case "env-name":
      if (typeof value !== "string")
        return refuse(issues, path, "must be the name of an environment variable");
      if (!ENV_NAME.test(value))
        return refuse(
          issues,
          path,
          "must be the name of an environment variable (letters, digits and _), such as DEEPSEEK_API_KEY; the key itself belongs in that variable",
        );
      return value;
    case "choice":
      if (typeof value === "string" && rule.values.includes(value)) return value;
      return refuse(issues, path, `must be ${oneOf(rule.values)}, got ${showChoice(value)}`);
    case "number": {
      const problem = numberProblem(value, rule);
      return problem === undefined ? value : refuse(issues, path, problem);
    }
    case "flag":
      return typeof value === "boolean"
        ? value
        : refuse(issues, path, `must be true or false, got ${showValue(value)}`);
    case "headers":
      return checkHeaders(value, path, issues);
    case "limits": {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return refuse(issues, path, `must be an object of limits, got ${showValue(value)}`);
      const limits: Record<string, unknown> = {};
      let ok = true;
      for (const [name, limitRule] of Object.entries(rule.of)) {
        const limit = (value as Record<string, unknown>)[name];
        if (limit === undefined) continue;
        const checked = checkValue(limitRule, limit, `${path}.${name}`, issues);
        if (checked === BAD) ok = false;
        else limits[name] = checked;
      }
      for (const name of Object.keys(value)) {
        if (Object.hasOwn(rule.of, name)) continue;
        const near = closestName(name, Object.keys(rule.of));
        issues.push({
          path: `${path}.${name}`,
          message: near ? `unknown key (did you mean "${near}"?)` : "unknown key",
        });
        ok = false;
      }
      return ok ? limits : BAD;
    }
  }
}

function checkUrl(value: unknown, path: string, issues: ConfigIssue[]): unknown {
  if (typeof value !== "string")
    return refuse(issues, path, `must be an http(s) URL, got ${showValue(value)}`);
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
    return refuse(
      issues,
      path,
      `must be an http(s) URL, got ${urlish ? showUrl(value) : `${showValue(value)} (not a URL)`}`,
    );
  }
  if (url.username || url.password)
    return refuse(issues, path, "must not contain credentials; use apiKey or headers");
  // `${baseUrl}/chat/completions` must not produce `//`.
  return value.replace(/\/+$/, "");
}

/** A URL as it may appear in a message: credentials masked, the rest as written. */
function showUrl(value: string): string {
  const text = JSON.stringify(redactUrl(value));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** The API key, never echoed: it travels in the Authorization header, by the same rules. */
function checkSecret(value: unknown, path: string, issues: ConfigIssue[]): unknown {
  if (typeof value !== "string") {
    issues.push({ path, message: "must be a string" });
    return BAD;
  }
  // A key copied with its line break (`$(cat key.txt)`, a `.env` with CRLF) is that key:
  // HTTP would drop the whitespace around a header value anyway.
  const key = value.trim();
  const before = issues.length;
  if (key === "") issues.push({ path, message: "must not be empty; omit it instead" });
  // Line breaks and other controls are named by the header check.
  for (const message of headerProblems("authorization", key))
    issues.push({ path, message: message.replace("header values", "the key") });
  // A header value copied whole ("Bearer sk-…"): the client writes the scheme itself.
  const scheme = /^(bearer|basic|token)\s/i.exec(key)?.[1];
  if (scheme !== undefined)
    issues.push({
      path,
      message: `the key must not begin with "${scheme} ": give the key alone, the client adds the scheme`,
    });
  // A space would split the Bearer token.
  else if (/[ \t]/.test(key)) issues.push({ path, message: "the key must not contain spaces" });
  // Copied with the quotes around it (a .env line, a JSON value): sent so, it earns a 401.
  if (/^(["'`]).*\1$/s.test(key))
    issues.push({ path, message: "the key is wrapped in quotes: give it without them" });
  return issues.length === before ? key : BAD;
}

function checkHeaders(value: unknown, path: string, issues: ConfigIssue[]): unknown {
  if (!isPlainObject(value))
    return refuse(issues, path, "must be an object of header names to string values");
  const before = issues.length;
  const entries = Object.entries(value);
  for (const [name, text] of entries) {
    if (typeof text !== "string")
      issues.push({ path: `${path}.${name}`, message: "header values must be strings" });
    else
      for (const message of headerProblems(name, text))
        issues.push({ path: `${path}.${name}`, message });
  }
  // `fromEntries` defines each name as the object's own, `__proto__` too.
  return issues.length === before ? Object.fromEntries(entries) : BAD;
}

/** What is wrong with a number, by its rule; `undefined` when nothing is. */
function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const { min, max = Number.POSITIVE_INFINITY, integer, unit } = rule;
  if (integer) {
    const what =
      min === 0
        ? "a non-negative integer"
        : min === 1
          ? "a positive integer"
          : `an integer of at least ${min}`;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min)
      return `must be ${what}, got ${showGot(value)}`;
  } else {
    if (typeof value !== "number" || !Number.isFinite(value))
      return `must be a number between ${min} and ${max}, got ${showGot(value)}`;
    if (value < min || value > max) return `must be between ${min} and ${max}, got ${value}`;
  }
  if (value <= max) return undefined;
  const days = unit === "ms" ? ` ms (about ${Math.floor(max / 8_640_000) / 10} days)` : "";
  return `must be at most ${max}${days}, got ${value}`;
}

/**
 * A refused choice: a name shaped like the accepted ones (lowercase words and `-`, as
 * `anthropic-messages`) as written, however long; anything else as any value is shown, so a
 * key pasted here prints masked.
 */
function showChoice(value: unknown): string {
  return typeof value === "string" && /^[a-z]+(-[a-z]+)*$/.test(value) && value.length <= 40
    ? JSON.stringify(value)
    : showValue(value);
}

/** `"a"`, or `one of "a" or "b"`, or `one of "a", "b" or "c"`. */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((value) => JSON.stringify(value));
  if (quoted.length === 1) return quoted[0] ?? "";
  return `one of ${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
