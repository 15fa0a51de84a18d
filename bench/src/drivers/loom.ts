// @loom/llm, as an agent uses it: telemetry hooks on (no SDK registered), or off.
import { LLMProvider, runTools, type ToolDefinition } from "@loom/llm";
import { AGENT_STEPS, type DriverFactory, MESSAGES, runTool, TOOL_SCHEMA } from "./driver.ts";

const AGENT_TOOLS: ToolDefinition[] = [
  { name: "lookup", parameters: TOOL_SCHEMA, execute: (args) => runTool("lookup", args) },
  { name: "clock", execute: (args) => runTool("clock", args) },
];

function loomDriver(telemetry: boolean): DriverFactory {
  return (baseUrl) => {
    const llm = new LLMProvider(
      {},
      { baseUrl, model: "bench", apiKey: "bench-key-0123456789" },
      { telemetry },
    );
    return {
      async call(model) {
        const res = await llm.call({ model, messages: MESSAGES });
        return { content: res.content, promptTokens: res.usage.promptTokens };
      },
      // As an agent reads a stream: its events (text, and whatever else comes), then the
      // final response for the usage.
      async stream(model, onFirst) {
        const stream = llm.stream({ model, messages: MESSAGES });
        let content = "";
        let chunks = 0;
        for await (const event of stream.events()) {
          if (event.type !== "text") continue;
          if (chunks++ === 0) onFirst();
          content += event.text;
        }
        return {
          content,
          chunks,
          completionTokens: (await stream.response()).usage.completionTokens,
        };
      },
      // Event by event, as an agent showing a tool call's progress reads it, then the call.
      async tools(model) {
        const stream = llm.stream({
          model,
          messages: MESSAGES,
          tools: [{ name: "lookup", parameters: TOOL_SCHEMA }],
        });
        let pieces = 0;
        for await (const event of stream.events()) if (event.type === "tool-call-delta") pieces++;
        const call = (await stream.response()).toolCalls[0];
        if (pieces === 0) throw new Error("no tool-call-delta event");
        return { name: call?.name ?? "", args: call?.arguments };
      },
      async agent(model) {
        const run = await runTools(llm, {
          model,
          messages: [...MESSAGES],
          tools: AGENT_TOOLS,
          maxIterations: AGENT_STEPS,
        });
        return { steps: run.steps.length, content: run.response.content };
      },
      close: () => llm.close(),
    };
  };
}

export const loom = loomDriver(true);
export const loomNoTelemetry = loomDriver(false);
