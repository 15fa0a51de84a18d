import type { FakeReply, SseItem, SseReply } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { ECHO_PREFIX, type EchoEncoding, echoJson, encode, headersText } from "./echo-encoding.js";

/** What a hostile server echoes: every request header, disguised, split in three for streams. */
export interface Echo {
  /** The whole echo: `headers: <every header, encoded>`. */
  text: string;
  /** The echo in three pieces, so a stream splits it across events. */
  pieces: string[];
}

/** The echo of a request's headers. */
export function echoOf(request: RecordedRequest, encoding: EchoEncoding): Echo {
  const text = `${ECHO_PREFIX}${encode(headersText(request), encoding)}`;
  const third = Math.ceil(text.length / 3);
  return {
    text,
    pieces: [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)],
  };
}

/** Whether the request asked for a stream (`"stream": true`). */
export function asksForStream(request: RecordedRequest): boolean {
  return (request.body as { stream?: unknown } | undefined)?.stream === true;
}

/** A JSON body written as the encoding says (`json-unicode`: every string value `\uXXXX`). */
export function echoBody(body: unknown, encoding: EchoEncoding, status = 200): FakeReply {
  return {
    type: "raw",
    status,
    headers: { "content-type": "application/json" },
    chunks: [echoJson(body, encoding)],
  };
}

/** A stream with every event's JSON written as the encoding says. */
export function echoStream(reply: SseReply, encoding: EchoEncoding): SseReply {
  const events = reply.events.map((item): SseItem => {
    if (
      typeof item === "object" &&
      "event" in item &&
      "data" in item &&
      typeof item.data === "string"
    )
      return { event: item.event, data: echoJson(JSON.parse(item.data), encoding) };
    return item;
  });
  return { ...reply, events };
}
