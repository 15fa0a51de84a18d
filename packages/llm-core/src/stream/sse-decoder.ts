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

/**
 * Server-Sent Events decoding on bytes. Lines are found by their terminator bytes (LF, CR or
 * CRLF, which never occur inside a multi-byte UTF-8 character), and each line is decoded once
 * when complete: a character or a CRLF split across TCP chunks is reassembled, not garbled, and
 * no string is built per chunk. A line split over many chunks is joined once, so time and memory
 * are linear in the input however it is split. `data:` with or without its space, multi-line
 * data, comments, a leading byte order mark and llama.cpp's old `error:` field line are
 * handled; unknown fields are ignored.
 */
export class SseDecoder {
  readonly #maxEventBytes: number;
  readonly #onOverflow: () => Error;
  /**
   * The pieces of a line not yet terminated, kept as they came: joined once, when the line
   * ends, so a long line costs its length once, not once per chunk.
   */
  readonly #partial: Buffer[] = [];
  #partialBytes = 0;
  /** The previous chunk ended in CR: an LF starting this one belongs to it. */
  #skipLF = false;
  /** No line was read yet: a UTF-8 byte order mark before it is dropped. */
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
    // A transport may hand plain bytes: viewed as a Buffer (no copy) for its decoding methods.
    let buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#skipLF) {
      this.#skipLF = false;
      if (buf.length > 0 && buf[0] === LF) buf = buf.subarray(1);
    }
    const length = buf.length;
    let pos = 0;
    // Each terminator is searched for once per occurrence, never rescanning: a buffer with no
    // CR at all costs one native scan for CR, not one per line.
    let lf = buf.indexOf(LF);
    let cr = buf.indexOf(CR);
    while (pos < length) {
      if (lf !== -1 && lf < pos) lf = buf.indexOf(LF, pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf(CR, pos);
      let end: number;
      let next: number;
      if (lf === -1 && cr === -1) break;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < length) {
          next = buf[cr + 1] === LF ? cr + 2 : cr + 1;
        } else {
          next = cr + 1;
          this.#skipLF = true;
        }
      }
      if (this.#partialBytes > 0) {
        // The line began in an earlier chunk: join its pieces, once.
        const line = this.#join(buf.subarray(pos, end));
        this.#line(line, 0, line.length, sink);
      } else {
        this.#line(buf, pos, end, sink);
      }
      pos = next;
    }
    if (pos < length) {
      const piece = buf.subarray(pos);
      this.#partial.push(piece);
      this.#partialBytes += piece.length;
      if (this.#partialBytes + this.#eventBytes > this.#maxEventBytes) throw this.#onOverflow();
    }
  }

  #join(last: Buffer): Buffer {
    const pieces = this.#partial;
    pieces.push(last);
    const line = Buffer.concat(pieces, this.#partialBytes + last.length);
    pieces.length = 0;
    this.#partialBytes = 0;
    return line;
  }

  /** Flushes at end of input: a last line without terminator, a last event without blank line (llama.cpp). */
  end(sink: SseSink): void {
    if (this.#partialBytes > 0) {
      const rest = this.#join(Buffer.alloc(0));
      this.#line(rest, 0, rest.length, sink);
    }
    this.#dispatch(sink);
  }

  #line(buf: Buffer, from: number, end: number, sink: SseSink): void {
    let start = from;
    if (this.#first) {
      this.#first = false;
      // The SSE spec: one leading U+FEFF is dropped, else the first field is `\ufeffdata`.
      if (
        end - start >= 3 &&
        buf[start] === 0xef &&
        buf[start + 1] === 0xbb &&
        buf[start + 2] === 0xbf
      )
        start += 3;
    }
    if (start === end) {
      this.#dispatch(sink);
      return;
    }
    this.#eventBytes += end - start;
    if (this.#eventBytes > this.#maxEventBytes) throw this.#onOverflow();
    // The hot path: `data:` lines, recognised on bytes.
    if (
      end - start >= 5 &&
      buf[start] === 0x64 &&
      buf[start + 1] === 0x61 &&
      buf[start + 2] === 0x74 &&
      buf[start + 3] === 0x61 &&
      buf[start + 4] === COLON
    ) {
      const from = buf[start + 5] === SPACE ? start + 6 : start + 5;
      this.#addData(buf.toString("utf8", Math.min(from, end), end));
      return;
    }
    if (buf[start] === COLON) {
      sink.onComment();
      return;
    }
    const colon = buf.subarray(start, end).indexOf(COLON);
    const nameEnd = colon === -1 ? end : start + colon;
    const name = buf.toString("latin1", start, nameEnd);
    let value = "";
    if (nameEnd < end) {
      const from = buf[nameEnd + 1] === SPACE ? nameEnd + 2 : nameEnd + 1;
      value = buf.toString("utf8", Math.min(from, end), end);
    }
    if (name === "data") this.#addData(value);
    else if (name === "event") this.#event = value;
    else if (name === "error") {
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
