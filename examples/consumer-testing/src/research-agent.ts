import { type ChatModel, runTools } from "@loom/llm-core";

/** A toy agent: answers a question, looking facts up in its notes through a tool. */
export async function research(
  model: ChatModel,
  question: string,
  notes: Record<string, string>,
): Promise<string> {
  const result = await runTools(model, {
    messages: [
      { role: "system", content: "Answer from the notes. Look topics up with lookup_note." },
      { role: "user", content: question },
    ],
    tools: [
      {
        name: "lookup_note",
        description: "Read the note on a topic",
        parameters: {
          type: "object",
          properties: { topic: { type: "string" } },
          required: ["topic"],
        },
        execute: (args) => notes[(args as { topic: string }).topic] ?? "no note on that topic",
      },
    ],
    maxIterations: 4,
  });
  if (result.stopReason !== "answered") throw new Error(`the agent stopped: ${result.stopReason}`);
  return result.response.content;
}
