/**
 * A fetch `Headers` as the transport contract gives headers: a record of lower-case names (as
 * `Headers` already iterates them). Repeated headers come joined with ", ", as fetch joins them,
 * except `set-cookie`, which cannot be joined and comes as a list. The record has no prototype:
 * a server naming a header `__proto__` gets a header, not a prototype.
 */
export function headerRecord(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of headers) {
    if (name !== "set-cookie") record[name] = value;
  }
  // Absent from runtimes older than the Fetch standard's getSetCookie (and browsers hide the
  // header): then the joined value, if any.
  const cookies = headers.getSetCookie?.() ?? [];
  if (cookies.length > 1) record["set-cookie"] = cookies;
  else {
    const cookie = cookies[0] ?? headers.get("set-cookie");
    if (cookie !== null) record["set-cookie"] = cookie;
  }
  return record;
}
