// Fallback: the classic "use the API, fall back to the local model when it is unreachable".
// Run: pnpm example fallback
import { LLMProvider, withFallback } from "@loom/llm";
import { completionBody, createFakeServer } from "@loom/llm-testing";

// Offline, the "API" is a server that is down (its port closed) and "local" a fake server.
const down = await createFakeServer();
const apiUrl = down.baseUrl;
await down.close();
const local = await createFakeServer({
  fallback: { type: "json", body: completionBody({ content: "Answered by the local model." }) },
});

const api = process.env.DEEPSEEK_API_KEY
  ? LLMProvider.fromName({}, "deepseek")
  : LLMProvider.fromName({}, "deepseek", {
      baseUrl: apiUrl,
      apiKey: "sk-offline-0000000000",
      maxRetries: 1,
    });
const model = withFallback([api, LLMProvider.fromName({}, "local", { baseUrl: local.baseUrl })], {
  onFallback: (error, index) =>
    console.log(`provider #${index + 1} failed (${(error as Error).name}): trying the next one`),
});

const res = await model.call({ messages: [{ role: "user", content: "Are you there?" }] });
console.log(`${res.provider} answered: ${res.content}`);
await api.close();
await local.close();
