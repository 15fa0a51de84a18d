import type { RecordedRequest } from "../fake-server/recorded-request.js";

/** How a hostile server disguises what it echoes. */
export type EchoEncoding = "raw" | "json-unicode" | "url" | "base64" | "hex";

/** Every echo encoding, for tests that try each. */
export const ECHO_ENCODINGS: readonly EchoEncoding[] = Object.freeze([
  "raw",
  "json-unicode",
  "url",
  "base64",
  "hex",
]);

/** Every header of a request, `name: value; ...`: what a hostile server echoes. */
export function headersText(request: RecordedRequest): string {
  return Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join("; ");
}

/** What every echo begins with, before the headers it disguises. */
export const ECHO_PREFIX = "headers: ";

/** `text` disguised as `encoding` says; `json-unicode` is done when the JSON is written. */
export function encode(text: string, encoding: EchoEncoding): string {
  if (encoding === "url") return encodeURIComponent(text);
  if (encoding === "base64") return Buffer.from(text).toString("base64");
  if (encoding === "hex") return Buffer.from(text).toString("hex");
  return text;
}

/**
 * The headers a hostile echo carries, undisguised: what follows `headers: ` in `echo`, decoded
 * as `encoding` says (`json-unicode` was undone when its JSON was parsed). For a test that
 * checks an echo reached the place it was sent to, disguised, before checking it is masked.
 */
export function undisguiseEcho(echo: string, encoding: EchoEncoding): string {
  const at = echo.indexOf(ECHO_PREFIX);
  if (at === -1) throw new Error(`not a hostile echo (no "${ECHO_PREFIX}"): ${echo.slice(0, 80)}`);
  const encoded = echo.slice(at + ECHO_PREFIX.length);
  if (encoding === "url") return decodeURIComponent(encoded);
  if (encoding === "base64" || encoding === "hex") return Buffer.from(encoded, encoding).toString();
  return encoded;
}

/** Every character of `text` as a `\uXXXX` escape (a pair of them above U+FFFF). */
export function unicodeEscape(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out +=
      code > 0xffff
        ? JSON.stringify(char).slice(1, -1)
        : `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/**
 * `value` as JSON; with `json-unicode`, every string value written as `\uXXXX` escapes (keys
 * stay readable), so the echo is nowhere in the bytes as itself.
 */
export function echoJson(value: unknown, encoding: EchoEncoding): string {
  return encoding === "json-unicode" ? unicodeJson(value) : JSON.stringify(value);
}

function unicodeJson(value: unknown): string {
  if (typeof value === "string") return `"${unicodeEscape(value)}"`;
  if (Array.isArray(value)) return `[${value.map(unicodeJson).join(",")}]`;
  if (typeof value === "object" && value !== null)
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${unicodeJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}
