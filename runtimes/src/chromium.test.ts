// The conformance checks in headless Chromium (Debian's, driven by playwright-core): the checks
// and `@loom/llm` bundled for the `browser` condition, imported by a page on another origin
// than the fake server's, which allows CORS (issue 26).
import { chromium } from "./chromium.js";
import { describeRuntime } from "./harness.js";

describeRuntime(chromium);
