// The conformance checks under Bun (the binary of the `bun` npm package), issue 26. Bun gets
// the fetch transport by its export condition: its own `undici` is a built-in stand-in that
// answers without a status, so Node's transport would fail every call there.
import { describeRuntime } from "./harness.js";
import { bun } from "./script-runtimes.js";

describeRuntime(bun);
