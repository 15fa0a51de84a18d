import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "@loom/llm-types";
import { type ProjectConfigOptions, parseProjectConfig } from "./parse-project-config.js";
import type { ProjectConfig } from "./project-config.js";

/** Reads and validates a `loom.toml`. A missing file is a `ConfigError` with the resolved path. */
export async function loadProjectConfig(
  path = "loom.toml",
  options: ProjectConfigOptions = {},
): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw notReadable(path, error);
  }
  return parseProjectConfig(text, path, options);
}

/** `loadProjectConfig` for start-up code that cannot await. */
export function loadProjectConfigSync(
  path = "loom.toml",
  options: ProjectConfigOptions = {},
): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw notReadable(path, error);
  }
  return parseProjectConfig(text, path, options);
}

function notReadable(path: string, error: unknown): ConfigError {
  const code = (error as { code?: unknown }).code;
  const full = resolve(path);
  return new ConfigError({
    message:
      code === "ENOENT"
        ? `${path} not found (looked at ${full})`
        : `${path} could not be read (${full}): ${String(code ?? error)}`,
    file: path,
    cause: error,
  });
}
