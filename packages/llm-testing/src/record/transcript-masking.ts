import type { IncomingHttpHeaders } from "node:http";
import type { TextMasking } from "@loom/llm-types";
import { CREDENTIAL_HEADER, Redactor, redactUrl, urlSecrets } from "@loom/llm-utils";

/** Fields that tell apart the streams of text one SSE stream interleaves (blocks, items, calls). */
const IDENTITY = ["index", "output_index", "content_index", "summary_index", "item_id"] as const;

/**
 * The masking of one exchange's transcript: the credentials its request carried (the key and
 * any credential header, with or without `Bearer`, and the value of a credential parameter of
 * its query: Google's `?key=`, Azure's `?api-key=`), masked in every form the client's own
 * masking knows (as is, URL-encoded, base64, hex; a JSON `\u` escape is read as the text it
 * stands for), wherever they appear in what is written down.
 */
export function transcriptRedactor(headers: IncomingHttpHeaders, path = "/"): Redactor {
  // Any origin will do: only the path's query is read.
  const secrets: string[] = urlSecrets(
    `http://transcript${path.startsWith("/") ? "" : "/"}${path}`,
  );
  for (const [name, value] of Object.entries(headers)) {
    if (!(CREDENTIAL_HEADER.test(name) || name === "cookie")) continue;
    for (const one of Array.isArray(value) ? value : [value])
      if (typeof one === "string") secrets.push(one);
  }
  return new Redactor(secrets);
}

/**
 * A request's path and query as a transcript holds it: a credential parameter's value replaced
 * by `…` (whatever key sent it, so a replay with another key still matches), and the request's
 * credentials masked anywhere else in it, in every form.
 */
export function maskPath(path: string, redactor: Redactor): string {
  return redactor.redact(redactUrl(path));
}

/** A request's or a response's body, masked: JSON as values, SSE event by event, else as text. */
export function maskBody(
  text: string,
  contentType: string | undefined,
  redactor: Redactor,
): string {
  if (redactor.empty || text === "") return text;
  if (contentType?.toLowerCase().includes("text/event-stream") === true)
    return maskStream(text, redactor);
  const json = parseJson(text);
  if (json === undefined) return redactor.redact(text);
  const masked = redactor.redactValue(json);
  // Kept byte for byte when there was nothing to mask.
  return masked === json ? text : JSON.stringify(masked);
}

/** Where a string of a parsed event sits, to write its masked text back. */
interface Leaf {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  /** The event line that holds it. */
  line: number;
}

/**
 * An SSE stream masked so that a key split across events is masked too. The strings of the
 * events' JSON are read as one text per field (its path, told apart by `IDENTITY`: a text
 * block, a tool call's arguments); in a field whose whole text holds a secret, each piece is
 * masked as it would be streamed (an end that could begin a secret held back into the field's
 * next piece), so the pieces joined are the masked text. Every other field, and every event
 * left unchanged, keeps its bytes.
 */
function maskStream(text: string, redactor: Redactor): string {
  const lines = text.split(/(?<=\n)/);
  const events = new Map<number, { prefix: string; value: object; end: string }>();
  /** `data:` lines that are no JSON object: their texts joined too, as one more field. */
  const texts: { at: number; prefix: string; text: string; end: string }[] = [];
  lines.forEach((line, at) => {
    const body = line.replace(/\r?\n$/, "");
    const end = line.slice(body.length);
    const data = /^data: ?/.exec(body);
    const value = data === null ? undefined : parseJson(body.slice(data[0].length));
    if (data !== null && typeof value === "object" && value !== null) {
      // Masked as a JSON body is (`redactValue`: strings, and property names, `{"sk-…": 1}`);
      // a secret split across events is left to the joined texts below.
      const named = redactor.redactValue(value) as object;
      events.set(at, { prefix: data[0], value: named, end });
      if (named !== value) lines[at] = `${data[0]}${JSON.stringify(named)}${end}`;
      return;
    }
    if (data !== null) {
      texts.push({ at, prefix: data[0], text: body.slice(data[0].length), end });
      return;
    }
    // A line that is no event's data (`event:`, `id:`, a comment): masked as text.
    const masked = redactor.redact(body);
    if (masked !== body) lines[at] = masked + end;
  });
  maskTexts(texts, lines, redactor);
  // The whole text of each field, to find the fields a secret is in.
  const joined = new Map<string, string>();
  for (const { value } of events.values())
    walk(value, "", (_holder, _key, path, piece) => {
      joined.set(path, (joined.get(path) ?? "") + piece);
    });
  const maskings = new Map<string, TextMasking>();
  for (const [path, whole] of joined)
    if (redactor.redact(whole) !== whole) maskings.set(path, redactor.streaming());
  if (maskings.size === 0) return lines.join("");
  const last = new Map<string, Leaf>();
  const changed = new Set<number>();
  for (const [at, { value }] of events)
    walk(value, "", (holder, key, path, piece) => {
      const masking = maskings.get(path);
      if (masking === undefined) return;
      last.set(path, { holder, key, line: at });
      const out = masking.push(piece);
      if (out === piece) return;
      setLeaf(holder, key, out);
      changed.add(at);
    });
  // What each field's masking still holds goes back into its last piece.
  for (const [path, masking] of maskings) {
    const held = masking.end();
    const leaf = last.get(path);
    if (held === "" || leaf === undefined) continue;
    setLeaf(leaf.holder, leaf.key, `${String(getLeaf(leaf.holder, leaf.key))}${held}`);
    changed.add(leaf.line);
  }
  for (const at of changed) {
    const event = events.get(at);
    if (event !== undefined)
      lines[at] = `${event.prefix}${JSON.stringify(event.value)}${event.end}`;
  }
  return lines.join("");
}

/**
 * The `data:` lines that are no JSON object, as one text: a secret split across them (`data: sk-…`
 * then `data: …rest`) is masked as a stream of it would be, each line its piece; else each line
 * is masked alone.
 */
function maskTexts(
  texts: readonly { at: number; prefix: string; text: string; end: string }[],
  lines: string[],
  redactor: Redactor,
): void {
  const whole = texts.map((t) => t.text).join("");
  if (redactor.redact(whole) === whole) return;
  const masking = redactor.streaming();
  const out = texts.map((t) => masking.push(t.text));
  const last = out.length - 1;
  out[last] = `${out[last] ?? ""}${masking.end()}`;
  texts.forEach((t, i) => {
    lines[t.at] = `${t.prefix}${out[i]}${t.end}`;
  });
}

/** Calls `visit` for every string in `value`, in order, with the path of the field it is in. */
function walk(
  value: unknown,
  path: string,
  visit: (
    holder: Record<string, unknown> | unknown[],
    key: string | number,
    path: string,
    text: string,
  ) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === "string") visit(value, i, `${path}[]`, item);
      else walk(item, `${path}[]`, visit);
    });
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const object = value as Record<string, unknown>;
  const identity = IDENTITY.filter((field) => object[field] !== undefined)
    .map((field) => `${field}=${String(object[field])}`)
    .join(",");
  const base = identity === "" ? path : `${path}{${identity}}`;
  for (const [key, item] of Object.entries(object)) {
    if (typeof item === "string") visit(object, key, `${base}.${key}`, item);
    else walk(item, `${base}.${key}`, visit);
  }
}

function setLeaf(
  holder: Record<string, unknown> | unknown[],
  key: string | number,
  text: string,
): void {
  (holder as Record<string | number, unknown>)[key] = text;
}

function getLeaf(holder: Record<string, unknown> | unknown[], key: string | number): unknown {
  return (holder as Record<string | number, unknown>)[key];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
