// Reading the fields of a transcript line, each checked as it is read: a field replay needs that
// is missing or of the wrong type throws `Malformed` with its path, which `parseTranscript` turns
// into a usage error naming the file and the line. Shared by every protocol's reading, so their
// errors read alike.

/** A JSON object of a transcript line. */
export type Json = Record<string, unknown>;

/**
 * A line of the transcript that is not what the recorder writes. Thrown with the field at fault
 * (`request.body.messages[2].role`; none for the line itself) and what is wrong with it;
 * `parseTranscript` adds the file and line.
 */
export class Malformed extends Error {
  constructor(field: string, expected: string, value: unknown) {
    super(`${field === "" ? "" : `${field}: `}expected ${expected}, got ${kindOf(value)}`);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function object(value: unknown, field: string, expected: string): Json {
  if (!isObject(value)) throw new Malformed(field, expected, value);
  return value;
}

export function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new Malformed(field, "an array", value);
  return value;
}

export function string(value: unknown, field: string): string {
  if (typeof value !== "string") throw new Malformed(field, "a string", value);
  return value;
}

/** A string that may be absent (or `null`, as servers and SDKs write an absent field). */
export function optional(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, field);
}

/**
 * The text of a content field, in any protocol: a string, the text of a list of parts or blocks
 * (images and other parts carry none), or nothing.
 */
export function textOf(content: unknown, field: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new Malformed(field, "a string or an array of parts", content);
  return content
    .map((part: unknown, i) => {
      const { text } = object(part, `${field}[${i}]`, "a content part object");
      return typeof text === "string" ? text : "";
    })
    .join("");
}

/** What a value is, in a few words: errors say it without echoing a transcript's content. */
function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return "a string";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "an object";
}
