// The first module the entry point imports, so it runs before undici's: on a Node.js older than
// the package supports, undici fails inside its own code ("Cannot read properties of undefined
// (reading 'bind')"), which names neither the cause nor the fix.
import { currentRuntime } from "./runtime/current-runtime.js";

/** The oldest Node.js this package runs on, as `engines` in its package.json says. */
const MINIMUM: readonly [number, number] = [22, 19];

// Node.js only: Bun, Deno and Workers with nodejs_compat report a Node.js version too, the one
// they are compatible with, which says nothing of what they run (currentRuntime tells them apart).
const { name, version } = currentRuntime();
if (name === "node" && version !== undefined) {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
    const error = new Error(
      `@loom/llm-core needs Node.js >= ${MINIMUM.join(".")}; this is Node.js ${version}. Install a newer Node.js (nodejs.org, or a version manager such as nvm or fnm).`,
    );
    error.name = "UnsupportedRuntimeError";
    throw error;
  }
}
