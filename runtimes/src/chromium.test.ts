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
  },
});
