import { getPreset, presetNames } from "@loom/llm-providers";
import { ConfigError } from "@loom/llm-types";
import { parseConfig, redactSecret, redactUrl } from "@loom/llm-utils";
import type { CliArgs } from "./cli-args.js";
import type { CliIo } from "./cli-io.js";
import { cliProjectConfig } from "./resolve-cli-provider.js";
import { table } from "./terminal.js";

/** A provider the CLI can talk to: a preset, a loom.toml table, or both. */
export interface ProviderEntry {
  name: string;
  /** `preset`, the loom.toml path, or `preset + PATH`. */
  source: string;
  /** Its base URL, credentials masked. */
  baseUrl: string;
  model: string;
  /** Whether its key is set, needed or not; `masked` shows a set key's ends only. */
  key:
    | { state: "set"; env: string | undefined; masked: string }
    | { state: "refused"; env: string | undefined; why: string }
    | { state: "none needed"; env: string | undefined }
    | { state: "missing"; env: string };
}

/** Every preset and loom.toml table, with whether its key is set. */
export function providerEntries(args: CliArgs, env: NodeJS.ProcessEnv): ProviderEntry[] {
  const project = cliProjectConfig(args);
  const presets = presetNames();
  const names = new Set([...presets, ...Object.keys(project?.llm ?? {})]);
  return [...names].map((name): ProviderEntry => {
    const preset = presets.includes(name) ? getPreset(name) : undefined;
    const configured = project?.llm[name];
    const keyEnv = configured?.apiKeyEnv ?? preset?.apiKeyEnv;
    const key = configured?.apiKey ?? (keyEnv === undefined ? undefined : env[keyEnv]);
    return {
      name,
      source:
        configured === undefined
          ? "preset"
          : preset === undefined
            ? `${project?.source}`
            : `preset + ${project?.source}`,
      baseUrl: redactUrl(configured?.baseUrl ?? preset?.baseUrl ?? ""),
      model: configured?.model ?? preset?.model ?? "",
      key:
        // Blank is unset, as the provider reads it; what the variable holds around the key (a
        // line break, quotes' neighbours) would break the table's row.
        key !== undefined && key.trim() !== ""
          ? keyState(key, keyEnv)
          : keyEnv === undefined || (preset !== undefined && preset.requiresKey !== true)
            ? // A local server takes a key only when it was started with one.
              { state: "none needed", env: keyEnv }
            : { state: "missing", env: keyEnv },
    };
  });
}

/** A key that is set: as the client takes it, or why the client would refuse it. */
function keyState(key: string, env: string | undefined): ProviderEntry["key"] {
  try {
    // The client's own check of a key (a "Bearer " copied with it, quotes, a pasted "…").
    parseConfig({ baseUrl: "https://example.invalid/v1", model: "m", apiKey: key });
  } catch (error) {
    const why = ConfigError.isInstance(error)
      ? error.issues?.find((issue) => issue.path === "apiKey")?.message
      : undefined;
    if (why !== undefined) return { state: "refused", env, why };
  }
  return { state: "set", env, masked: redactSecret(key.trim()) };
}

/** `loom-llm providers`: every preset and loom.toml table, with whether its key is set. */
export function providersCommand(args: CliArgs, io: CliIo): void {
  const rows: string[][] = [["provider", "source", "base URL", "model", "key"]];
  for (const entry of providerEntries(args, io.env)) {
    const { key } = entry;
    const keyState =
      key.state === "set"
        ? `set${key.env ? ` (${key.env}` : " (in loom.toml"}: ${key.masked})`
        : key.state === "refused"
          ? `refused${key.env ? ` (${key.env})` : " (in loom.toml)"}: ${key.why}`
          : key.state === "missing"
            ? `missing: set ${key.env}`
            : key.env === undefined
              ? "none needed"
              : `none needed (or set ${key.env})`;
    rows.push([entry.name, entry.source, entry.baseUrl, entry.model, keyState]);
  }
  io.stdout.write(`${table(rows)}\n`);
}
