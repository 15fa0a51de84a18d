import { expect } from "vitest";
import { ECHO_PREFIX, type EchoEncoding, undisguiseEcho } from "./echo-encoding.js";

/** A key with characters every disguise changes (`+`, `/`, `=`), so none lets it through as is. */
export const SECRET = "sk-echo+KEY/0123456789=abcdef";

/** What a test client got back: status, content type, body text. */
export interface Answer {
  status: number;
  type: string;
  text: string;
}

/** Posts `body` with the secret in `header`, and reads the whole answer. */
export async function ask(
  url: string,
  body: object,
  header: string,
  value: string,
): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [header]: value },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

/** The JSON documents of an answer: its body, or the data of each event of a stream. */
export function documents(answer: Answer): unknown[] {
  if (!answer.type.startsWith("text/event-stream")) return [JSON.parse(answer.text)];
  const frames = answer.text.split("\n\n").filter((frame) => frame !== "");
  return frames.map((frame) => {
    // Every event is named, as both protocols name them.
    expect(frame).toMatch(/^event: [\w.]+\ndata: /);
    return JSON.parse(frame.slice(frame.indexOf("\ndata: ") + 7));
  });
}

/** Every string in a JSON value, strings holding JSON opened too (tool arguments). */
export function strings(value: unknown): string[] {
  if (typeof value === "string") {
    if (value.startsWith("{")) {
      try {
        return [value, ...strings(JSON.parse(value))];
      } catch {
        return [value];
      }
    }
    return [value];
  }
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/**
 * The checks every echo answer passes: every document is JSON; the bytes hold the secret only
 * when the encoding is `raw`; and a whole body holds an echo that decodes back to the secret.
 */
export function expectDisguisedEcho(answer: Answer, encoding: EchoEncoding, header: string): void {
  const docs = documents(answer);
  if (encoding !== "raw") expect(answer.text).not.toContain(SECRET);
  // Strings as `\uXXXX` escapes, keys as they are.
  if (encoding === "json-unicode") expect(answer.text).toMatch(/"type":"\\u00[0-7][0-9a-f]/);
  if (answer.type.startsWith("text/event-stream")) return;
  const echoes = strings(docs[0]).filter((s) => s.includes(ECHO_PREFIX));
  expect(echoes.length).toBeGreaterThan(0);
  for (const echo of echoes) {
    if (echo.startsWith("{")) continue;
    expect(undisguiseEcho(echo, encoding)).toContain(`${header}: `);
    expect(undisguiseEcho(echo, encoding)).toContain(SECRET);
  }
}
