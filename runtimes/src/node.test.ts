// The conformance checks under Node.js, the runtime every other suite runs on: the reference
// that tells a wrong check from a runtime's gap.
import { describeRuntime } from "./harness.js";
import { node } from "./script-runtimes.js";

describeRuntime(node);
