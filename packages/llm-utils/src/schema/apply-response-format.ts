import {
  type ErrorContext,
  InvalidResponseError,
  type LLMResponse,
  type ResponseFormat,
} from "@loom/llm-types";
import { truncateText } from "../text/truncate-text.js";
import { omitNullOptionals } from "./omit-null-optionals.js";
import { safeParse } from "./safe-parse.js";
import { toJsonSchema, toZodSchema } from "./to-json-schema.js";

// A fenced block, ```json ... ``` or ``` ... ```, anywhere in the reply.
const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

export interface ResponseFormatOptions extends ErrorContext {
  /**
   * The server may ignore `response_format`: look for the JSON inside code fences and after
   * leading prose too. Elsewhere those mean something is wrong. @default false
   */
  lenient?: boolean;
  /** The whole response, carried by the error when the reply fails: what was paid for. */
  paid?: LLMResponse | undefined;
}

/**
 * When the request asked for JSON, parses the reply into `response.parsed`, validated against
 * the schema (zod, or a JSON Schema converted by zod). A reply that is not JSON, or fails its
 * schema, is an `InvalidResponseError` carrying the raw text and the schema's issues. A turn that
 * calls tools is not the reply yet: its text ("Let me look that up.") is parsed when it is the
 * JSON asked for, and left alone, without an error, when it is not.
 */
export function applyResponseFormat(
  response: Pick<LLMResponse, "content" | "refusal" | "toolCalls" | "parsed">,
  format: ResponseFormat | undefined,
  options: ResponseFormatOptions = {},
): void {
  if (format === undefined || format.type === "text") return;
  // The model declined: there is no reply to parse, and `refusal` says so.
  if (response.refusal !== undefined && response.content.trim() === "") return;
  const callsTools = response.toolCalls.length > 0;
  if (callsTools && response.content.trim() === "") return;
  const value = parseJson(response.content, options.lenient ?? false);
  // A reply cut by maxTokens says so: "not JSON" alone sends the reader looking at the model.
  const cut =
    options.paid?.finishReason === "length"
      ? " (it was cut off at maxTokens, finish reason length: raise maxTokens)"
      : "";
  const fail = (why: string, issues?: InvalidResponseError["issues"]) =>
    new InvalidResponseError({
      message: `${options.request ? `${options.request}: ` : ""}the reply ${why}${cut}: ${truncateText(response.content, 200)}`,
      raw: truncateText(response.content, 2_000),
      issues,
      response: options.paid,
      provider: options.provider,
      model: options.model,
      requestId: options.requestId,
    });
  if (value === undefined) {
    if (callsTools) return;
    throw fail("is not JSON");
  }
  if (format.type === "json_object") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      if (callsTools) return;
      throw fail("is not a JSON object");
    }
    response.parsed = value;
    return;
  }
  const schema = toZodSchema(format.schema);
  if (schema === undefined) {
    response.parsed = value;
    return;
  }
  const result = safeParse(schema, omitNullOptionals(value, toJsonSchema(format.schema)));
  if (!result.success) {
    if (callsTools) return;
    const summary = result.error.issues
      .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw fail(`does not match its schema (${truncateText(summary, 200)})`, result.error.issues);
  }
  response.parsed = result.data;
}

function parseJson(text: string, lenient: boolean): unknown {
  const attempt = (candidate: string): unknown => {
    try {
      return JSON.parse(candidate);
    } catch {
      return undefined;
    }
  };
  const strict = attempt(text.trim());
  if (strict !== undefined || !lenient) return strict;
  const fenced = FENCE.exec(text)?.[1];
  if (fenced !== undefined) {
    const value = attempt(fenced.trim());
    if (value !== undefined) return value;
  }
  // Leading (or trailing) prose: the outermost object or array.
  for (const [open, close] of [
    ["{", "}"],
    ["[", "]"],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start !== -1 && end > start) {
      const value = attempt(text.slice(start, end + 1));
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
