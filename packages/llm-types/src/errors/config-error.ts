import { LLMError, type LLMErrorOptions } from "./llm-error.js";

/** One problem with one config key. */
export interface ConfigIssue {
  /** The key, dotted for nested ones: `temperature`, `headers.X-Trace`. Empty for the whole. */
  readonly path: string;
  /** What is wrong with it: `must be between 0 and 2, got 3`. */
  readonly message: string;
}

/** What a `ConfigError` is built from. */
export interface ConfigErrorOptions extends Omit<LLMErrorOptions, "message" | "retryable"> {
  /** Overall message; built from `issues` when omitted. */
  message?: string | undefined;
  issues?: readonly ConfigIssue[] | undefined;
  /** The config file the problem is in (`loom.toml`). */
  file?: string | undefined;
  /** The `[llm.NAME]` table the problem is in. */
  table?: string | undefined;
}

/** A config value is missing or wrong. Raised at construction, before any request is sent. */
export class ConfigError extends LLMError {
  static override readonly marker: symbol = Symbol.for("@loom/llm.error.ConfigError");
  override readonly name: string = "ConfigError";
  readonly issues: readonly ConfigIssue[];
  readonly file: string | undefined;
  readonly table: string | undefined;

  constructor(options: ConfigErrorOptions) {
    // Paths repeat names as written: a header or table named with a pasted key is masked.
    const issues = (options.issues ?? []).map((issue) =>
      issue.path === maskTokens(issue.path) ? issue : { ...issue, path: maskTokens(issue.path) },
    );
    super({ ...options, message: options.message ?? describe(options, issues), retryable: false });
    this.issues = issues;
    this.file = options.file;
    this.table = options.table === undefined ? undefined : maskTokens(options.table);
  }
}

/**
 * Long runs of letters and digits (24 characters or more, both kinds present) shown masked like
 * a key: names are rarely that long, keys always are.
 */
function maskTokens(text: string): string {
  return text.replace(/[^\s.,:;"'[\]]{24,}/g, (token) =>
    /\d/.test(token) && /[A-Za-z]/.test(token) ? maskKey(token) : token,
  );
}

// A vendor prefix (`sk-`, `sk-proj-`) says which kind of key it is without revealing it.
const KEY_PREFIX = /^[A-Za-z]{2,4}-(?:[A-Za-z]{2,8}-)?/;

/**
 * A token of 24 characters or more as a key is shown (`sk-…3456`): its prefix while that leaves
 * at least half of it hidden, and its last four characters. `redactSecret` (@loom/llm-utils)
 * shows every secret so; its tests hold the two to one form (this package imports no other).
 */
function maskKey(token: string): string {
  const prefix = KEY_PREFIX.exec(token)?.[0] ?? "";
  const shown = prefix.length + 4 <= token.length / 2 ? prefix : "";
  return `${shown}…${token.slice(-4)}`;
}

function describe(options: ConfigErrorOptions, issues: readonly ConfigIssue[]): string {
  const table = options.table === undefined ? undefined : maskTokens(options.table);
  const where = [options.file, table === undefined ? undefined : `[llm.${table}]`]
    .filter(Boolean)
    .join(" ");
  const head = `Invalid LLM config${where ? ` in ${where}` : ""}`;
  if (issues.length === 0) return head;
  const lines = issues.map((i) => `  - ${i.path ? `${i.path}: ` : ""}${i.message}`);
  return `${head}:\n${lines.join("\n")}`;
}
