/** Where diagnostics go; `console` fits. */
export interface LLMLogger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn?(message: string, data?: Record<string, unknown>): void;
  error?(message: string, data?: Record<string, unknown>): void;
}

/** The agent runtime's tool executor (`ctx.tool(name, args)`), used by `runTools` for tools without an `execute`. */
export type ToolExecutor = (name: string, args: unknown) => unknown;

/**
 * What the surrounding agent runtime lends a provider. Every field is optional; `undefined`
 * and `{}` are valid contexts.
 */
export interface LLMContext {
  /** Recorded on spans as `loom.agent.id`. */
  agentId?: string;
  /**
   * Where presets read API keys. On a Cloudflare Worker, the handler's `env`.
   * @default `process.env` where the runtime has one, else no variables
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** An OpenTelemetry `Tracer`; typed by `@loom/llm-otel`, which is the only reader. */
  tracer?: unknown;
  /** An OpenTelemetry `Meter`; typed by `@loom/llm-otel`, which is the only reader. */
  meter?: unknown;
  logger?: LLMLogger;
  tool?: ToolExecutor;
}
