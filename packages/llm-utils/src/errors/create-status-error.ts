import {
  APIStatusError,
  type APIStatusErrorOptions,
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  InsufficientBalanceError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from "@loom/llm-types";
import { truncateText } from "../text/truncate-text.js";

/** What is known about a failed response, as read off the wire. */
export interface StatusErrorInput {
  status: number;
  /** The response body as text; HTML, JSON or nothing. */
  body: string;
  provider?: string | undefined;
  model?: string | undefined;
  requestId?: string | undefined;
  /** `POST https://host/v1/chat/completions`, named in the message (never a key: it is a header). */
  request?: string | undefined;
  /** From `retry-after-ms` / `Retry-After`, already parsed. */
  retryAfterMs?: number | undefined;
  /** The server's `x-should-retry` header, which wins over the status. */
  shouldRetry?: boolean | undefined;
  /** Extra advice appended to the message, e.g. which env var holds the key. */
  hint?: string | undefined;
  attempts?: number | undefined;
  cause?: unknown;
}

/** Bodies are kept on the error for debugging; a proxy's 100 KiB HTML page is not. */
const MAX_BODY_CHARS = 2_000;
const MAX_MESSAGE_CHARS = 300;

// OpenAI says `context_length_exceeded`; llama.cpp `exceed_context_size_error`; vLLM and
// DeepSeek only say it in words.
const CONTEXT_CODES: ReadonlySet<string> = new Set([
  "context_length_exceeded",
  "exceed_context_size_error",
]);
const CONTEXT_WORDS =
  /maximum context length|context length exceeded|exceeds? the context (size|window)/i;

/**
 * Builds the typed error for a non-2xx response. Never throws: whatever the body holds (an
 * OpenAI error object, Ollama's `{"error": "text"}`, a proxy's HTML page, nothing), the caller
 * gets an error naming the status.
 */
export function createStatusError(input: StatusErrorInput): APIStatusError {
  const parsed = parseBody(input.body);
  const detail = describeBody(parsed, input.body);
  const message = [
    `HTTP ${input.status}${input.request ? ` from ${input.request}` : ""}`,
    detail ? `: ${detail}` : "",
    input.hint ? `. ${input.hint}` : "",
  ].join("");
  const options: APIStatusErrorOptions = {
    message,
    status: input.status,
    body: parsed === undefined ? truncateText(input.body, MAX_BODY_CHARS) : parsed,
    type: field(parsed, "type"),
    code: field(parsed, "code"),
    provider: input.provider,
    model: input.model,
    requestId: input.requestId,
    retryable: input.shouldRetry,
    retryAfterMs: input.retryAfterMs,
    attempts: input.attempts,
    cause: input.cause,
  };
  switch (input.status) {
    case 400:
    case 422:
      return isContextLength(options, detail)
        ? new ContextLengthError({
            ...options,
            promptTokens: numberField(parsed, "n_prompt_tokens"),
            contextWindow: numberField(parsed, "n_ctx"),
          })
        : new BadRequestError(options);
    case 401:
      return new AuthenticationError(options);
    case 402:
      return new InsufficientBalanceError(options);
    case 403:
      return new PermissionDeniedError(options);
    case 404:
      return new NotFoundError(options);
    // Anthropic's `request_too_large`: the same request will never fit, so never retried.
    case 413:
      return new BadRequestError(options);
    case 429:
      return new RateLimitError(options);
    default:
      return input.status >= 500 ? new ServerError(options) : new APIStatusError(options);
  }
}

function parseBody(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Gemini's OpenAI endpoint wraps its error in an array: `[{"error": {...}}]`.
  if (Array.isArray(parsed) && parsed.length > 0 && isErrorHolder(parsed[0])) return parsed[0];
  return parsed;
}

function isErrorHolder(value: unknown): boolean {
  return typeof value === "object" && value !== null && "error" in value;
}

/** The `error` object of an OpenAI-style body, or the body itself. */
function errorObject(parsed: unknown): Record<string, unknown> | undefined {
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const error = (parsed as Record<string, unknown>).error;
  if (typeof error === "object" && error !== null) return error as Record<string, unknown>;
  return parsed as Record<string, unknown>;
}

function describeBody(parsed: unknown, raw: string): string {
  if (parsed !== undefined) {
    const outer = parsed as Record<string, unknown>;
    const inner = errorObject(parsed);
    for (const candidate of [inner?.message, outer?.error, outer?.detail, outer?.message]) {
      const text = messageText(candidate);
      if (text !== undefined) return truncateText(text, MAX_MESSAGE_CHARS);
    }
  }
  // Not JSON (a proxy's HTML page, plain text): strip tags so the message stays readable.
  const text = raw
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return truncateText(text, MAX_MESSAGE_CHARS);
}

/**
 * A message as text: a string, or a validation report, which FastAPI servers (vLLM, Mistral's
 * 422 `{"message": {"detail": [...]}}`) send as `[{loc, msg}]` rather than words.
 */
function messageText(candidate: unknown): string | undefined {
  if (typeof candidate === "string") return candidate.trim() ? candidate : undefined;
  if (typeof candidate !== "object" || candidate === null) return undefined;
  const items = Array.isArray(candidate) ? candidate : (candidate as { detail?: unknown }).detail;
  if (typeof items === "string") return items.trim() ? items : undefined;
  if (!Array.isArray(items)) return undefined;
  const parts: string[] = [];
  for (const item of items.slice(0, 5)) {
    const { loc, msg } = (item ?? {}) as { loc?: unknown; msg?: unknown };
    if (typeof msg !== "string") continue;
    const where = Array.isArray(loc) ? loc.map(String).join(".") : "";
    parts.push(where ? `${where}: ${msg}` : msg);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function field(parsed: unknown, name: "type" | "code"): string | undefined {
  const value = errorObject(parsed)?.[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

function numberField(parsed: unknown, name: string): number | undefined {
  const value = errorObject(parsed)?.[name];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function isContextLength(options: APIStatusErrorOptions, detail: string): boolean {
  return (
    CONTEXT_CODES.has(options.code ?? "") ||
    CONTEXT_CODES.has(options.type ?? "") ||
    CONTEXT_WORDS.test(detail)
  );
}
