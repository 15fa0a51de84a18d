// Validating a provider config: defaults filled in, every bad key named, the key never printed.
// Run: pnpm example config
import { ConfigError, createStatusError, parseConfig, RateLimitError } from "@loom/llm";

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
const error = createStatusError({
  status: 429,
  body: '{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}',
  provider: "deepseek",
  model: "deepseek-chat",
  request: "POST https://api.deepseek.com/v1/chat/completions",
  retryAfterMs: 1_000,
});
console.log("\nA 429 becomes:", error.name, "| retryable:", error.retryable);
console.log(error.message);
if (RateLimitError.isInstance(error)) console.log("retry after", error.retryAfterMs, "ms");
