// Streaming: text as it arrives, the typed events behind it, and breaking out early.
// Run: pnpm example streaming (offline, or DeepSeek/OpenAI when a key is set)
import { type FakeServerOptions, providerStream } from "@loom/llm-testing";
import { connect } from "./connect.ts";

const offlineServer: FakeServerOptions = {
  fallback: providerStream("deepseek", {
    reasoning: ["The user wants ", "three colours. "],
    text: [
      "Red, ",
      "green ",
      "and ",
      "blue ",
      "are ",
      "the ",
      "primary ",
      "colours ",
      "of ",
      "light.",
    ],
  }),
};

const { llm, close } = await connect(offlineServer);
const messages = [{ role: "user" as const, content: "Name the three primary colours of light." }];
try {
  // 1. Text only: the stream is an AsyncIterable<string>.
  process.stdout.write("text:   ");
  for await (const chunk of llm.stream({ messages })) process.stdout.write(chunk);
  console.log();

  // 2. Everything: reasoning, text, tool calls, finish, usage, then the assembled response.
  const counts: Record<string, number> = {};
  for await (const event of llm.stream({ messages }).events()) {
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    if (event.type === "response")
      console.log(
        `events: ${JSON.stringify(counts)}; reasoning: "${event.response.reasoningContent ?? ""}"`,
      );
  }

  // 3. Leaving early closes the connection at once; response() says the stream did not finish.
  const stream = llm.stream({ messages });
  for await (const chunk of stream) {
    console.log(`first chunk only: "${chunk}"`);
    break;
  }
  await stream.response().catch((error: Error) => console.log(`response(): ${error.name}`));
} finally {
  await close();
}
