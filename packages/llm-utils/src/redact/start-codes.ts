/**
 * A set of UTF-16 code units looked up per character: a table for ASCII, where every start of
 * a secret's forms but its literal first character lies, and a `Set` for the rest. A streamed
 * piece is a few characters: a loop over them costs a fraction of a regular expression's call.
 */
export class StartCodes {
  readonly #ascii = new Uint8Array(128);
  readonly #others = new Set<number>();

  constructor(codes: Iterable<number>) {
    for (const code of codes) {
      if (code < 128) this.#ascii[code] = 1;
      else this.#others.add(code);
    }
  }

  has(code: number): boolean {
    return code < 128 ? this.#ascii[code] === 1 : this.#others.has(code);
  }

  /** Whether `text` holds any of them. */
  anyIn(text: string): boolean {
    const ascii = this.#ascii;
    const others = this.#others;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128 ? ascii[code] === 1 : others.size > 0 && others.has(code)) return true;
    }
    return false;
  }
}
