import { existsSync } from "node:fs";
import { LLMProvider } from "@loom/llm";
import {
  estimateCost,
  loadProjectConfigSync,
  MODEL_PRICES,
  type ProjectConfig,
  type ProviderOverrides,
} from "@loom/llm-providers";
import {
  type ResolvedProvider,
  resolveFromConfig,
  resolvePreset,
} from "@loom/llm-providers/internal";
import {
  APIStatusError,
  ConfigError,
  type LLMContext,
  type ProviderHooks,
  type RetryInfo,
  type Usage,
} from "@loom/llm-types";
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
  /**
   * USD for usage the provider reported but never priced, as it prices its responses: the
   * usage that had arrived when Ctrl-C cut a stream short. Undefined when no price is known.
   */
  priceOf(usage: Usage): number | undefined;
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

/**
 * The provider one run talks to. A value of a flag that the config refuses (`--max-tokens 0`,
 * `--temperature 3`) is a usage error naming the flag, as a value that is no number is.
 */
export async function resolveCliProvider(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  target: CliTarget = {},
  progress?: RetryProgress,
): Promise<CliProvider> {
  try {
    return await resolveProvider(args, env, target, progress);
  } catch (error) {
    throw flagError(error, args) ?? error;
  }
}

/** The flags that set a config key by value, by the key. */
const FLAGS = {
  temperature: "--temperature",
  maxTokens: "--max-tokens",
  timeoutMs: "--timeout",
} as const;

/** A config error all of whose issues are of values given by flags, as a usage error. */
function flagError(error: unknown, args: CliArgs): CliError | undefined {
  if (!ConfigError.isInstance(error) || error.issues.length === 0) return undefined;
  const lines: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path as keyof typeof FLAGS;
    if (!Object.hasOwn(FLAGS, key) || args[key] === undefined) return undefined;
    lines.push(`${FLAGS[key]} ${issue.message}`);
  }
  return new CliError(lines.join("\n"), EXIT.usage);
}

async function resolveProvider(
  args: CliArgs,
  env: NodeJS.ProcessEnv,
  target: CliTarget,
  progress: RetryProgress | undefined,
): Promise<CliProvider> {
  const priced = (ctx: LLMContext, resolved: ResolvedProvider) =>
    pricedProvider(ctx, resolved, progress);
  const ctx: LLMContext = { env, agentId: "loom-llm-cli" };
  const model = target.model ?? args.model;
  const overrides: ProviderOverrides = {};
  if (model !== undefined) overrides.model = model;
  if (args.temperature !== undefined) overrides.temperature = args.temperature;
  if (args.maxTokens !== undefined) overrides.maxTokens = args.maxTokens;
  if (args.timeoutMs !== undefined) overrides.timeoutMs = args.timeoutMs;
  if (args.protocol !== undefined) overrides.protocol = args.protocol;
  if (Object.keys(args.headers).length > 0) overrides.headers = args.headers;
  if (args.apiKeyEnv !== undefined) {
    const key = env[args.apiKeyEnv];
    if (key === undefined || key.trim() === "")
      throw new CliError(`--api-key-env ${args.apiKeyEnv}: that variable is not set`, EXIT.config);
    overrides.apiKey = key;
  }
  if (args.offline) {
    const server = await startOfflineServer();
    try {
      const resolved = resolvePreset(ctx, "local", {
        ...overrides,
        baseUrl: server.baseUrl,
        model: model ?? "offline",
        ...(target.provider === undefined ? {} : { provider: target.provider }),
      });
      return { ...priced(ctx, resolved), stop: () => server.close() };
    } catch (error) {
      // Nobody else holds the server yet: an unbuilt provider must not leave it listening.
      await server.close();
      throw error;
    }
  }
  const provider = target.provider ?? args.provider;
  // Any server, no file: `--base-url` alone is a provider of its own.
  if (args.baseUrl !== undefined && provider === undefined) {
    const config = {
      ...overrides,
      baseUrl: args.baseUrl,
      // A one-model server (llama.cpp, a single vLLM model) answers whatever name it is asked.
      model: model ?? "default",
      provider: baseUrlHost(args.baseUrl),
    };
    return { ...priced(ctx, { config, hooks: [], cost: {} }), stop: async () => {} };
  }
  if (args.baseUrl !== undefined) overrides.baseUrl = args.baseUrl;
  const project = cliProjectConfig(args);
  const name =
    provider ??
    Object.keys(project?.llm ?? {})[0] ??
    (env.DEEPSEEK_API_KEY ? "deepseek" : env.OPENAI_API_KEY ? "openai" : undefined);
  if (name === undefined) throw new CliError(SETUP_HELP, EXIT.config);
  const resolved =
    project === undefined
      ? resolvePreset(ctx, name, overrides)
      : resolveFromConfig(ctx, name, project, overrides);
  return { ...priced(ctx, resolved), stop: async () => {} };
}

/**
 * The provider, built as `LLMProvider.fromName` and `fromConfig` build it (untraced), with its
 * price lookup kept: the CLI prices what a stream cut short had reported with the same price
 * the provider's cost hooks would have used for the whole answer.
 */
function pricedProvider(
  ctx: LLMContext,
  resolved: ResolvedProvider,
  progress: RetryProgress | undefined,
): Omit<CliProvider, "stop"> {
  const { config, cost } = resolved;
  // The provider's own retry budget, known once it is built: the hook runs only after that.
  let maxRetries = 0;
  const said: ProviderHooks = {
    onRetry: (retry) => progress?.write(retryLine(retry, maxRetries, progress)),
  };
  const hooks = progress === undefined ? resolved.hooks : [...resolved.hooks, said];
  const llm = new LLMProvider(ctx, config, { hooks, ...cost, telemetry: false });
  maxRetries = llm.config.maxRetries;
  // The lookup of the cost hooks: the provider's one price, else its table over the built-in one.
  const prices = cost.price ?? { ...MODEL_PRICES, ...cost.prices };
  return { llm, priceOf: (usage) => estimateCost(llm.model, usage, prices)?.usd };
}

/** The name a server given by `--base-url` alone goes by: its host (never its credentials). */
export function baseUrlHost(baseUrl: string): string {
  return URL.canParse(baseUrl) ? new URL(baseUrl).host : "custom";
}

/** Where a run says that it waits to try again: a terminal's stderr, and the contender's label. */
export interface RetryProgress {
  write(line: string): void;
  label?: string | undefined;
}

/**
 * `loom-llm: HTTP 429 (RateLimitError); retrying in 20 s (attempt 2 of 3)`: one line per retry,
 * so a wait the server asked for is not silence. A free retry on a stale socket, at once, is not
 * said.
 */
function retryLine(retry: RetryInfo, maxRetries: number, progress: RetryProgress): string {
  if (retry.delayMs === 0 && retry.reason === "stale keep-alive socket") return "";
  const error = retry.error;
  const what = APIStatusError.isInstance(error)
    ? `HTTP ${error.status} (${error.name})`
    : error instanceof Error
      ? error.name
      : "failed";
  const wait =
    retry.delayMs < 1_000
      ? `${Math.round(retry.delayMs)} ms`
      : `${Number((retry.delayMs / 1_000).toFixed(1))} s`;
  const label = progress.label === undefined ? "" : `${progress.label}: `;
  return `loom-llm: ${label}${what}; retrying in ${wait} (attempt ${retry.attempt + 1} of ${maxRetries + 1})\n`;
}

/** Retry progress on stderr when it is a terminal and the run is for a person (not `--json`). */
export function retryProgress(
  args: Pick<CliArgs, "json">,
  stderr: NodeJS.WritableStream & { isTTY?: boolean },
  label?: string,
): RetryProgress | undefined {
  if (stderr.isTTY !== true || args.json) return undefined;
  return {
    write: (line) => {
      if (line !== "") stderr.write(line);
    },
    label,
  };
}
