/**
 * An image part as Anthropic's image block: a `data:` URL as a base64 `source` (a
 * percent-encoded one is re-encoded to base64, the only inline form Anthropic takes), any
 * other URL as a `url` source for Anthropic to fetch. OpenAI's `detail` has no equivalent and
 * is not sent.
 */
export function toImageBlock(url: string): Record<string, unknown> {
  const data = /^data:([^,;]*)((?:;[^,;]*)*),/i.exec(url);
  if (data === null) return { type: "image", source: { type: "url", url } };
  const mediaType = data[1] ?? "";
  const payload = url.slice(data[0].length);
  const base64 = /;base64/i.test(data[2] ?? "") ? payload : toBase64(percentDecoded(payload));
  return { type: "image", source: { type: "base64", media_type: mediaType, data: base64 } };
}

/** The bytes a percent-encoded payload stands for (`%FF` is a byte, not a character). */
function percentDecoded(text: string): Uint8Array {
  const input = new TextEncoder().encode(text);
  const out = new Uint8Array(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    const high = byte === 0x25 ? hexDigit(input[i + 1]) : -1;
    const low = high === -1 ? -1 : hexDigit(input[i + 2]);
    if (low !== -1) {
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

/** The value of an ASCII hex digit, or -1. */
function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Base64 of bytes through `btoa`, which every runtime has: it takes one character per byte. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: the characters go to String.fromCharCode as arguments, on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
