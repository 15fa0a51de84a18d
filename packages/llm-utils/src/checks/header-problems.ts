// RFC 9110 token characters: anything else in a header name breaks the request or smuggles one.
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// CR or LF in a value would start a new header (request smuggling); NUL is refused by Node.
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
// RFC 9110 field values: visible ASCII, spaces and tabs. Anything else (a key pasted with a
// trailing "…", a non-breaking space) is refused by undici at send time, as a network error.
const NOT_VISIBLE_ASCII = /[^\t\x20-\x7e]/u;

// Headers that frame the request itself: set by the HTTP client, never by a caller (a wrong
// `content-length` or `host` breaks or redirects the request).
const MANAGED = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
]);

/**
 * What is wrong with a header, if anything: one message per problem. The value is never quoted:
 * headers may carry credentials. Config validation and per-call headers share this check.
 */
export function headerProblems(name: string, value: string): string[] {
  const problems: string[] = [];
  if (!NAME.test(name)) problems.push("is not a valid header name");
  else if (MANAGED.has(name.toLowerCase()))
    problems.push("is set by the HTTP client, not by headers");
  if (FORBIDDEN_IN_VALUE.test(value)) {
    problems.push("header values must not contain CR, LF or NUL characters");
    return problems;
  }
  const odd = NOT_VISIBLE_ASCII.exec(value);
  if (odd !== null) {
    const code = (odd[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
    // The character and its place, never the value: it may be a key.
    problems.push(
      `header values must be visible ASCII; found U+${code} at character ${odd.index + 1} (a copy-paste artifact such as "…" or a non-breaking space?)`,
    );
  }
  return problems;
}
