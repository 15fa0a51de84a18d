import { ConfigError } from "@loom/llm-types";
import { type ProjectConfigOptions, parseProjectConfig } from "./parse-project-config.js";
import type { ProjectConfig } from "./project-config.js";

/** Reads and validates a `loom.toml`. A missing file is a `ConfigError` with the resolved path. */
export async function loadProjectConfig(
  path = "loom.toml",
  options: ProjectConfigOptions = {},
): Promise<ProjectConfig> {
  const node = nodeBuiltins(path);
  let text: string;
  try {
    text = await node.fs.promises.readFile(path, "utf8");
  } catch (error) {
    throw notReadable(path, error, node);
  }
  return parseProjectConfig(text, path, options);
}

/** `loadProjectConfig` for start-up code that cannot await. */
export function loadProjectConfigSync(
  path = "loom.toml",
  options: ProjectConfigOptions = {},
): ProjectConfig {
  const node = nodeBuiltins(path);
  let text: string;
  try {
    text = node.fs.readFileSync(path, "utf8");
  } catch (error) {
    throw notReadable(path, error, node);
  }
  return parseProjectConfig(text, path, options);
}

interface NodeBuiltins {
  fs: typeof import("node:fs");
  path: typeof import("node:path");
}

/**
 * `node:fs` and `node:path`, from `process.getBuiltinModule` (Node.js, Bun, Deno) rather than a
 * static import: that would stop the whole package loading where they do not exist (a browser,
 * a Worker), for `parseProjectConfig` too, which needs no file system.
 */
function nodeBuiltins(file: string): NodeBuiltins {
  const load = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (load === undefined) {
    throw new ConfigError({
      message: `${file} cannot be read: this runtime has no file system (node:fs). Read the file another way and pass its text to parseProjectConfig(text, "${file}").`,
      file,
    });
  }
  return {
    fs: load("node:fs") as NodeBuiltins["fs"],
    path: load("node:path") as NodeBuiltins["path"],
  };
}

function notReadable(path: string, error: unknown, node: NodeBuiltins): ConfigError {
  const code = (error as { code?: unknown }).code;
  const full = node.path.resolve(path);
  return new ConfigError({
    message:
      code === "ENOENT"
        ? `${path} not found (looked at ${full})`
        : `${path} could not be read (${full}): ${String(code ?? error)}`,
    file: path,
    cause: error,
  });
}
