import { existsSync } from "node:fs";
import { loadProjectConfigSync, type ProjectConfig } from "@loom/llm-providers";
import type { LLMContext } from "@loom/llm-types";
import { type FactoryOptions, LLMProvider } from "../llm-provider.js";
import type { CliArgs } from "./cli-args.js";
import { CliError, EXIT } from "./exit-codes.js";
import { startOfflineServer } from "./offline-server.js";

export const SETUP_HELP = `no provider configured. Pick one:
  export DEEPSEEK_API_KEY=sk-...     then: loom-llm chat "hello"
  export OPENAI_API_KEY=sk-...       then: loom-llm chat "hello"
  a local server (vLLM on :8000):    loom-llm chat --provider local "hello"
  any OpenAI-compatible server:      loom-llm chat --base-url http://localhost:8080/v1 "hello"
  a loom.toml with [llm.NAME] tables: loom-llm chat --provider NAME "hello"
  no key, no network:                loom-llm chat --offline "hello"`;

/** The provider a CLI run talks to, and what to stop afterwards. */
export interface CliProvider {
  llm: LLMProvider;
  stop(): Promise<void>;
}

/** The project config the CLI reads: `--config`, else ./loom.toml when it exists. */
export function cliProjectConfig(args: CliArgs): ProjectConfig | undefined {
  const path = args.config ?? (existsSync("loom.toml") ? "loom.toml" : undefined);
  return path === undefined ? undefined : loadProjectConfigSync(path);
}

/** Which provider and model one run talks to: the command line's, or one of compare's. */
export interface CliTarget {
  provider?: string | undefined;
  model?: string | undefined;
}

export async function resolveCliProvider(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  target: CliTarget = {},
): Promise<CliProvider> {
  const ctx: LLMContext = { env, agentId: "loom-llm-cli" };
  const model = target.model ?? args.model;
  const overrides: FactoryOptions = { telemetry: false };
  if (model !== undefined) overrides.model = model;
  if (args.temperature !== undefined) overrides.temperature = args.temperature;
  if (args.maxTokens !== undefined) overrides.maxTokens = args.maxTokens;
  if (Object.keys(args.headers).length > 0) overrides.headers = args.headers;
  if (args.apiKeyEnv !== undefined) {
    const key = env[args.apiKeyEnv];
    if (key === undefined || key.trim() === "")
      throw new CliError(`--api-key-env ${args.apiKeyEnv}: that variable is not set`, EXIT.config);
    overrides.apiKey = key;
  }
  if (args.offline) {
    const server = await startOfflineServer();
    const llm = LLMProvider.fromName(ctx, "local", {
      ...overrides,
      baseUrl: server.baseUrl,
      model: model ?? "offline",
      ...(target.provider === undefined ? {} : { provider: target.provider }),
    });
    return { llm, stop: () => server.close() };
  }
  const provider = target.provider ?? args.provider;
  // Any server, no file: `--base-url` alone is a provider of its own.
  if (args.baseUrl !== undefined && provider === undefined) {
    const { telemetry: _, ...fields } = overrides;
    const llm = new LLMProvider(
      ctx,
      {
        ...fields,
        baseUrl: args.baseUrl,
        // A one-model server (llama.cpp, a single vLLM model) answers whatever name it is asked.
        model: model ?? "default",
        provider: baseUrlHost(args.baseUrl),
      },
      { telemetry: false },
    );
    return { llm, stop: async () => {} };
  }
  if (args.baseUrl !== undefined) overrides.baseUrl = args.baseUrl;
  const project = cliProjectConfig(args);
  const name =
    provider ??
    Object.keys(project?.llm ?? {})[0] ??
    (env.DEEPSEEK_API_KEY ? "deepseek" : env.OPENAI_API_KEY ? "openai" : undefined);
  if (name === undefined) throw new CliError(SETUP_HELP, EXIT.config);
  const llm =
    project === undefined
      ? LLMProvider.fromName(ctx, name, overrides)
      : LLMProvider.fromConfig(ctx, name, project, overrides);
  return { llm, stop: async () => {} };
}

/** The name a server given by `--base-url` alone goes by: its host (never its credentials). */
export function baseUrlHost(baseUrl: string): string {
  return URL.canParse(baseUrl) ? new URL(baseUrl).host : "custom";
}
