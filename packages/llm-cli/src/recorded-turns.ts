import type { Message, ToolCall } from "@loom/llm-types";
import { CliError, EXIT } from "./exit-codes.js";

type Json = Record<string, unknown>;

/** A recorded turn: what was asked, and what was answered then. */
export interface RecordedTurn {
  messages: Message[];
  model: string;
  answer: string;
  usage: { promptTokens: number; completionTokens: number } | undefined;
}

/**
 * A line of the transcript that is not what the recorder writes. Thrown with the field at fault
 * (`request.body.messages[2].role`; none for the line itself) and what is wrong with it;
 * `parseTranscript` adds the file and line.
 */
class Malformed extends Error {
  constructor(field: string, expected: string, value: unknown) {
    super(`${field === "" ? "" : `${field}: `}expected ${expected}, got ${kindOf(value)}`);
  }
}

/**
 * The chat-completion requests of a transcript (JSON Lines written by `@loom/llm-testing`'s
 * recorder), with their recorded answers. `source` names the file in errors. Every line is
 * checked before anything is sent: a line that is not JSON, not an exchange, or an exchange
 * missing a field replay needs (or holding the wrong type) is a usage error naming the file, the
 * line and the field. Exchanges with other endpoints (`/models`) are skipped.
 */
export function parseTranscript(text: string, source: string): RecordedTurn[] {
  const turns: RecordedTurn[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new CliError(
        `${source}:${i + 1}: not JSON (a transcript has one recorded exchange per line, as @loom/llm-testing's recorder writes it)`,
        EXIT.usage,
      );
    }
    try {
      const turn = turnOf(entry);
      if (turn !== undefined) turns.push(turn);
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      throw new CliError(`${source}:${i + 1}: ${error.message}`, EXIT.usage);
    }
  }
  if (turns.length === 0) throw new CliError(`${source}: no chat completions recorded`, EXIT.usage);
  return turns;
}

/** One exchange as a turn; undefined for an exchange with another endpoint. */
function turnOf(entry: unknown): RecordedTurn | undefined {
  const exchange = object(entry, "", "an exchange {request, response}");
  const request = object(exchange.request, "request", "an object {path, body}");
  const path = string(request.path, "request.path");
  // A query (Azure's `?api-version=`) follows the path.
  if (!(path.split("?")[0] ?? "").endsWith("/chat/completions")) return undefined;
  const body = object(request.body, "request.body", "a JSON object");
  if (!Array.isArray(body.messages))
    throw new Malformed("request.body.messages", "an array", body.messages);
  const messages = body.messages.map((wire: unknown, i) =>
    messageOf(wire, `request.body.messages[${i}]`),
  );
  const model = optional(body.model, "request.body.model") ?? "?";
  const response = object(exchange.response, "response", "an object {status, body}");
  const answer = answerOf(string(response.body, "response.body"));
  return { messages, model, answer: answer.content, usage: answer.usage };
}

/** A recorded wire message as the client's own. */
function messageOf(value: unknown, field: string): Message {
  const wire = object(value, field, "a message object");
  const role = string(wire.role, `${field}.role`);
  const text = textOf(wire.content, `${field}.content`);
  switch (role) {
    case "system":
      return { role: "system", content: text };
    case "assistant": {
      const calls = wire.tool_calls ?? [];
      if (!Array.isArray(calls))
        throw new Malformed(`${field}.tool_calls`, "an array", wire.tool_calls);
      const toolCalls = calls.map((call: unknown, i) =>
        toolCallOf(call, `${field}.tool_calls[${i}]`),
      );
      return toolCalls.length > 0
        ? { role: "assistant", content: text, toolCalls }
        : { role: "assistant", content: text };
    }
    case "tool":
      return {
        role: "tool",
        toolCallId: optional(wire.tool_call_id, `${field}.tool_call_id`) ?? "",
        content: text,
      };
    default:
      return { role: "user", content: text };
  }
}

/** A message's text: a string, the text parts of a list (images carry none), or nothing. */
function textOf(content: unknown, field: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new Malformed(field, "a string or an array of parts", content);
  return content
    .map((part: unknown, i) => {
      const { text } = object(part, `${field}[${i}]`, "a content part object");
      return typeof text === "string" ? text : "";
    })
    .join("");
}

function toolCallOf(value: unknown, field: string): ToolCall {
  const call = object(value, field, "a tool call object");
  const fn = object(call.function, `${field}.function`, "an object {name, arguments}");
  const raw = optional(fn.arguments, `${field}.function.arguments`) ?? "{}";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Arguments a model got wrong are part of the conversation: replayed as they were sent.
    parsed = undefined;
  }
  return {
    id: optional(call.id, `${field}.id`) ?? "",
    name: string(fn.name, `${field}.function.name`),
    arguments: parsed,
    rawArguments: raw,
  };
}

/** The recorded answer: a completion body, or the text of a stream's chunks. */
function answerOf(body: string): {
  content: string;
  usage: { promptTokens: number; completionTokens: number } | undefined;
} {
  let whole: unknown;
  try {
    whole = JSON.parse(body);
  } catch {
    return streamAnswerOf(body);
  }
  const message = isObject(whole) ? firstChoice(whole).message : undefined;
  return {
    content: isObject(message) && typeof message.content === "string" ? message.content : "",
    usage: isObject(whole) ? usageOf(whole.usage) : undefined,
  };
}

/** A stream's answer: its `data:` lines, each a chunk; a line that is not a chunk adds nothing. */
function streamAnswerOf(body: string): ReturnType<typeof answerOf> {
  let content = "";
  let usage: ReturnType<typeof usageOf>;
  for (const line of body.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      continue;
    }
    if (!isObject(chunk)) continue;
    const delta = firstChoice(chunk).delta;
    if (isObject(delta) && typeof delta.content === "string") content += delta.content;
    usage = usageOf(chunk.usage) ?? usage;
  }
  return { content, usage };
}

function firstChoice(body: Json): Json {
  const choice: unknown = Array.isArray(body.choices) ? body.choices[0] : undefined;
  return isObject(choice) ? choice : {};
}

function usageOf(usage: unknown): RecordedTurn["usage"] {
  if (!isObject(usage)) return undefined;
  return {
    promptTokens: Number(usage.prompt_tokens) || 0,
    completionTokens: Number(usage.completion_tokens) || 0,
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string, expected: string): Json {
  if (!isObject(value)) throw new Malformed(field, expected, value);
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string") throw new Malformed(field, "a string", value);
  return value;
}

/** A string that may be absent (or `null`, as servers and SDKs write an absent field). */
function optional(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, field);
}

/** What a value is, in a few words: errors say it without echoing a transcript's content. */
function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return "a string";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "an object";
}
