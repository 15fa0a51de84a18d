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
  const base64 = /;base64/i.test(data[2] ?? "")
    ? payload
    : percentDecoded(payload).toString("base64");
  return { type: "image", source: { type: "base64", media_type: mediaType, data: base64 } };
}

/** The bytes a percent-encoded payload stands for (`%FF` is a byte, not a character). */
function percentDecoded(text: string): Buffer {
  const input = Buffer.from(text, "utf8");
  const out = Buffer.alloc(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    const hex = byte === 0x25 ? input.toString("latin1", i + 1, i + 3) : "";
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      out[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}
