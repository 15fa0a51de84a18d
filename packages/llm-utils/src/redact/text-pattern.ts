/**
 * What the redactor searches text with: the part of a global `RegExp`'s interface it uses
 * (`lastIndex`, `exec`, `test`, with the same meaning), so a `RegExp` is one, and so are the
 * searches a regular expression cannot do for a long secret (`LiteralPattern`,
 * `SpelledPattern`).
 */
export interface TextPattern {
  /** Where the next search starts; after a match, its end; after none, 0. */
  lastIndex: number;
  exec(text: string): { readonly index: number; readonly 0: string } | null;
  test(text: string): boolean;
}
