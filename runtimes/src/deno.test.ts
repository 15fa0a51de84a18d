// The conformance checks under Deno (the binary of the `deno` npm package), resolving
// `@loom/llm` from this package's node_modules (issue 26).
import { describeRuntime } from "./harness.js";
import { deno } from "./script-runtimes.js";

describeRuntime(deno);
