import { gzipSync } from "node:zlib";
import type { FakeReply, ReplyEnd } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { completionBody } from "../wire/completion-body.js";
import { completionChunk } from "../wire/completion-chunk.js";
import {
  ECHO_PREFIX,
  type EchoEncoding,
  encode,
  headersText,
  unicodeEscape,
} from "./echo-encoding.js";
import { type MessagesEchoPlace, messagesEcho } from "./messages-echo.js";
import { type ResponsesEchoPlace, responsesEcho } from "./responses-echo.js";

export type { EchoEncoding } from "./echo-encoding.js";

/**
 * Replies of servers that misbehave on purpose, for testing that an agent (and the client
 * under it) survives them: secrets echoed back in disguise, byte order marks, streams that never
 * end, lines that never end, connections cut after the headers, bodies dripped a byte at a time,
 * and compressed bodies nobody asked for. Each is a plain `FakeReply`: enqueue it like any other.
 */
export const hostile = {
  /**
   * A 401 whose error message echoes every request header, `authorization` included, in the
   * given encoding (`json-unicode` escapes every character as `\uXXXX` inside the JSON).
   */
  echoHeaders(encoding: EchoEncoding = "raw", status = 401): FakeReply {
    return (request: RecordedRequest): FakeReply => {
      const message = `invalid request ${ECHO_PREFIX}${encode(headersText(request), encoding)}`;
      const body =
        encoding === "json-unicode"
          ? `{"error":{"message":"${unicodeEscape(message)}","type":"invalid_request_error"}}`
          : JSON.stringify({ error: { message, type: "invalid_request_error" } });
      return {
        type: "raw",
        status,
        headers: { "content-type": "application/json" },
        chunks: [body],
      };
    };
  },

  /**
   * An Anthropic Messages reply echoing every request header (the key's among them) at `place`
   * (text, thinking, signature, redacted thinking, tool arguments, id or name, the message id,
   * model or stop reason, a 401 body, an in-stream `error`), disguised as `encoding` says; a
   * stream when the request asked for one, the echo split across three deltas.
   */
  messagesEcho(place: MessagesEchoPlace, encoding: EchoEncoding = "raw"): FakeReply {
    return messagesEcho(place, encoding);
  },

  /**
   * An OpenAI Responses reply echoing every request header (the key's among them) at
   * `place` (text, reasoning summary, `encrypted_content`, tool arguments, `call_id` or name, the
   * response or item id, model, incomplete reason, a 401 body, an `error` event, `response.failed`),
   * disguised as `encoding` says; a stream when the request asked for one.
   */
  responsesEcho(place: ResponsesEchoPlace, encoding: EchoEncoding = "raw"): FakeReply {
    return responsesEcho(place, encoding);
  },

  /** A stream whose first bytes are a UTF-8 byte order mark, then `pieces` as content. */
  bomStream(pieces: readonly string[]): FakeReply {
    const events = pieces.map(
      (content) => `data: ${JSON.stringify(completionChunk({ content }))}\n\n`,
    );
    const finish = `data: ${JSON.stringify(completionChunk({}, { finishReason: "stop" }))}\n\n`;
    return { type: "raw", chunks: [`\ufeff${events.join("")}${finish}data: [DONE]\n\n`] };
  },

  /** A stream of valid content chunks that never ends (bounded by `forMs`, 60 s by default). */
  endlessStream(options: { content?: string; everyMs?: number; forMs?: number } = {}): FakeReply {
    return {
      type: "endless",
      event: completionChunk({ content: options.content ?? "all work and no play " }),
      ...(options.everyMs === undefined ? {} : { everyMs: options.everyMs }),
      ...(options.forMs === undefined ? {} : { forMs: options.forMs }),
    };
  },

  /** One SSE line of `bytes` bytes that never ends (no line break), in a stream. */
  hugeLine(bytes: number): FakeReply {
    return { type: "large", sse: true, bytes };
  },

  /**
   * Status line and headers, then the connection cut: `fin` closes it, `rst` resets it. With
   * `after`, some of the body first (`role` sends a role-only chunk, as real streams begin).
   */
  resetAfterHeaders(
    options: {
      stream?: boolean;
      how?: "fin" | "rst";
      after?: "nothing" | "role" | "half-body";
    } = {},
  ): FakeReply {
    const end: ReplyEnd = options.how === "fin" ? "destroy" : "reset";
    const stream = options.stream ?? true;
    const body =
      options.after === "role"
        ? `data: ${JSON.stringify(completionChunk({ role: "assistant" }))}\n\n`
        : options.after === "half-body"
          ? JSON.stringify(completionBody({ content: "half" })).slice(0, 40)
          : "";
    return {
      type: "raw",
      headers: { "content-type": stream ? "text/event-stream" : "application/json" },
      // A pause first, so the headers leave before the connection is cut.
      chunks: body === "" ? [{ delayMs: 20 }] : [body, { delayMs: 20 }],
      end,
    };
  },

  /** A whole completion body, written `bytesPerWrite` bytes every `everyMs`. */
  dripBody(
    options: { content?: string; everyMs?: number; bytesPerWrite?: number } = {},
  ): FakeReply {
    const text = JSON.stringify(completionBody({ content: options.content ?? "slow" }));
    const every = options.everyMs ?? 500;
    const size = options.bytesPerWrite ?? 1;
    const chunks: (string | { delayMs: number })[] = [];
    for (let i = 0; i < text.length; i += size)
      chunks.push(text.slice(i, i + size), { delayMs: every });
    return {
      type: "raw",
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
      },
      chunks,
    };
  },

  /** A completion body compressed with gzip, as a proxy might send it unasked. */
  gzippedBody(content = "compressed"): FakeReply {
    return {
      type: "raw",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      chunks: [gzipSync(JSON.stringify(completionBody({ content })))],
    };
  },
};
