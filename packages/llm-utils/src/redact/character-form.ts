/**
 * One way a character of a secret may be written: as is, JSON-escaped or percent-encoded.
 * Escapes are stored with lower-case hex and compared case-insensitively (`hex`).
 */
export interface CharacterForm {
  readonly text: string;
  readonly hex: boolean;
}

/**
 * How many characters of `form` the text at `at` agrees with: the whole form, fewer when the
 * text ends first, or -1 when it differs. Hex digits of an escape match in either case (`%2F`
 * and `%2f`, `\u00E9` and `\u00e9`).
 */
export function matchedLength(text: string, at: number, form: CharacterForm): number {
  const expected = form.text;
  const length = Math.min(expected.length, text.length - at);
  for (let k = 0; k < length; k++) {
    const wanted = expected.charCodeAt(k);
    let got = text.charCodeAt(at + k);
    if (form.hex && wanted >= 0x61 && wanted <= 0x66 && got >= 0x41 && got <= 0x46) got += 0x20;
    if (got !== wanted) return -1;
  }
  return length;
}
