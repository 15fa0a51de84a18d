import type { CliIo } from "./cli-io.js";

/**
 * What a terminal would act on, in text from a server or a model: every escape (an SGR,
 * `ESC [ … m`, is captured, to be let through when it only sets a colour), a carriage return
 * not followed by a line feed (it would send the cursor back to overwrite the line), the other
 * C0 controls but tab and line feed, DEL and the C1 controls; and the invisible characters that
 * make text read other than it is: bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), the zero-width space (U+200B) and a zero-width no-break space (U+FEFF).
 */
const CONTROLS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
  /\u001b(?:\[([0-9;]*)m)?|\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Which SGR sequences (by their parameters, `31`, `38;5;208`) may act on the terminal. */
export type SgrPolicy = (params: string) => boolean;

/** No SGR acts: every escape is shown. */
export const NO_SGR: SgrPolicy = () => false;

const isByte = (param: string | undefined): boolean =>
  param !== undefined && /^[0-9]{1,3}$/.test(param) && Number(param) <= 255;

/**
 * Parameters that only set or reset a colour: 0 (or none: reset all), foreground 30–37, 39 and
 * 90–97, background 40–47, 49 and 100–107, and the 256-colour and truecolor forms `38;5;N`,
 * `38;2;R;G;B` (48 for the background). Not bold, dim, italic, underline, blink (5), reverse
 * (7), conceal (8), strike-through, nor anything else.
 */
export const COLOURS_ONLY: SgrPolicy = (params) => {
  const parts = params.split(";");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!/^[0-9]{0,3}$/.test(part)) return false;
    const n = Number(part);
    if (
      n === 0 ||
      (n >= 30 && n <= 37) ||
      n === 39 ||
      (n >= 40 && n <= 47) ||
      n === 49 ||
      (n >= 90 && n <= 97) ||
      (n >= 100 && n <= 107)
    )
      continue;
    if (n === 38 || n === 48) {
      if (parts[i + 1] === "5" && isByte(parts[i + 2])) {
        i += 2;
        continue;
      }
      if (parts[i + 1] === "2" && [2, 3, 4].every((k) => isByte(parts[i + k]))) {
        i += 4;
        continue;
      }
    }
    return false;
  }
  return true;
};

/** What the CLI writes of its own (bold, dim, their reset: see `paintFor`), beside colours. */
const OWN_OR_COLOURS: SgrPolicy = (params) =>
  params === "1" || params === "2" || params === "22" || COLOURS_ONLY(params);

/**
 * `text` with its terminal controls shown, not acted on: `^[`, `^G`, `^M`, `^?`, `<U+009B>`,
 * `<U+202E>`. An SGR sequence the policy allows is kept as it is; `onSgr` hears of each one kept.
 */
export function showControls(
  text: string,
  allowed: SgrPolicy = COLOURS_ONLY,
  onSgr?: () => void,
): string {
  return text.replace(CONTROLS, (match, params: string | undefined) => {
    if (params !== undefined && allowed(params)) {
      onSgr?.();
      return match;
    }
    const code = match.charCodeAt(0);
    if (code === 0x1b) return `^[${match.slice(1)}`;
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return "^?";
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  });
}

/** `text` on one line: its line feeds and carriage returns shown as `^J` and `^M`. */
export function oneLine(text: string): string {
  return text.replace(/[\n\r]/g, (char) => (char === "\n" ? "^J" : "^M"));
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * Whether escape sequences may colour what is written to the stream: a terminal, no `NO_COLOR`
 * (any value but empty), and a `TERM` other than `dumb`.
 */
export function coloursOn(stream: Stream, env: CliIo["env"]): boolean {
  return (
    stream.isTTY === true &&
    (env.NO_COLOR === undefined || env.NO_COLOR === "") &&
    env.TERM !== "dumb"
  );
}

/**
 * A terminal stream that shows, rather than acts on, the controls in what is written to it,
 * whoever wrote it: the CLI's own colours, bold and dim pass (and a model's colours, which
 * `ModelText` has already checked), nothing else; no SGR at all where colours are off. A stream
 * that is no terminal (a pipe, a file) is returned as it is, its bytes untouched.
 */
export function terminalSafe<T extends Stream>(stream: T, env: CliIo["env"] = {}): T {
  if (stream.isTTY !== true) return stream;
  const allowed = coloursOn(stream, env) ? OWN_OR_COLOURS : NO_SGR;
  return new Proxy(stream, {
    get(target, property) {
      if (property === "write")
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(
            typeof chunk === "string" ? showControls(chunk, allowed) : chunk,
            ...rest,
          );
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A model's answer written to a stream, piece by piece. On a terminal, its colours act (when
 * colours are on) and any other escape is shown; once it ends, `ESC[0m` resets whatever colour
 * it left on, so the CLI's own lines and the shell after it are not painted. A carriage return
 * at the end of a piece waits for the next: it may be the first half of a line end. Piped or
 * redirected, the answer is written byte for byte.
 */
export class ModelText {
  readonly #stream: Stream;
  readonly #tty: boolean;
  readonly #allowed: SgrPolicy;
  #coloured = false;
  #held = "";
  #last = "";

  constructor(stream: Stream, env: CliIo["env"]) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#allowed = coloursOn(stream, env) ? COLOURS_ONLY : NO_SGR;
  }

  /** Whether any of the answer was written. */
  get started(): boolean {
    return this.#last !== "";
  }

  /** Whether what was written ends a line (or nothing was written). */
  get endsLine(): boolean {
    return this.#last === "" || this.#last.endsWith("\n");
  }

  write(text: string): void {
    if (text === "") return;
    this.#last = text;
    if (!this.#tty) {
      this.#stream.write(text);
      return;
    }
    let piece = this.#held + text;
    this.#held = "";
    if (piece.endsWith("\r")) {
      this.#held = "\r";
      piece = piece.slice(0, -1);
    }
    if (piece !== "") this.#stream.write(this.#show(piece));
  }

  /** The answer is over: a carriage return held is shown, a colour left on is reset. */
  end(): void {
    if (!this.#tty) return;
    let tail = this.#held === "" ? "" : this.#show(this.#held);
    this.#held = "";
    if (this.#coloured) tail += "\u001b[0m";
    this.#coloured = false;
    if (tail !== "") this.#stream.write(tail);
  }

  #show(text: string): string {
    return showControls(text, this.#allowed, () => {
      this.#coloured = true;
    });
  }
}

/** A whole answer as `ModelText` shows it: its colours reset at its end. */
export function shownAnswer(text: string, stream: Stream, env: CliIo["env"]): string {
  if (stream.isTTY !== true) return text;
  let coloured = false;
  const shown = showControls(text, coloursOn(stream, env) ? COLOURS_ONLY : NO_SGR, () => {
    coloured = true;
  });
  return coloured ? `${shown}\u001b[0m` : shown;
}
