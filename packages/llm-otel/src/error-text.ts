import { APIStatusError, InvalidResponseError } from "@loom/llm-types";

/** Where the server's own words were left out of an error's text. */
export const WORDS_LEFT_OUT = "[the server's text is recorded only with content capture]";

/**
 * A word a server names a kind of thing with (`invalid_request_error`, `context_length_exceeded`,
 * `max_output_tokens`): kept without content capture; anything else may be prose, and is not.
 */
export const IDENTIFIER: RegExp = /^[A-Za-z0-9_.:-]{1,60}$/;

/**
 * An error's message as a span records it. With content capture it is the message itself;
 * without, the server's own words are left out, since they may hold message content: an
 * error body's message quotes the prompt at times ("'…' is not allowed"), and a reply that
 * could not be read (not JSON, off its schema) is quoted in the error that says so. What is
 * kept says what failed: the class, the status, the body's `type` and `code`, the request id.
 */
export function errorText(error: unknown, capture: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (capture) return message;
  if (APIStatusError.isInstance(error)) {
    const fields = [error.type, error.code].filter(
      (field): field is string => typeof field === "string" && IDENTIFIER.test(field),
    );
    return [
      `HTTP ${error.status}`,
      fields.length > 0 ? ` (${fields.join(", ")})` : "",
      `: ${WORDS_LEFT_OUT}`,
      error.requestId === undefined ? "" : ` (request id ${error.requestId})`,
    ].join("");
  }
  if (InvalidResponseError.isInstance(error) && error.raw !== undefined && error.raw !== "") {
    // The reply is quoted after a colon; the earliest place it could begin is cut at, so a
    // quote is never left in part (a message cut too early says less, never more).
    const start = error.raw.slice(0, 20);
    for (let at = message.indexOf(start); at >= 0; at = message.indexOf(start, at + 1))
      if (message.slice(at - 2, at) === ": ") return `${message.slice(0, at)}${WORDS_LEFT_OUT}`;
  }
  return message;
}

/**
 * An error's stack as a span records it: its frames under the first line `errorText` gives
 * (a stack begins with the message, server text and all).
 */
export function errorStack(error: Error, text: string): string | undefined {
  // The message as it is (content capture, or nothing left out): the stack as it is too.
  if (error.stack === undefined || text === error.message) return error.stack;
  const frames = error.stack.split("\n").filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${text}`, ...frames].join("\n");
}
