// How every example finds a model: DeepSeek or OpenAI when its key is set, else a local fake
// server scripted by the example, reached through the `local` preset.
import { type FactoryOptions, LLMProvider } from "@loom/llm";
import { createFakeServer, type FakeServerOptions } from "@loom/llm-testing";

export interface Connection {
  llm: LLMProvider;
  /** Whether the answers come from the scripted fake server. */
  offline: boolean;
  /** Closes the provider, and the fake server if one was started. */
  close(): Promise<void>;
}

export async function connect(
  offline: FakeServerOptions,
  options: FactoryOptions = {},
): Promise<Connection> {
  const online = process.env.DEEPSEEK_API_KEY
    ? "deepseek"
    : process.env.OPENAI_API_KEY
      ? "openai"
      : undefined;
  if (online !== undefined) {
    const llm = LLMProvider.fromName({}, online, options);
    return { llm, offline: false, close: () => llm.close() };
  }
  const server = await createFakeServer(offline);
  const llm = LLMProvider.fromName({}, "local", { ...options, baseUrl: server.baseUrl });
  console.log(
    "No DEEPSEEK_API_KEY or OPENAI_API_KEY set: running OFFLINE against a local fake server.\n",
  );
  return {
    llm,
    offline: true,
    close: async () => {
      await llm.close();
      await server.close();
    },
  };
}
