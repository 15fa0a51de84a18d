import { isObject, type Json } from "./transcript-fields.js";

/**
 * The JSON object of each `data:` line of a recorded stream, in order; `event:` names are left
 * out (every protocol repeats them as the payload's `type`), and so is a line that is not a JSON
 * object (`[DONE]`, a comment, a cut line): it adds nothing to the answer. Line by line rather
 * than event by event, since every server sends an event's JSON on one line, and a server that
 * forgets the blank line between events is still read.
 */
export function ssePayloads(body: string): Json[] {
  const payloads: Json[] = [];
  for (const line of body.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") continue;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      continue;
    }
    if (isObject(payload)) payloads.push(payload);
  }
  return payloads;
}
