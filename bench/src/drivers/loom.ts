// @loom/llm, as an agent uses it: telemetry hooks on (no SDK registered), or off.
import { LLMProvider } from "@loom/llm";
import { type DriverFactory, MESSAGES, TOOL_SCHEMA } from "./driver.ts";

function loomDriver(telemetry: boolean): DriverFactory {
  return (baseUrl, { connections }) => {
    const llm = new LLMProvider(
      {},
      { baseUrl, model: "bench", apiKey: "bench-key-0123456789", maxConnections: connections },
      { telemetry },
    );
    return {
      async call(model) {
        const res = await llm.call({ model, messages: MESSAGES });
        return { content: res.content, promptTokens: res.usage.promptTokens };
      },
      async stream(model, onFirst) {
        const stream = llm.stream({ model, messages: MESSAGES });
        let content = "";
        let chunks = 0;
        for await (const text of stream) {
          if (chunks++ === 0) onFirst();
          content += text;
        }
        return {
          content,
          chunks,
          completionTokens: (await stream.response()).usage.completionTokens,
        };
      },
      async tools(model) {
        const res = await llm
          .stream({
            model,
            messages: MESSAGES,
            tools: [{ name: "lookup", parameters: TOOL_SCHEMA }],
          })
          .response();
        const call = res.toolCalls[0];
        return { name: call?.name ?? "", args: call?.arguments };
      },
      close: () => llm.close(),
    };
  };
}

export const loom = loomDriver(true);
export const loomNoTelemetry = loomDriver(false);
