import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import { ask, documents, expectDisguisedEcho, SECRET } from "./echo-check.fixture.js";
import { ECHO_ENCODINGS } from "./echo-encoding.js";
import { hostile } from "./hostile.js";
import { MESSAGES_ECHO_PLACES } from "./messages-echo.js";

let server: FakeServer;
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(() => server.close());

const cases = MESSAGES_ECHO_PLACES.flatMap((place) =>
  ECHO_ENCODINGS.flatMap((encoding) =>
    [false, true].map((stream) => [place, encoding, stream] as const),
  ),
);

describe("hostile.messagesEcho", () => {
  it.each(cases)("%s, %s, stream %s", async (place, encoding, stream) => {
    server.enqueue(hostile.messagesEcho(place, encoding));
    const answer = await ask(`${server.url}/v1/messages`, { stream }, "x-api-key", SECRET);
    expect(answer.status).toBe(place === "error" ? 401 : 200);
    // A stream when asked for one; `stream-error` is a stream whatever was asked.
    const streamed = place === "stream-error" || (stream && place !== "error");
    expect(answer.type).toBe(streamed ? "text/event-stream" : "application/json");
    expectDisguisedEcho(answer, encoding, "x-api-key");
    const docs = documents(answer) as { type: string }[];
    if (place === "error")
      expect(docs[0]).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    else if (streamed) {
      expect(docs[0]?.type).toBe("message_start");
      expect(docs.at(-1)?.type).toBe(place === "stream-error" ? "error" : "message_stop");
    } else expect(docs[0]?.type).toBe("message");
  });

  it("raw: the echo holds the key as it was sent, split across three deltas in a stream", async () => {
    server.enqueue(hostile.messagesEcho("text"), hostile.messagesEcho("text"));
    const body = await ask(`${server.url}/v1/messages`, {}, "x-api-key", SECRET);
    expect(body.text).toContain(`x-api-key: ${SECRET}`);
    const stream = await ask(`${server.url}/v1/messages`, { stream: true }, "x-api-key", SECRET);
    const deltas = (documents(stream) as { delta?: { text?: string } }[]).flatMap((doc) =>
      doc.delta?.text === undefined ? [] : [doc.delta.text],
    );
    expect(deltas).toHaveLength(3);
    expect(deltas.join("")).toContain(`x-api-key: ${SECRET}`);
  });
});
