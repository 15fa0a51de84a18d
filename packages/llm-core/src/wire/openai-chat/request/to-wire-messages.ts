import type { ContentPart, Message } from "@loom/llm-types";

/** Messages in the wire's snake_case shape (`tool_calls`, `tool_call_id`, `image_url`). */
export function toWireMessages(messages: readonly Message[]): Record<string, unknown>[] {
  const wire = new Array<Record<string, unknown>>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    wire[i] = toWireMessage(messages[i] as Message);
  }
  return wire;
}

function toWireMessage(message: Message): Record<string, unknown> {
  switch (message.role) {
    case "system":
      return withName({ role: "system", content: message.content }, message.name);
    case "user":
      return withName(
        {
          role: "user",
          content:
            typeof message.content === "string" ? message.content : message.content.map(toWirePart),
        },
        message.name,
      );
    case "assistant": {
      const toolCalls = message.toolCalls;
      const hasTools = toolCalls !== undefined && toolCalls.length > 0;
      // OpenAI-compatible servers accept `null` content only beside tool calls; a plain turn
      // with no text goes out as "" (llama.cpp rejects a null there).
      const wire: Record<string, unknown> = {
        role: "assistant",
        content: message.content ?? (hasTools ? null : ""),
      };
      if (hasTools) {
        wire.tool_calls = toolCalls.map((call) => {
          const out: Record<string, unknown> = {
            id: call.id,
            type: "function",
            function: {
              name: call.name,
              arguments: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
            },
          };
          // Back as it came: Gemini answers 400 to a turn that lost its thought signature.
          if (call.extraContent !== undefined) out.extra_content = call.extraContent;
          return out;
        });
      }
      return withName(wire, message.name);
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

function toWirePart(part: ContentPart): Record<string, unknown> {
  if (part.type === "text") return { type: "text", text: part.text };
  const imageUrl: Record<string, unknown> = { url: part.imageUrl };
  if (part.detail !== undefined) imageUrl.detail = part.detail;
  return { type: "image_url", image_url: imageUrl };
}

function withName(
  wire: Record<string, unknown>,
  name: string | undefined,
): Record<string, unknown> {
  if (name !== undefined) wire.name = name;
  return wire;
}
