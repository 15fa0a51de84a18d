// What the hand-written clients (raw undici, fetch) and the openai SDK share: the chunk shape,
// the floor's SSE splitter, folding chunks into the answer the benchmark checks, the agent loop.
import { MESSAGES, runTool } from "./driver.ts";

/** A `chat.completion.chunk`, as much of it as the benchmark reads. */
export interface ChatChunk {
  choices: {
    delta: {
      content?: string | null;
      tool_calls?: { function?: { name?: string; arguments?: string } }[];
    };
  }[];
  usage?: { completion_tokens: number } | null;
}

/**
 * The smallest SSE splitter that reads this server's streams: the floor's own. Linear in the
 * bytes read: a read holding many events is walked, not re-sliced after each one.
 */
export async function* sseChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let start = 0;
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const line = buffer.slice(start + 6, end);
      if (line === "[DONE]") return;
      yield JSON.parse(line) as ChatChunk;
      start = end + 2;
      end = buffer.indexOf("\n\n", start);
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
  }
}

/** A chat message as the wire has it, as much as the agent loops read. */
export interface WireMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/**
 * The agent loop written by hand (the floor, fetch and the openai SDK): send the conversation
 * and the tools, run each call the model makes, send the results back, until it answers.
 */
export async function handLoop(
  post: (messages: readonly object[]) => Promise<WireMessage | undefined>,
): Promise<{ steps: number; content: string }> {
  const messages: object[] = [...MESSAGES];
  for (let steps = 1; ; steps++) {
    const message = await post(messages);
    if (message === undefined) throw new Error("no message in the reply");
    messages.push(message);
    const calls = message.tool_calls ?? [];
    if (calls.length === 0) return { steps, content: message.content ?? "" };
    for (const call of calls) {
      const content = runTool(call.function.name, JSON.parse(call.function.arguments));
      messages.push({ role: "tool", tool_call_id: call.id, content });
    }
  }
}

/** The streamed text, its chunk count and the completion tokens the server reported. */
export async function collectText(
  chunks: AsyncIterable<ChatChunk>,
  onFirst: () => void,
): Promise<{ content: string; chunks: number; completionTokens: number }> {
  let content = "";
  let count = 0;
  let completionTokens = 0;
  for await (const chunk of chunks) {
    const text = chunk.choices[0]?.delta.content;
    if (text) {
      if (count++ === 0) onFirst();
      content += text;
    }
    if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
  }
  return { content, chunks: count, completionTokens };
}

/** The streamed tool call's name and parsed arguments. */
export async function collectToolCall(
  chunks: AsyncIterable<ChatChunk>,
): Promise<{ name: string; args: unknown }> {
  let name = "";
  let args = "";
  for await (const chunk of chunks) {
    const call = chunk.choices[0]?.delta.tool_calls?.[0]?.function;
    if (call?.name) name = call.name;
    if (call?.arguments) args += call.arguments;
  }
  return { name, args: JSON.parse(args) };
}
