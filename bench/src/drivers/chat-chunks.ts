// What the hand-written clients (raw undici, fetch) and the openai SDK share: the chunk shape,
// the floor's SSE splitter, and folding chunks into the answer the benchmark checks.

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

/** The smallest SSE splitter that reads this server's streams: the floor's own. */
export async function* sseChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const line = buffer.slice(6, end);
      buffer = buffer.slice(end + 2);
      if (line === "[DONE]") return;
      yield JSON.parse(line) as ChatChunk;
      end = buffer.indexOf("\n\n");
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
