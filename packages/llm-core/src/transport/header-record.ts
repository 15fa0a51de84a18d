/**
 * A fetch `Headers` as the transport contract gives headers: a record of lower-case names (as
 * `Headers` already iterates them). Repeated headers come joined with ", ", as fetch joins them,
 * except `set-cookie`, which cannot be joined and comes as a list. The record has no prototype:
 * a server naming a header `__proto__` gets a header, not a prototype.
 *
 * Read with `forEach`, which hands each pair without the iterator and the array per entry of
 * `for…of` (this runs on every response: a third of the time on Bun, two thirds on Deno).
 */
export function headerRecord(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = Object.create(null);
  let cookie = false;
  headers.forEach((value, name) => {
    if (name === "set-cookie") cookie = true;
    else record[name] = value;
  });
  if (!cookie) return record;
  // Absent from runtimes older than the Fetch standard's getSetCookie (and browsers hide the
  // header): then the joined value.
  const cookies = headers.getSetCookie?.() ?? [];
  if (cookies.length > 1) record["set-cookie"] = cookies;
  else {
    const joined = cookies[0] ?? headers.get("set-cookie");
    if (joined !== null) record["set-cookie"] = joined;
  }
  return record;
}
