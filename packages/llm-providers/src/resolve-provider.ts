import {
  ConfigError,
  type LLMConfigInput,
  type LLMContext,
  type ProviderHooks,
} from "@loom/llm-types";
import { hideSecrets, keyHeaderIn, runtimeEnv } from "@loom/llm-utils";
import type { ProjectConfig } from "./config/project-config.js";
import type { CostHooksOptions } from "./cost/cost-hooks.js";
import { presetHooks } from "./preset/preset-hooks.js";
import { presets } from "./preset/presets.js";
import type { ProviderPreset } from "./preset/provider-preset.js";
import type { ProviderRegistry } from "./preset/provider-registry.js";
import type { ProviderOverrides } from "./provider-overrides.js";

/**
 * What it takes to construct a client: its config, the preset's hooks (wire rules) and how to
 * price its responses (the cost hooks are added by whoever builds the client, after these).
 */
export interface ResolvedProvider {
  config: LLMConfigInput;
  hooks: ProviderHooks[];
  cost: CostHooksOptions;
}

/**
 * Resolves a preset by name into a provider's construction arguments. The key comes from
 * `ctx.env` (else `process.env`, where the runtime has one: `runtimeEnv()`) by the preset's
 * variable (or `overrides.apiKeyEnv`); a preset that needs a key and finds none is a
 * `ConfigError` naming the variable to set, here and not at the first call.
 */
export function resolvePreset(
  ctx: LLMContext | undefined,
  name: string,
  overrides: ProviderOverrides = {},
  registry: ProviderRegistry = presets,
): ResolvedProvider {
  return resolve(ctx, name, registry.get(name), overrides, undefined);
}

/**
 * Resolves a `[llm.NAME]` table of a project config: a table named after a preset overrides
 * that preset; any other table is a custom provider. A preset without a table is used as is.
 */
export function resolveFromConfig(
  ctx: LLMContext | undefined,
  name: string,
  project: ProjectConfig,
  overrides: ProviderOverrides = {},
  registry: ProviderRegistry = presets,
): ResolvedProvider {
  const table = project.llm[name];
  if (table === undefined) {
    // A preset the file has no table for: used as is, its errors naming no table of the file.
    if (registry.has(name)) return resolve(ctx, name, registry.get(name), overrides, undefined);
    const tables = Object.keys(project.llm);
    throw new ConfigError({
      file: project.source,
      message: `No [llm.${name}] table in ${project.source} and no preset named "${name}". Tables: ${tables.join(", ") || "none"}; presets: ${registry.names().join(", ")}`,
    });
  }
  const { price, ...fields } = table;
  // A literal api_key is hidden from spreads (so it never prints): carry it over by name.
  if (table.apiKey !== undefined) fields.apiKey = table.apiKey;
  const preset: ProviderPreset = registry.has(name)
    ? registry.get(name)
    : {
        baseUrl: fields.baseUrl ?? "",
        model: fields.model ?? "",
        // A custom table naming a key variable means that provider needs the key.
        requiresKey: fields.apiKeyEnv !== undefined,
      };
  const merged: ProviderOverrides = { ...fields, ...overrides };
  if (price !== undefined && overrides.price === undefined) merged.price = price;
  return resolve(ctx, name, preset, merged, project.source);
}

function resolve(
  ctx: LLMContext | undefined,
  name: string,
  preset: Readonly<ProviderPreset>,
  overrides: ProviderOverrides,
  file: string | undefined,
): ResolvedProvider {
  const { price, tracker, ...fields } = overrides;
  const env = ctx?.env ?? runtimeEnv();
  const protocol = fields.protocol ?? preset.protocol ?? "openai-chat";
  // A header the wire sends the key in, given by the caller, is the request's credential (a
  // gateway's token): the preset's own variable is then neither read nor required. A key asked
  // for by name (`apiKey`, `apiKeyEnv`) beside it is a clash the config check refuses.
  const ownCredential =
    fields.apiKey === undefined &&
    fields.apiKeyEnv === undefined &&
    keyHeaderIn(fields.headers, protocol) !== undefined;
  const apiKeyEnv = ownCredential ? undefined : (fields.apiKeyEnv ?? preset.apiKeyEnv);
  // An empty variable (or one of spaces and line breaks) is as good as none: it would only
  // earn a 401 later, or an empty key's error that names no variable.
  const fromEnv = apiKeyEnv === undefined ? undefined : env[apiKeyEnv];
  const apiKey = fields.apiKey || (fromEnv?.trim() ? fromEnv : undefined);
  if (apiKey === undefined && !ownCredential && (preset.requiresKey ?? false)) {
    throw new ConfigError({
      provider: name,
      file,
      table: file === undefined ? undefined : name,
      message: `No API key for provider "${name}"${file === undefined ? "" : ` ([llm.${name}] in ${file})`}: ${
        apiKeyEnv ? `set the ${apiKeyEnv} environment variable` : "set apiKey or apiKeyEnv"
      }`,
    });
  }
  // `enforcesResponseFormat: false` describes an API's chat-completions endpoint (Anthropic's
  // OpenAI layer ignores `response_format`); its native protocol enforces the format its own way.
  const enforces = protocol === "openai-chat" ? preset.enforcesResponseFormat : undefined;
  const config: LLMConfigInput = hideSecrets({
    provider: name,
    baseUrl: preset.baseUrl,
    model: preset.model,
    ...(preset.protocol === undefined ? {} : { protocol: preset.protocol }),
    ...(preset.streamUsage === undefined ? {} : { streamUsage: preset.streamUsage }),
    ...(enforces === undefined ? {} : { enforcesResponseFormat: enforces }),
    ...fields,
    apiKey,
    apiKeyEnv,
  });
  return {
    config,
    hooks: [presetHooks(name, preset, protocol)],
    cost: { price, prices: preset.prices, tracker },
  };
}
