import type { TextPattern } from "./text-pattern.js";

/**
 * A text matched as it is (a base64 core, a hex form), by `indexOf`: as fast as a regular
 * expression of it, and with no limit on its length, where V8 refuses to compile a regular
 * expression past a size a long credential (a cookie, a token of several kB) can reach.
 */
export class LiteralPattern implements TextPattern {
  lastIndex = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  exec(text: string): { index: number; 0: string } | null {
    const index = text.indexOf(this.#text, this.lastIndex);
    if (index === -1) {
      this.lastIndex = 0;
      return null;
    }
    this.lastIndex = index + this.#text.length;
    return { index, 0: this.#text };
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }
}
