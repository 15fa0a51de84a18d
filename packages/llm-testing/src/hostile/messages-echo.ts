import type { FakeReply } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { messageBody } from "../wire/anthropic/message-body.js";
import { type MessageStreamOptions, messageStream } from "../wire/anthropic/message-stream.js";
import type { EchoEncoding } from "./echo-encoding.js";
import { asksForStream, type Echo, echoBody, echoOf, echoStream } from "./echo-reply.js";

/** Where in an Anthropic Messages reply a hostile server echoes the request's headers. */
export type MessagesEchoPlace =
  | "text"
  | "thinking"
  | "signature"
  | "redacted-thinking"
  | "tool-arguments"
  | "tool-id"
  | "tool-name"
  | "id"
  | "model"
  | "stop-reason"
  | "error"
  | "stream-error";

/** Every place of `MessagesEchoPlace`, for tests that try each. */
export const MESSAGES_ECHO_PLACES: readonly MessagesEchoPlace[] = Object.freeze([
  "text",
  "thinking",
  "signature",
  "redacted-thinking",
  "tool-arguments",
  "tool-id",
  "tool-name",
  "id",
  "model",
  "stop-reason",
  "error",
  "stream-error",
]);

/**
 * An Anthropic Messages reply that echoes every request header (the key's among them) at
 * `place`, disguised as `encoding` says: a whole message, or a stream (the echo split across
 * three deltas) when the request asked for one. `error` is a 401 whose message echoes them,
 * `stream-error` a stream (whatever was asked) that breaks off with an `event: error` echoing them.
 */
export function messagesEcho(place: MessagesEchoPlace, encoding: EchoEncoding = "raw"): FakeReply {
  return (request: RecordedRequest): FakeReply => {
    const echo = echoOf(request, encoding);
    if (place === "error") {
      const error = { type: "authentication_error", message: `invalid x-api-key: ${echo.text}` };
      return echoBody({ type: "error", error, request_id: "req_fake" }, encoding, 401);
    }
    const script = messagesScript(place, echo);
    if (place !== "stream-error" && !asksForStream(request))
      return echoBody(messageBody(script), encoding);
    return echoStream(messageStream(script), encoding);
  };
}

function messagesScript(
  place: Exclude<MessagesEchoPlace, "error">,
  echo: Echo,
): MessageStreamOptions {
  const lookup = { name: "lookup", arguments: { q: "x" } };
  switch (place) {
    case "text":
      return { text: echo.pieces };
    case "thinking":
      return { thinking: [{ text: echo.pieces, signature: "sig_fake" }], text: "ok" };
    case "signature":
      return { thinking: [{ text: "Hmm.", signature: echo.text }], text: "ok" };
    case "redacted-thinking":
      return { redactedThinking: [echo.text], text: "ok" };
    case "tool-arguments":
      return { toolCalls: [{ name: "lookup", arguments: { q: echo.text } }], argumentPieceSize: 7 };
    case "tool-id":
      return { toolCalls: [{ ...lookup, id: echo.text }] };
    case "tool-name":
      return { toolCalls: [{ ...lookup, name: echo.text }] };
    case "id":
      return { id: echo.text };
    case "model":
      return { model: echo.text };
    case "stop-reason":
      return { stopReason: echo.text };
    case "stream-error":
      return {
        text: ["partial "],
        error: { type: "overloaded_error", message: `upstream said: ${echo.text}` },
      };
  }
}
