import { ConfigError, type ConfigIssue } from "@loom/llm-types";
import type { ChatClientOptions } from "./chat-client-options.js";

/**
 * Refuses options of the wrong shape when the client is made, as a `ConfigError` naming each:
 * from JavaScript, `hooks` given as one object instead of an array would otherwise fail every
 * call later with a `TypeError` from inside the client. `ChatClient` checks its own; a client
 * built on it that adds to `hooks` or `gates` checks them first (`LLMProvider` does).
 */
export function checkClientOptions(options: ChatClientOptions): void {
  const given = options as Record<string, unknown> | null;
  if (given === null || typeof given !== "object")
    throw new ConfigError({
      issues: [{ path: "", message: `the client's options must be an object, got ${kind(given)}` }],
    });
  const issues: ConfigIssue[] = [];
  for (const name of ["hooks", "gates"] as const) {
    const list = given[name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      issues.push({ path: name, message: `must be an array, got ${kind(list)}` });
      continue;
    }
    list.forEach((item: unknown, i) => {
      if (item === null || typeof item !== "object")
        issues.push({ path: `${name}.${i}`, message: `must be an object, got ${kind(item)}` });
      else if (name === "gates" && typeof (item as { enter?: unknown }).enter !== "function")
        issues.push({ path: `${name}.${i}`, message: "must have an enter() method" });
    });
  }
  const transport = given.transport;
  if (transport !== undefined && typeof transport !== "function")
    issues.push({
      path: "transport",
      message: `must be a function that makes a transport, got ${kind(transport)}`,
    });
  if (issues.length > 0) throw new ConfigError({ issues });
}

/** What a value is, in a word: never the value itself (it may hold a secret). */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
