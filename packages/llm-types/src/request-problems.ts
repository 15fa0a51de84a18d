import type { ChatRequest } from "./chat-request.js";
import { MAX_TIMER_MS } from "./config/config-schema.js";
import type { ConfigIssue } from "./errors/config-error.js";
import { headerProblems } from "./header-problems.js";

const NONE: ConfigIssue[] = [];

/**
 * What is wrong with a request's own options, with the rules the config follows: the same
 * ranges, the same timer bound, the same header check. Plain comparisons, not a schema: this
 * runs on every call, and almost always finds nothing.
 */
export function requestProblems(request: ChatRequest): ConfigIssue[] {
  // Most requests set none of these: nothing to allocate for them.
  if (
    Array.isArray(request.messages) &&
    request.temperature === undefined &&
    request.topP === undefined &&
    request.maxTokens === undefined &&
    request.maxRetries === undefined &&
    request.timeoutMs === undefined &&
    request.deadlineMs === undefined &&
    request.headers === undefined
  )
    return NONE;
  const issues: ConfigIssue[] = [];
  const check = (
    key: string,
    value: number | undefined,
    min: number,
    max: number,
    integer: boolean,
  ) => {
    if (value === undefined) return;
    if (
      typeof value !== "number" ||
      Number.isNaN(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      const what = integer ? `an integer from ${min} to ${max}` : `a number from ${min} to ${max}`;
      issues.push({ path: key, message: `must be ${what}, got ${String(value)}` });
    }
  };
  if (!Array.isArray(request.messages))
    issues.push({ path: "messages", message: "must be an array of messages" });
  check("temperature", request.temperature, 0, 2, false);
  check("topP", request.topP, 0, 1, false);
  check("maxTokens", request.maxTokens, 1, Number.MAX_SAFE_INTEGER, true);
  check("maxRetries", request.maxRetries, 0, Number.MAX_SAFE_INTEGER, true);
  check("timeoutMs", request.timeoutMs, 1, MAX_TIMER_MS, true);
  check("deadlineMs", request.deadlineMs, 1, MAX_TIMER_MS, true);
  if (request.headers !== undefined) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value !== "string") {
        issues.push({ path: `headers.${name}`, message: "header values must be strings" });
        continue;
      }
      for (const message of headerProblems(name, value))
        issues.push({ path: `headers.${name}`, message });
    }
  }
  return issues;
}
