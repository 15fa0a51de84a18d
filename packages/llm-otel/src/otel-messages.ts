import type { LLMResponse, Message } from "@loom/llm-types";

/** A message in the GenAI conventions' shape: `{ role, parts: [{ type, ... }] }`. */
interface OtelMessage {
  role: string;
  parts: Record<string, unknown>[];
  finish_reason?: string;
}

/** `gen_ai.input.messages`: the request's messages as a JSON string. */
export function inputMessages(messages: readonly Message[]): string {
  return JSON.stringify(messages.map(toOtelMessage));
}

/** `gen_ai.output.messages`: the reply (text and tool calls) as a JSON string. */
export function outputMessages(response: LLMResponse): string {
  const message = toOtelMessage(response.message);
  if (response.finishReason !== null) message.finish_reason = response.finishReason;
  return JSON.stringify([message]);
}

function toOtelMessage(message: Message): OtelMessage {
  const parts: Record<string, unknown>[] = [];
  switch (message.role) {
    case "tool":
      parts.push({ type: "tool_call_response", id: message.toolCallId, response: message.content });
      break;
    case "user":
      if (typeof message.content === "string")
        parts.push({ type: "text", content: message.content });
      else {
        for (const part of message.content) {
          parts.push(
            part.type === "text"
              ? { type: "text", content: part.text }
              : { type: "uri", modality: "image", uri: part.imageUrl },
          );
        }
      }
      break;
    case "assistant":
      if (message.content) parts.push({ type: "text", content: message.content });
      for (const call of message.toolCalls ?? []) {
        parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.arguments });
      }
      break;
    default:
      parts.push({ type: "text", content: message.content });
  }
  return { role: message.role, parts };
}
