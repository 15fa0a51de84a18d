import { getPreset, presetNames } from "@loom/llm-providers";
import { redactSecret, redactUrl } from "@loom/llm-utils";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { cliProjectConfig } from "./resolve-cli-provider.js";
import { table } from "./terminal.js";

/** `loom-llm providers`: every preset and loom.toml table, with whether its key is set. */
export function providersCommand(args: CliArgs, io: CliIo): void {
  const project = cliProjectConfig(args);
  const rows: string[][] = [["provider", "source", "base URL", "model", "key"]];
  const presets = presetNames();
  const names = new Set([...presets, ...Object.keys(project?.llm ?? {})]);
  for (const name of names) {
    const preset = presets.includes(name) ? getPreset(name) : undefined;
    const configured = project?.llm[name];
    const keyEnv = configured?.apiKeyEnv ?? preset?.apiKeyEnv;
    const key = configured?.apiKey ?? (keyEnv === undefined ? undefined : io.env[keyEnv]);
    const keyState =
      key !== undefined && key !== ""
        ? `set${keyEnv ? ` (${keyEnv}` : " (in loom.toml"}: ${redactSecret(key)})`
        : keyEnv === undefined
          ? "none needed"
          : preset !== undefined && preset.requiresKey !== true
            ? // A local server takes a key only when it was started with one.
              `none needed (or set ${keyEnv})`
            : `missing: set ${keyEnv}`;
    rows.push([
      name,
      configured === undefined
        ? "preset"
        : preset === undefined
          ? `${project?.source}`
          : `preset + ${project?.source}`,
      redactUrl(configured?.baseUrl ?? preset?.baseUrl ?? ""),
      configured?.model ?? preset?.model ?? "",
      keyState,
    ]);
  }
  io.stdout.write(`${table(rows)}\n`);
}
