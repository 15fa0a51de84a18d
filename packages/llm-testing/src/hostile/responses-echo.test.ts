import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import { ask, documents, expectDisguisedEcho, SECRET } from "./echo-check.fixture.js";
import { ECHO_ENCODINGS } from "./echo-encoding.js";
import { hostile } from "./hostile.js";
import { RESPONSES_ECHO_PLACES } from "./responses-echo.js";

let server: FakeServer;
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(() => server.close());

const cases = RESPONSES_ECHO_PLACES.flatMap((place) =>
  ECHO_ENCODINGS.flatMap((encoding) =>
    [false, true].map((stream) => [place, encoding, stream] as const),
  ),
);
const bearer = `Bearer ${SECRET}`;

describe("hostile.responsesEcho", () => {
  it.each(cases)("%s, %s, stream %s", async (place, encoding, stream) => {
    server.enqueue(hostile.responsesEcho(place, encoding));
    const answer = await ask(`${server.baseUrl}/responses`, { stream }, "authorization", bearer);
    expect(answer.status).toBe(place === "error" ? 401 : 200);
    // A stream when asked for one; `stream-error` and `failed` are streams whatever was asked.
    const streamed =
      place === "stream-error" || place === "failed" || (stream && place !== "error");
    expect(answer.type).toBe(streamed ? "text/event-stream" : "application/json");
    expectDisguisedEcho(answer, encoding, "authorization");
    const docs = documents(answer) as { type?: string; object?: string }[];
    if (place === "error") expect(docs[0]).toMatchObject({ error: { code: "invalid_api_key" } });
    else if (streamed) {
      expect(docs[0]?.type).toBe("response.created");
      expect(docs.at(-1)?.type).toBe(
        place === "stream-error" || place === "failed"
          ? "response.failed"
          : place === "incomplete-reason"
            ? "response.incomplete"
            : "response.completed",
      );
      expect(docs.some((doc) => doc.type === "error")).toBe(place === "stream-error");
    } else expect(docs[0]?.object).toBe("response");
  });
});
