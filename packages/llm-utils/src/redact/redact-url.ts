import { CREDENTIAL_PARAM } from "./redactor.js";

// A scheme and whatever slashes follow it (`https://`, `https:/`, `https:\\`, `redis://`, `user:`).
const SCHEME = /^[a-z][a-z0-9+.-]*:[/\\]*/i;
// `?name=value` and `&name=value` pairs.
const QUERY_PAIR = /([?&;])([^=&#;\s]+)=([^&#;\s]*)/g;

/**
 * A URL as it may be shown: credentials in its user-info and in credential-like query
 * parameters (`api-key`, `key`, `token`, `sig`, …) replaced by `…`. Works on text that does
 * not parse as a URL too, since that is exactly what a config error quotes.
 */
export function redactUrl(url: string): string {
  return withoutUserinfo(url).replace(QUERY_PAIR, (pair, separator: string, name: string) =>
    CREDENTIAL_PARAM.test(decode(name)) ? `${separator}${name}=…` : pair,
  );
}

/**
 * `url` with everything from its scheme to its last `@` masked, unless a URL parser reads it
 * with a host and no user-info (`https://host/v1/models/m@001`: that `@` is its path's). A
 * password may hold any character: a raw `/`, `%`, `#` or `?` breaks the parse or moves the
 * host (`redis://u:p@ss#word@host` is host `ss` to a parser), so when user-info is there at
 * all, the last `@` is taken as its end (what follows it may be more of the password; a host
 * masked with it is the lesser harm). Callers pass one URL, nothing around it.
 */
function withoutUserinfo(url: string): string {
  const at = url.lastIndexOf("@");
  if (at < 0) return url;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (
    parsed !== undefined &&
    parsed.host !== "" &&
    parsed.username === "" &&
    parsed.password === ""
  )
    return url;
  return `${SCHEME.exec(url)?.[0] ?? ""}…${url.slice(at)}`;
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
