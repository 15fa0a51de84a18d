import type { FakeReply } from "@loom/llm-testing";
import { CliError, EXIT } from "./exit-codes.js";

/** The local fake server `--offline` talks to. */
export interface OfflineServer {
  baseUrl: string;
  close(): Promise<void>;
}

export const OFFLINE_HELP =
  "--offline runs a local fake server from @loom/llm-testing, which is not installed. Install it next to @loom/llm-cli (npm install --save-dev @loom/llm-testing), or drop --offline";

/**
 * Starts the fake server that answers `--offline` calls. `@loom/llm-testing` is an optional
 * peer of this package (test code stays out of production installs), so it is loaded only
 * here, and its absence is a config error that says what to install.
 */
export async function startOfflineServer(): Promise<OfflineServer> {
  let testing: typeof import("@loom/llm-testing");
  try {
    testing = await import("@loom/llm-testing");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND")
      throw new CliError(OFFLINE_HELP, EXIT.config);
    throw error;
  }
  const {
    completionBody,
    createFakeServer,
    messageBody,
    messageStream,
    responseBody,
    responseStream,
    textStream,
    wireUsage,
  } = testing;
  /** The answer: the prompt echoed (streamed word by word when asked), in the protocol asked. */
  const offlineReply = (request: { path: string; body: unknown }): FakeReply => {
    const body = request.body as
      | { stream?: boolean; messages?: { role: string; content: unknown }[]; input?: unknown }
      | undefined;
    const prompt = lastUserText(body?.messages ?? body?.input);
    const answer = `(offline: no model was called) You asked: "${prompt}". Set DEEPSEEK_API_KEY or OPENAI_API_KEY, or run a local server, for a real answer.`;
    const words = answer.match(/\S+\s*/g) ?? [answer];
    const input = Math.ceil(prompt.length / 4);
    const path = request.path.split("?")[0] ?? "";
    if (path.endsWith("/messages")) {
      const script = { text: words, model: "offline", usage: { input, output: words.length } };
      if (body?.stream) return messageStream({ ...script, delayMs: 15 });
      return { type: "json", body: messageBody(script) };
    }
    if (path.endsWith("/responses")) {
      const script = { text: words, model: "offline", usage: { input, output: words.length } };
      if (body?.stream) return responseStream({ ...script, delayMs: 15 });
      return { type: "json", body: responseBody(script) };
    }
    const usage = wireUsage(words.length, input);
    if (body?.stream) return textStream(words, { delayMs: 15, model: "offline", usage });
    return { type: "json", body: completionBody({ content: answer, model: "offline", usage }) };
  };
  return createFakeServer({ fallback: offlineReply });
}

/**
 * The last user turn's text, in any protocol's shape: chat completions' and Messages'
 * `messages` (a string or text parts), or a Responses `input` (a string, or items).
 */
function lastUserText(turns: unknown): string {
  if (typeof turns === "string") return turns;
  if (!Array.isArray(turns)) return "";
  const user = turns.findLast(
    (turn: { role?: unknown }) => typeof turn === "object" && turn !== null && turn.role === "user",
  ) as { content?: unknown } | undefined;
  const content = user?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}
