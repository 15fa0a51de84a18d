// Validating a provider config: defaults filled in, every bad key named, the key never printed.
// Run: pnpm example config
import { ConfigError, LLMProvider, parseConfig, RateLimitError } from "@loom/llm";
import { createFakeServer } from "@loom/llm-testing";

const config = parseConfig({
  provider: "deepseek",
  baseUrl: "https://api.deepseek.com/v1/",
  model: "deepseek-chat",
  apiKey: process.env.DEEPSEEK_API_KEY ?? "sk-demo0000000000000000000000001234",
  temperature: 0.7,
});
console.log("A valid config, as printed (the key is redacted):");
console.log(config);

try {
  parseConfig({
    baseUrl: "ftp://example.com",
    model: "m",
    temprature: 0.5,
    maxTokens: -1,
  } as never);
} catch (error) {
  if (!ConfigError.isInstance(error)) throw error;
  console.log("\nA bad config is refused before any request, with every problem listed:");
  console.log(error.message);
}

// What a 429 from the server becomes: a typed, retryable error carrying the server's hint.
// (A local fake server plays DeepSeek's rate limiter; retries are off to show the error itself.)
const server = await createFakeServer({
  replies: [
    {
      type: "error",
      status: 429,
      headers: { "retry-after": "1" },
      body: { error: { message: "Rate limit reached", type: "rate_limit_error" } },
    },
  ],
});
const llm = new LLMProvider(
  {},
  { provider: "deepseek", baseUrl: server.baseUrl, model: "deepseek-chat", maxRetries: 0 },
  { telemetry: false },
);
try {
  await llm.call({ messages: [{ role: "user", content: "hello" }] });
} catch (error) {
  if (!RateLimitError.isInstance(error)) throw error;
  console.log("\nA 429 becomes:", error.name, "| retryable:", error.retryable);
  console.log(error.message);
  console.log("retry after", error.retryAfterMs, "ms");
} finally {
  await llm.close();
  await server.close();
}
