// Transcript lines as `@loom/llm-testing`'s recorder writes them, built from the wire builders:
// a response body is recorded as its JSON text, a stream as the SSE text the server sent.
import type { SseReply } from "@loom/llm-testing";

/** One exchange: `response` a body object (recorded as JSON) or a stream (recorded as SSE). */
export function recordedExchange(
  path: string,
  body: unknown,
  response: Record<string, unknown> | SseReply,
): Record<string, unknown> {
  const stream = response.type === "sse";
  return {
    request: { method: "POST", path, headers: { "content-type": "application/json" }, body },
    response: {
      status: 200,
      headers: { "content-type": stream ? "text/event-stream" : "application/json" },
      body: stream ? sseText(response as SseReply) : JSON.stringify(response),
    },
  };
}

/** A transcript's text: one exchange per line. */
export function transcriptOf(...entries: readonly unknown[]): string {
  return entries
    .map((entry) => `${typeof entry === "string" ? entry : JSON.stringify(entry)}\n`)
    .join("");
}

/** `entry` with one field set to `value` (`undefined` deletes it), as a transcript line. */
export function withField(
  entry: Record<string, unknown>,
  path: readonly (string | number)[],
  value: unknown,
): string {
  const copy = structuredClone(entry) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return JSON.stringify(copy);
}

/** The bytes the fake server sends for a stream, as the recorder keeps them. */
function sseText(reply: SseReply): string {
  let text = "";
  for (const item of reply.events) {
    if (typeof item === "string") text += `data: ${item}\n\n`;
    else if ("delayMs" in item) continue;
    else if ("comment" in item) text += `: ${item.comment}\n\n`;
    else if ("event" in item && "data" in item)
      text += `event: ${item.event}\ndata: ${item.data}\n\n`;
    else text += `data: ${JSON.stringify(item)}\n\n`;
  }
  return (reply.done ?? true) ? `${text}data: [DONE]\n\n` : text;
}
