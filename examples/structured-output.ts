// Structured output: a zod schema in, a typed, validated value out (res.parsed).
// Run: pnpm example structured-output
import { completionBody, createFakeServer, InvalidResponseError, LLMProvider } from "@loom/llm";
import { z } from "zod";

const City = z.object({
  name: z.string(),
  country: z.string(),
  population: z.number().int().describe("metropolitan population"),
});

async function connect(): Promise<{ llm: LLMProvider; stop: () => Promise<void> }> {
  if (process.env.DEEPSEEK_API_KEY)
    return { llm: LLMProvider.fromName({}, "deepseek"), stop: async () => {} };
  if (process.env.OPENAI_API_KEY)
    return { llm: LLMProvider.fromName({}, "openai"), stop: async () => {} };
  const server = await createFakeServer({
    replies: [
      {
        type: "json",
        body: completionBody({
          content: '{"name":"Tokyo","country":"Japan","population":37400000}',
        }),
      },
      {
        type: "json",
        body: completionBody({ content: '{"name":"Tokyo","country":"Japan","population":"lots"}' }),
      },
    ],
  });
  console.log("(offline: a local fake server answers)\n");
  return {
    llm: LLMProvider.fromName({}, "local", { baseUrl: server.baseUrl }),
    stop: () => server.close(),
  };
}

const { llm, stop } = await connect();
const request = {
  messages: [{ role: "user" as const, content: "The largest city in Japan, as JSON." }],
  responseFormat: { type: "json_schema" as const, name: "city", schema: City },
};
try {
  const res = await llm.call(request);
  // res.parsed is typed { name: string; country: string; population: number } | undefined
  console.log(
    `${res.parsed?.name}, ${res.parsed?.country}: ${res.parsed?.population.toLocaleString("en")} people`,
  );
  // DeepSeek accepts json_object only: the preset sends the schema in the system message and
  // validates the reply all the same. A reply that does not match is an error, not a surprise:
  try {
    await llm.call(request);
  } catch (error) {
    if (!InvalidResponseError.isInstance(error)) throw error;
    console.log(
      `invalid reply caught: ${error.issues?.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
} finally {
  await llm.close();
  await stop();
}
