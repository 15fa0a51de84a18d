import type { EchoEncoding } from "@loom/llm-testing";

/**
 * The headers a hostile echo carries, undisguised: what follows `headers: `, decoded. What an
 * official client hands back holds the echo as the server disguised it.
 */
export function undisguise(echo: string, encoding: EchoEncoding): string {
  const encoded = echo.slice(echo.indexOf("headers: ") + "headers: ".length);
  if (encoding === "url") return decodeURIComponent(encoded);
  if (encoding === "base64") return Buffer.from(encoded, "base64").toString();
  if (encoding === "hex") return Buffer.from(encoded, "hex").toString();
  return encoded;
}
