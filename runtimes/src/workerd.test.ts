// The conformance checks under workerd (Cloudflare Workers), through Miniflare: the checks and
// `@loom/llm` bundled for the `workerd` condition into one module worker (issue 26).
import { describeRuntime } from "./harness.js";
import { workerd } from "./workerd.js";

describeRuntime(workerd, {
  knownGaps: {
    // workerd says only "internal error; reference = …": a failure that may have come before the
    // request went, so it is retried within maxRetries (docs/reliability.md, the fetch transport).
    "a header block too large: not resent":
      "workerd names no reason (internal error), so the request is retried within maxRetries",
  },
});
