import type { FakeReply } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { responseBody } from "../wire/responses/response-body.js";
import { type ResponseStreamOptions, responseStream } from "../wire/responses/response-stream.js";
import type { EchoEncoding } from "./echo-encoding.js";
import { asksForStream, type Echo, echoBody, echoOf, echoStream } from "./echo-reply.js";

/** Where in an OpenAI Responses reply a hostile server echoes the request's headers. */
export type ResponsesEchoPlace =
  | "text"
  | "reasoning"
  | "encrypted-content"
  | "tool-arguments"
  | "tool-id"
  | "tool-name"
  | "id"
  | "item-id"
  | "model"
  | "incomplete-reason"
  | "error"
  | "stream-error"
  | "failed";

/** Every place of `ResponsesEchoPlace`, for tests that try each. */
export const RESPONSES_ECHO_PLACES: readonly ResponsesEchoPlace[] = Object.freeze([
  "text",
  "reasoning",
  "encrypted-content",
  "tool-arguments",
  "tool-id",
  "tool-name",
  "id",
  "item-id",
  "model",
  "incomplete-reason",
  "error",
  "stream-error",
  "failed",
]);

/**
 * An OpenAI Responses reply that echoes every request header (the key's among them) at
 * `place`, disguised as `encoding` says: a whole response, or a stream (the echo split across
 * three deltas) when the request asked for one. `error` is a 401 whose message echoes them;
 * `stream-error` a stream (whatever was asked) with an `error` event and `response.failed`
 * echoing them, `failed` one with `response.failed` alone.
 */
export function responsesEcho(
  place: ResponsesEchoPlace,
  encoding: EchoEncoding = "raw",
): FakeReply {
  return (request: RecordedRequest): FakeReply => {
    const echo = echoOf(request, encoding);
    if (place === "error") {
      const error = {
        message: `Incorrect API key provided: ${echo.text}`,
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      };
      return echoBody({ error }, encoding, 401);
    }
    const script = responsesScript(place, echo);
    const stream = place === "stream-error" || place === "failed" || asksForStream(request);
    if (!stream) return echoBody(responseBody(script), encoding);
    return echoStream(responseStream(script), encoding);
  };
}

function responsesScript(
  place: Exclude<ResponsesEchoPlace, "error">,
  echo: Echo,
): ResponseStreamOptions {
  const lookup = { name: "lookup", arguments: { q: "x" } };
  switch (place) {
    case "text":
      return { text: echo.pieces };
    case "reasoning":
      return { reasoning: { summary: echo.pieces }, text: "ok" };
    case "encrypted-content":
      return { reasoning: { summary: "Hmm.", encryptedContent: echo.text }, text: "ok" };
    case "tool-arguments":
      return { toolCalls: [{ name: "lookup", arguments: { q: echo.text } }], argumentPieceSize: 7 };
    case "tool-id":
      return { toolCalls: [{ ...lookup, id: echo.text }] };
    case "tool-name":
      return { toolCalls: [{ ...lookup, name: echo.text }] };
    case "id":
      return { id: echo.text };
    case "item-id":
      return { messageId: echo.text };
    case "model":
      return { model: echo.text };
    case "incomplete-reason":
      return { status: "incomplete", incompleteReason: echo.text };
    case "stream-error":
      return { text: ["partial "], failure: { message: `upstream said: ${echo.text}` } };
    case "failed":
      return {
        text: ["partial "],
        failure: { message: `upstream said: ${echo.text}`, errorEvent: false },
      };
  }
}
