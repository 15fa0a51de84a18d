import { CREDENTIAL_PARAM } from "./redactor.js";

// `scheme://user:password@`: as a URL parser reads it, up to the last `@` before the path, the
// query or the fragment, so a password holding a space or a raw `@` is user-info to its end.
const USERINFO = /(\/\/)[^/?#]*@/g;
// In text that is not a URL, up to its last `@`: a pasted password holding a raw `/`, `?`, `#`
// or `%` (base64 keys hold `/`) is what breaks the parse, so none of them can end it there.
// Callers pass one URL, nothing around it.
const LOOSE_USERINFO = /(\/\/)[\s\S]*@/g;
// `?name=value` and `&name=value` pairs.
const QUERY_PAIR = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;

/**
 * A URL as it may be shown: credentials in its user-info and in credential-like query
 * parameters (`api-key`, `key`, `token`, `sig`, …) replaced by `…`. Works on text that does
 * not parse as a URL too, since that is exactly what a config error quotes.
 */
export function redactUrl(url: string): string {
  return url
    .replace(URL.canParse(url) ? USERINFO : LOOSE_USERINFO, "$1…@")
    .replace(QUERY_PAIR, (pair, separator: string, name: string) =>
      CREDENTIAL_PARAM.test(decode(name)) ? `${separator}${name}=…` : pair,
    );
}

/**
 * The secrets a URL carries: its password and the values of credential-like parameters, as
 * written and as decoded (a `+` is a plus to a server that echoes the raw query, a space to one
 * that decodes it as a form).
 */
export function urlSecrets(url: string): string[] {
  const secrets: string[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: nothing is sent to it, so nothing to mask in replies.
    return secrets;
  }
  if (parsed.password !== "") secrets.push(decode(parsed.password));
  for (const pair of parsed.search.slice(1).split(/[&;]/)) {
    const equals = pair.indexOf("=");
    if (equals <= 0) continue;
    const name = decode(pair.slice(0, equals));
    const value = pair.slice(equals + 1);
    if (!CREDENTIAL_PARAM.test(name) || value === "") continue;
    secrets.push(value, decode(value), decode(value.replaceAll("+", " ")));
  }
  return secrets;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
