import { decodeUtf8 } from "../http/utf8-text.js";

/** Receives what the decoder finds. */
export interface SseSink {
  /** A complete event: its `data` lines joined with `\n`, and its `event:` name if any. */
  onData(data: string, event: string | undefined): void;
  /** A comment line (`: keep-alive`): proof of life, no content. */
  onComment(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = 0xfeff;

/**
 * How the lines of a decoded text count against an event's limit, in the bytes they came as.
 * `length`: ASCII text, as long as its bytes. `utf8`: each line's UTF-8 size, counted. `later`:
 * the whole text cannot take an event past the limit (its bytes and the open event's fit), so
 * only the lines of the event still open after it are counted, once, at its end.
 */
type Size = "length" | "utf8" | "later";

/**
 * Server-Sent Events decoding on bytes. Lines end at their terminator bytes (LF, CR or CRLF,
 * which never occur inside a multi-byte UTF-8 character), and only complete lines are decoded:
 * the lines a chunk completes in one `TextDecoder` call, then split and read as text; the rest,
 * a line not yet ended, kept as bytes until it is. So a character or a CRLF split across TCP
 * chunks is reassembled, not garbled, and a line split over many chunks is joined once: time
 * and memory are linear in the input however it is split. `data:` with or without its space,
 * multi-line data, comments, a leading byte order mark and llama.cpp's old `error:` field line
 * are handled; unknown fields are ignored. Plain `Uint8Array` and `TextDecoder`: any runtime.
 */
export class SseDecoder {
  readonly #maxEventBytes: number;
  readonly #onOverflow: () => Error;
  /**
   * The pieces of a line not yet terminated, kept as they came: joined once, when the line
   * ends, so a long line costs its length once, not once per chunk.
   */
  readonly #partial: Uint8Array[] = [];
  #partialBytes = 0;
  /** The previous chunk ended in CR: an LF starting this one belongs to it. */
  #skipLF = false;
  /** No line was read yet: a byte order mark opening it is dropped. */
  #first = true;
  #data: string | undefined;
  #event: string | undefined;
  #eventBytes = 0;

  /** `onOverflow` makes the error thrown when one event grows past `maxEventBytes`. */
  constructor(maxEventBytes: number, onOverflow: () => Error) {
    this.#maxEventBytes = maxEventBytes;
    this.#onOverflow = onOverflow;
  }

  /** Decodes a chunk, reporting each complete event and comment to `sink`. */
  push(chunk: Uint8Array, sink: SseSink): void {
    const length = chunk.length;
    let pos = 0;
    if (this.#skipLF) {
      this.#skipLF = false;
      if (length > 0 && chunk[0] === LF) pos = 1;
    }
    // Where the complete lines end: after the chunk's last terminator, most often its last byte.
    const last = lastLineEnd(chunk, pos);
    if (last !== -1) {
      if (chunk[last] === CR && last + 1 === length) this.#skipLF = true;
      if (this.#partialBytes > 0) {
        // The line began in an earlier chunk: join its pieces, once, and read it alone.
        const end = firstLineEnd(chunk, pos);
        const bytes = this.#join(chunk.subarray(pos, end));
        this.#lines(decodeUtf8(bytes), bytes.length, sink);
        pos = chunk[end] === CR && chunk[end + 1] === LF ? end + 2 : end + 1;
      }
      if (pos <= last) {
        const bytes = pos === 0 && last + 1 === length ? chunk : chunk.subarray(pos, last + 1);
        this.#lines(decodeUtf8(bytes), bytes.length, sink);
      }
      pos = last + 1;
    }
    if (pos < length) {
      // Kept as a view: the bytes of a chunk handed on are not written again.
      const piece = pos === 0 ? chunk : chunk.subarray(pos);
      this.#partial.push(piece);
      this.#partialBytes += piece.length;
      // The stream's byte order mark, if its first line is still coming, will be dropped.
      const bom = this.#first ? leadingBomBytes(this.#partial) : 0;
      if (this.#partialBytes - bom + this.#eventBytes > this.#maxEventBytes)
        throw this.#onOverflow();
    }
  }

  /** Flushes at end of input: a last line without terminator, a last event without blank line (llama.cpp). */
  end(sink: SseSink): void {
    if (this.#partialBytes > 0) {
      const bytes = this.#join(new Uint8Array(0));
      const text = decodeUtf8(bytes);
      this.#line(text, 0, text.length, text.length === bytes.length ? "length" : "utf8", sink);
    }
    this.#dispatch(sink);
  }

  #join(last: Uint8Array): Uint8Array {
    const pieces = this.#partial;
    const [only] = pieces;
    let line: Uint8Array;
    if (pieces.length === 1 && only !== undefined && last.length === 0) {
      line = only;
    } else {
      line = new Uint8Array(this.#partialBytes + last.length);
      let at = 0;
      for (const piece of pieces) {
        line.set(piece, at);
        at += piece.length;
      }
      line.set(last, at);
    }
    pieces.length = 0;
    this.#partialBytes = 0;
    return line;
  }

  /**
   * Reads `text`, decoded from `bytes` bytes of complete lines, each ending in its terminator.
   * Each terminator is searched for once per occurrence, never rescanning: text with no CR at
   * all costs one scan for CR, not one per line.
   */
  #lines(text: string, bytes: number, sink: SseSink): void {
    // How the size of each line is counted against the event's limit (`Size`).
    const size =
      text.length === bytes
        ? "length"
        : this.#eventBytes + bytes <= this.#maxEventBytes
          ? "later"
          : "utf8";
    const length = text.length;
    let pos = 0;
    // Where the event still open after this text began: its lines are counted at the end (the
    // stream's byte order mark, dropped, is not).
    let open = this.#first && text.charCodeAt(0) === BOM ? 1 : 0;
    // Where the next LF and the next CR are, `length` when there is none. A sentinel, not -1:
    // with -1 tests in this loop, TurboFan compiled it so that each `indexOf` cost about 0.5 µs
    // (20 times the loop written this way), which was 11% of a tool-call stream's CPU.
    let lf = text.indexOf("\n");
    if (lf === -1) lf = length;
    let cr = text.indexOf("\r");
    if (cr === -1) cr = length;
    while (pos < length) {
      if (lf < pos) {
        lf = text.indexOf("\n", pos);
        if (lf === -1) lf = length;
      }
      if (cr < pos) {
        cr = text.indexOf("\r", pos);
        if (cr === -1) cr = length;
      }
      let end: number;
      let next: number;
      if (lf < cr) {
        end = lf;
        next = lf + 1;
      } else if (cr < length) {
        end = cr;
        next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      } else {
        // No terminator left: the last line of the input (`end`), read without one.
        end = next = length;
      }
      this.#line(text, pos, end, size, sink);
      // A blank line ends the event (no byte order mark to drop here: not the first line).
      if (end === pos) open = next;
      pos = next;
    }
    if (size === "later") this.#eventBytes += utf8LineBytes(text, open);
  }

  #line(text: string, from: number, end: number, size: Size, sink: SseSink): void {
    let start = from;
    if (this.#first) {
      this.#first = false;
      // The SSE spec: one leading U+FEFF is dropped, else the first field is `\ufeffdata`.
      if (start < end && text.charCodeAt(start) === BOM) start++;
    }
    if (start === end) {
      this.#dispatch(sink);
      return;
    }
    if (size !== "later") {
      this.#eventBytes += size === "length" ? end - start : utf8Bytes(text, start, end);
      if (this.#eventBytes > this.#maxEventBytes) throw this.#onOverflow();
    }
    // The hot path: `data:` lines.
    if (
      end - start >= 5 &&
      text.charCodeAt(start) === 0x64 &&
      text.charCodeAt(start + 1) === 0x61 &&
      text.charCodeAt(start + 2) === 0x74 &&
      text.charCodeAt(start + 3) === 0x61 &&
      text.charCodeAt(start + 4) === COLON
    ) {
      const from = text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
      this.#addData(text.slice(Math.min(from, end), end));
      return;
    }
    if (text.charCodeAt(start) === COLON) {
      sink.onComment();
      return;
    }
    // Looked for within the line only: a search past its end could cross every line after it.
    let nameEnd = start;
    while (nameEnd < end && text.charCodeAt(nameEnd) !== COLON) nameEnd++;
    let value = "";
    if (nameEnd < end) {
      const from = text.charCodeAt(nameEnd + 1) === SPACE ? nameEnd + 2 : nameEnd + 1;
      value = text.slice(Math.min(from, end), end);
    }
    const name = nameEnd - start;
    if (name === 4 && text.startsWith("data", start)) this.#addData(value);
    else if (name === 5 && text.startsWith("event", start)) this.#event = value;
    else if (name === 5 && text.startsWith("error", start)) {
      // Older llama.cpp builds send a mid-stream error as a bare `error: {json}` field line.
      this.#event = "error";
      this.#addData(value);
    }
  }

  #addData(value: string): void {
    this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
  }

  #dispatch(sink: SseSink): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = undefined;
    this.#event = undefined;
    this.#eventBytes = 0;
    if (data !== undefined) sink.onData(data, event);
  }
}

/** UTF-8's byte order mark: EF BB BF. */
const BOM_BYTES = [0xef, 0xbb, 0xbf];

/**
 * How many of the pieces' first bytes are (the beginning of) the byte order mark, however they
 * are cut: 3 for the whole mark, fewer while only part of it has come, else 0.
 */
function leadingBomBytes(pieces: readonly Uint8Array[]): number {
  let matched = 0;
  for (const piece of pieces) {
    for (let i = 0; i < piece.length; i++) {
      if (piece[i] !== BOM_BYTES[matched]) return 0;
      if (++matched === 3) return 3;
    }
  }
  return matched;
}

/** The index of the last LF or CR in `bytes` at or after `from`, or -1. */
function lastLineEnd(bytes: Uint8Array, from: number): number {
  for (let i = bytes.length - 1; i >= from; i--) {
    const byte = bytes[i] as number;
    // Both terminators are below 0x0e: most bytes are ruled out by one comparison.
    if (byte <= CR && (byte === LF || byte === CR)) return i;
  }
  return -1;
}

/** The index of the first LF or CR in `bytes` at or after `from` (there is one). */
function firstLineEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  for (; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte <= CR && (byte === LF || byte === CR)) break;
  }
  return i;
}

/** The size in UTF-8 of the lines of `text` from `from` on, terminators left out. */
function utf8LineBytes(text: string, from: number): number {
  let bytes = 0;
  let start = from;
  for (let i = from; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit !== LF && unit !== CR) continue;
    bytes += utf8Bytes(text, start, i);
    start = i + 1;
  }
  return bytes + utf8Bytes(text, start, text.length);
}

/**
 * The size in UTF-8 of `text[start, end)`: the bytes it was decoded from when they were valid
 * UTF-8 (a U+FFFD that replaced 1 to 3 invalid bytes counts 3, never less than they were).
 */
function utf8Bytes(text: string, start: number, end: number): number {
  let bytes = end - start;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    // Two bytes below U+0800, three up to U+FFFF; a surrogate pair (two units) is four.
    bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}
