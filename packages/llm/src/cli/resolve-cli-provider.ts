import { existsSync, readFileSync } from "node:fs";
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

export async function resolveCliProvider(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
): Promise<CliProvider> {
  const ctx: LLMContext = { env, agentId: "loom-llm-cli" };
  const overrides: FactoryOptions = { telemetry: false };
  if (args.model !== undefined) overrides.model = args.model;
  if (args.temperature !== undefined) overrides.temperature = args.temperature;
  if (args.maxTokens !== undefined) overrides.maxTokens = args.maxTokens;
  if (args.offline) {
    const server = await startOfflineServer();
    const llm = LLMProvider.fromName(ctx, "local", {
      ...overrides,
      baseUrl: server.baseUrl,
      model: args.model ?? "offline",
    });
    return { llm, stop: () => server.close() };
  }
  const project = cliProjectConfig(args);
  const name =
    args.provider ??
    Object.keys(project?.llm ?? {})[0] ??
    (env.DEEPSEEK_API_KEY ? "deepseek" : env.OPENAI_API_KEY ? "openai" : undefined);
  if (name === undefined) throw new CliError(SETUP_HELP, EXIT.config);
  const llm =
    project === undefined
      ? LLMProvider.fromName(ctx, name, overrides)
      : LLMProvider.fromConfig(ctx, name, project, overrides);
  return { llm, stop: async () => {} };
}

/** The system message from --system or --system-file. */
export function systemMessage(args: CliArgs): string | undefined {
  if (args.system !== undefined && args.systemFile !== undefined) {
    throw new CliError("use --system or --system-file, not both", EXIT.usage);
  }
  if (args.systemFile === undefined) return args.system;
  try {
    return readFileSync(args.systemFile, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read --system-file ${args.systemFile}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      EXIT.usage,
    );
  }
}
