// The conformance checks under workerd (Cloudflare Workers), through Miniflare: the checks and
// `@loom/llm` bundled for the `workerd` condition into one module worker (issue 26).
import { describeRuntime } from "./harness.js";
import { workerd } from "./workerd.js";

describeRuntime(workerd);
