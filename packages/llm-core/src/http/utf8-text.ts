/**
 * One decoder for every complete piece of text: a decode without `stream` keeps no state, so it
 * can be shared. `ignoreBOM` keeps a U+FEFF as text rather than dropping one that opens the
 * piece (the SSE decoder drops the one a stream may open itself); `fatal` is off, so bytes that
 * are not UTF-8 become U+FFFD, each maximal invalid subpart one (the Encoding Standard), as
 * Node.js's `Buffer#toString` makes them too.
 */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The text of complete UTF-8 bytes. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The text of chunks read one after another, `size` bytes in all: joined, then decoded once,
 * so a character split between two chunks is whole again.
 */
export function utf8Text(chunks: readonly Uint8Array[], size: number): string {
  const [first] = chunks;
  if (chunks.length === 1 && first !== undefined) return decoder.decode(first);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return decoder.decode(all);
}
