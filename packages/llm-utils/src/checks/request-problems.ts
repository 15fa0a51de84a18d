import type { ChatRequest, ConfigIssue } from "@loom/llm-types";
import { OPTION_RANGES, type OptionRange } from "../config/config-rules.js";
import { showGot } from "../text/show-value.js";
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
    messagesLookRight(request.messages) &&
    (request.signal === undefined || isSignal(request.signal)) &&
    (request.tools === undefined || toolsLookRight(request.tools)) &&
    (request.responseFormat === undefined || formatLooksRight(request.responseFormat)) &&
    request.temperature === undefined &&
    request.topP === undefined &&
    request.maxTokens === undefined &&
    request.maxRetries === undefined &&
    request.timeoutMs === undefined &&
    request.deadlineMs === undefined &&
    request.headers === undefined &&
    request.n === undefined &&
    request.reasoning === undefined
  )
    return NONE;
  const issues: ConfigIssue[] = [];
  const check = (key: string, value: number | undefined, range: OptionRange) => {
    if (value === undefined) return;
    const { min, max, integer } = range;
    if (
      typeof value !== "number" ||
      Number.isNaN(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      const what = integer ? `an integer from ${min} to ${max}` : `a number from ${min} to ${max}`;
      issues.push({ path: key, message: `must be ${what}, got ${showGot(value)}` });
    }
  };
  messageProblems(request.messages, issues);
  check("temperature", request.temperature, OPTION_RANGES.temperature);
  check("topP", request.topP, OPTION_RANGES.topP);
  check("maxTokens", request.maxTokens, OPTION_RANGES.maxTokens);
  check("maxRetries", request.maxRetries, OPTION_RANGES.maxRetries);
  check("n", request.n, OPTION_RANGES.n);
  check("timeoutMs", request.timeoutMs, OPTION_RANGES.timeoutMs);
  // A deadline is a timer like the timeout, with the same bounds.
  check("deadlineMs", request.deadlineMs, OPTION_RANGES.timeoutMs);
  if (request.reasoning !== undefined) reasoningProblems(request.reasoning, issues);
  if (request.signal !== undefined && !isSignal(request.signal))
    issues.push({ path: "signal", message: "must be an AbortSignal" });
  if (request.tools !== undefined && !Array.isArray(request.tools))
    issues.push({ path: "tools", message: "must be an array of tools" });
  else if (request.tools !== undefined) toolProblems(request.tools, issues);
  if (request.responseFormat !== undefined && !formatLooksRight(request.responseFormat))
    issues.push(formatProblem(request.responseFormat));
  const headers = request.headers as unknown;
  if (
    headers !== undefined &&
    (typeof headers !== "object" || headers === null || Array.isArray(headers))
  ) {
    issues.push({ path: "headers", message: "must be an object of header names to string values" });
  } else if (request.headers !== undefined) {
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

const EFFORTS: readonly string[] = ["none", "minimal", "low", "medium", "high", "xhigh"];
const SUMMARIES: readonly string[] = ["auto", "concise", "detailed"];

/** `reasoning`: an effort, a summary and a budget each protocol can send as they are. */
function reasoningProblems(reasoning: unknown, issues: ConfigIssue[]): void {
  if (typeof reasoning !== "object" || reasoning === null || Array.isArray(reasoning)) {
    issues.push({ path: "reasoning", message: `must be an object, got ${showGot(reasoning)}` });
    return;
  }
  const { effort, summary, budgetTokens } = reasoning as Record<string, unknown>;
  if (effort !== undefined && !EFFORTS.includes(effort as string))
    issues.push({
      path: "reasoning.effort",
      message: `must be one of ${EFFORTS.map((e) => `"${e}"`).join(", ")}, got ${showGot(effort)}`,
    });
  if (summary !== undefined && !SUMMARIES.includes(summary as string))
    issues.push({
      path: "reasoning.summary",
      message: `must be one of ${SUMMARIES.map((e) => `"${e}"`).join(", ")}, got ${showGot(summary)}`,
    });
  // Anthropic's floor for a thinking budget; a smaller one would only earn a 400.
  if (
    budgetTokens !== undefined &&
    (typeof budgetTokens !== "number" || !Number.isInteger(budgetTokens) || budgetTokens < 1_024)
  )
    issues.push({
      path: "reasoning.budgetTokens",
      message: `must be an integer of at least 1024, got ${showGot(budgetTokens)}`,
    });
}

/** Tools with names, each name once: what every provider requires. */
function toolsLookRight(tools: unknown): boolean {
  if (!Array.isArray(tools)) return false;
  // A handful of tools: comparing each name with the ones before costs less than a Set.
  for (let i = 0; i < tools.length; i++) {
    const name = (tools[i] as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") return false;
    if (!isSchemaOrNone((tools[i] as { parameters?: unknown }).parameters)) return false;
    for (let j = 0; j < i; j++) if ((tools[j] as { name: string }).name === name) return false;
  }
  return true;
}

/**
 * Each tool needs a name, and no two the same: a provider refuses the request (a 400), and a
 * tool loop would run only one of them, silently.
 */
function toolProblems(tools: readonly unknown[], issues: ConfigIssue[]): void {
  const seen = new Set<string>();
  tools.forEach((tool, i) => {
    const name = (tool as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "")
      issues.push({
        path: `tools.${i}.name`,
        message: `must be a tool's name, got ${showGot(name)}`,
      });
    else if (seen.has(name))
      issues.push({
        path: `tools.${i}.name`,
        message: `"${name}" names an earlier tool too: each tool needs a name of its own`,
      });
    else seen.add(name);
    const parameters = (tool as { parameters?: unknown } | null)?.parameters;
    if (!isSchemaOrNone(parameters))
      issues.push({
        path: `tools.${i}.parameters`,
        message: `must be a zod schema or a JSON Schema object, got ${showGot(parameters)}`,
      });
  });
}

/** A tool's parameters: none, or an object (a zod schema or a JSON Schema). */
function isSchemaOrNone(value: unknown): boolean {
  return (
    value === undefined || (typeof value === "object" && value !== null && !Array.isArray(value))
  );
}

/** A response format of one of the three types, a `json_schema` one with its schema. */
function formatLooksRight(format: unknown): boolean {
  if (typeof format !== "object" || format === null) return false;
  const { type, schema } = format as { type?: unknown; schema?: unknown };
  if (type === "text" || type === "json_object") return true;
  return type === "json_schema" && schema !== undefined && isSchemaOrNone(schema);
}

/** What is wrong with a response format `formatLooksRight` refused. */
function formatProblem(format: unknown): ConfigIssue {
  const { type, json_schema: wire } = (
    typeof format === "object" && format !== null ? format : {}
  ) as { type?: unknown; json_schema?: unknown };
  if (type !== "text" && type !== "json_object" && type !== "json_schema")
    return {
      path: "responseFormat.type",
      message: `must be "text", "json_object" or "json_schema", got ${showGot(type)}`,
    };
  return {
    path: "responseFormat.schema",
    message:
      wire !== undefined
        ? 'a json_schema format takes its schema in "schema" ({ type: "json_schema", schema, name }): the wire\'s json_schema: { schema } is built from it'
        : "must be a zod schema or a JSON Schema object",
  };
}

/** The common case, checked without allocating: an array of objects with a string role. */
function messagesLookRight(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const message of messages) {
    if (typeof message !== "object" || message === null || typeof message.role !== "string")
      return false;
    const content = message.content;
    if (content === undefined || content === null || typeof content === "string") continue;
    if (!Array.isArray(content)) return false;
    for (const part of content) if (partProblem(part) !== undefined) return false;
  }
  return true;
}

const DETAILS = ["auto", "low", "high"];

/**
 * What is wrong with one content part, if anything: every wire builds its body from these
 * fields, and a part that lacks them (OpenAI's own `image_url: { url }` shape, say) would go out
 * as a body the server refuses.
 */
function partProblem(part: unknown): string | undefined {
  if (typeof part !== "object" || part === null)
    return `must be a content part ({ type: "text", text } or { type: "image_url", imageUrl }), got ${showGot(part)}`;
  const { type, text, imageUrl, detail } = part as Record<string, unknown>;
  if (type === "text")
    return typeof text === "string" ? undefined : `text must be a string, got ${showGot(text)}`;
  if (type === "image_url") {
    if (typeof imageUrl !== "string")
      return `imageUrl must be a string (an https or data: URL), got ${showGot(imageUrl)}${"image_url" in part ? ' (the part takes "imageUrl")' : ""}`;
    if (detail !== undefined && !DETAILS.includes(detail as string))
      return `detail must be one of "auto", "low", "high", got ${showGot(detail)}`;
    return undefined;
  }
  return `type must be "text" or "image_url", got ${showGot(type)}`;
}

function messageProblems(messages: unknown, issues: ConfigIssue[]): void {
  if (!Array.isArray(messages)) {
    issues.push({ path: "messages", message: "must be an array of messages" });
    return;
  }
  messages.forEach((message: unknown, index) => {
    if (typeof message !== "object" || message === null) {
      issues.push({ path: `messages.${index}`, message: "must be a message object" });
      return;
    }
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== "string")
      issues.push({ path: `messages.${index}.role`, message: "must be a string" });
    if (
      content !== undefined &&
      content !== null &&
      typeof content !== "string" &&
      !Array.isArray(content)
    )
      issues.push({
        path: `messages.${index}.content`,
        message: "must be a string or an array of content parts",
      });
    if (Array.isArray(content))
      content.forEach((part: unknown, at) => {
        const problem = partProblem(part);
        if (problem !== undefined)
          issues.push({ path: `messages.${index}.content.${at}`, message: problem });
      });
  });
}

/** An `AbortSignal`, or anything that behaves as one (another realm's, a polyfill). */
function isSignal(signal: unknown): boolean {
  return (
    typeof signal === "object" &&
    signal !== null &&
    typeof (signal as AbortSignal).aborted === "boolean" &&
    typeof (signal as AbortSignal).addEventListener === "function"
  );
}
