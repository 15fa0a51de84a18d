import { loadProjectConfigSync, presetNames } from "@loom/llm-providers";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";

/** `loom-llm config check [PATH]`: the same validation, and the same errors, as the library. */
export function configCheckCommand(args: CliArgs, io: CliIo): void {
  const path = args.positionals[0] ?? args.config ?? "loom.toml";
  const project = loadProjectConfigSync(path);
  const presets = presetNames();
  const tables = Object.keys(project.llm).map(
    (name) => `${name} (${presets.includes(name) ? "preset override" : "custom"})`,
  );
  io.stdout.write(
    `${path}: OK, ${tables.length} provider table${tables.length === 1 ? "" : "s"}${tables.length ? `: ${tables.join(", ")}` : ""}\n`,
  );
}
