// The conformance checks in headless Chromium (Debian's, driven by playwright-core): the checks
// and `@loom/llm` bundled for the `browser` condition, imported by a page on another origin
// than the fake server's, which allows CORS (issue 26).
import { chromium } from "./chromium.js";
import { describeRuntime } from "./harness.js";

describeRuntime(chromium, {
  knownGaps: {
    // A page's fetch rejects with a bare TypeError ("Failed to fetch") whatever went wrong: a
    // failure that may have come before the request went, so it is retried within maxRetries.
    "a header block too large: not resent":
      "the browser names no reason (Failed to fetch), so the request is retried within maxRetries",
    // Chromium's network stack sends a request again by itself when a reused keep-alive
    // connection closes before the answer, and a page cannot turn that off: streaming the body
    // (what stops Deno's) needs HTTP/2 there.
    // A body that fails to decode and a connection cut mid-body both read as "network error".
    "a body not in its declared gzip: InvalidResponseError, not resent":
      "the browser names no reason for a body that does not decode (network error): a ConnectionError, not resent",
    "every send counted on a reused connection":
      "the browser resends a request on a reused connection that closed before its answer, uncounted",
  },
});
