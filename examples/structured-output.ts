// Structured output: a zod schema in, a typed, validated value out (res.parsed).
// Run: pnpm example structured-output
import { InvalidResponseError } from "@loom/llm";
import { completionBody, type FakeServerOptions } from "@loom/llm-testing";
import { z } from "zod";
import { connect } from "./connect.ts";

const City = z.object({
  name: z.string(),
  country: z.string(),
  population: z.number().int().describe("metropolitan population"),
});

const offlineServer: FakeServerOptions = {
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
};

const { llm, close } = await connect(offlineServer);
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
  await close();
}
