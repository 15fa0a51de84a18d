// The workerd entry of the conformance checks (Cloudflare Workers, through Miniflare): a module
// worker whose fetch handler runs the checks against the fake server named by the request's
// `?server=http://127.0.0.1:PORT` and streams one JSON line per check as it finishes, so a run
// cut short still shows the checks that did finish. What `show` is given goes to workerd's own
// console (its stdout), whose inspection must not reveal the key either.
import { runChecks } from "./checks.mjs";

export default {
  async fetch(request) {
    const server = new URL(request.url).searchParams.get("server");
    if (server === null)
      return new Response("usage: ?server=http://127.0.0.1:PORT\n", { status: 400 });
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const done = runChecks(
      server,
      (line) => writer.write(encoder.encode(`${JSON.stringify(line)}\n`)),
      (label, value) => console.log(`[show] ${label}:`, value),
    ).then(
      () => writer.close(),
      (error) => writer.abort(error),
    );
    // The stream keeps the request alive; the promise is not left floating either.
    void done;
    return new Response(readable, { headers: { "content-type": "application/x-ndjson" } });
  },
};
