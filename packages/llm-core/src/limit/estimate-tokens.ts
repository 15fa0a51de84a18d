import type { ChatRequest } from "@loom/llm-types";

// About four characters a token in the languages models are mostly asked in: an estimate for
// counting a request against a limit before it goes, corrected by the reported usage after.
const CHARS_PER_TOKEN = 4;

/**
 * Tokens a request may use, before it is sent: its messages' text (and tool-call arguments)
 * at about four characters a token, plus the completion limit its body asks for
 * (`WireProtocol.maxOutputTokens`), which providers count against a tokens-per-minute limit as
 * soon as the request arrives.
 */
export function estimateTokens(request: ChatRequest, maxOutputTokens: number | undefined): number {
  let chars = 0;
  for (const message of request.messages) {
    const content: unknown = message.content;
    if (typeof content === "string") chars += content.length;
    else if (Array.isArray(content))
      for (const part of content)
        if (typeof part?.text === "string") chars += (part.text as string).length;
    if (message.role === "assistant")
      for (const call of message.toolCalls ?? [])
        chars += call.rawArguments?.length ?? JSON.stringify(call.arguments ?? {}).length;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + (maxOutputTokens ?? 0);
}
