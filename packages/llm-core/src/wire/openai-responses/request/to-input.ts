import type { AssistantMessage, ContentPart, Message } from "@loom/llm-types";
import { withCallIds } from "../../shared/native-call-ids.js";
import { nativeInputItems } from "./native-input-items.js";

type Json = Record<string, unknown>;

/** A conversation as the Responses API takes it: instructions apart, then the input items. */
export interface WireInput {
  /** The system messages' text, or `undefined` when there are none. */
  instructions: string | undefined;
  input: Json[];
}

/**
 * Messages as `instructions` and `input` items. System messages become the instructions,
 * joined by a blank line wherever they stood (the API takes one set of instructions for the
 * whole request); user turns are messages with `input_text` and `input_image` parts; an
 * assistant turn is its output items when it came from this protocol, else an assistant message
 * and one `function_call` per tool call; a tool result is a `function_call_output` answering
 * its `call_id`. Message `name`s have no place in this API and are not sent.
 */
export function toInput(messages: readonly Message[], stateless: boolean): WireInput {
  const system: string[] = [];
  const input: Json[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        input.push({
          role: "user",
          content:
            typeof message.content === "string" ? message.content : message.content.map(toPart),
        });
        break;
      case "assistant":
        for (const item of assistantItems(message, stateless)) input.push(item);
        break;
      case "tool":
        input.push({
          type: "function_call_output",
          call_id: message.toolCallId,
          output: message.content,
        });
        break;
    }
  }
  return { instructions: system.length > 0 ? system.join("\n\n") : undefined, input };
}

function toPart(part: ContentPart): Json {
  if (part.type === "text") return { type: "input_text", text: part.text };
  // `detail` is required by the API reference (`input_image.detail`: high, low or auto):
  // `auto`, the API's own choice, when the caller set none.
  return { type: "input_image", image_url: part.imageUrl, detail: part.detail ?? "auto" };
}

/**
 * The items of an assistant turn. One this protocol returned goes back as its output items
 * (`native`): reasoning with its encrypted content, which the model needs between tool calls.
 * Any other (written by hand, or from another protocol, whose reasoning this API cannot take)
 * is an output message and its function calls. The message is the output shape
 * (`type: "message"` with `output_text` parts) rather than `{role, content: "…"}`: llama.cpp
 * rejects an assistant message with string content ("Cannot determine type of 'item'").
 */
function assistantItems(message: AssistantMessage, stateless: boolean): Json[] {
  const native = message.native;
  if (native?.protocol === "openai-responses" && native.parts.length > 0)
    return nativeInputItems(
      {
        ...native,
        parts: withCallIds(native.parts, "function_call", "call_id", message.toolCalls),
      },
      stateless,
    );
  const items: Json[] = [];
  const text = message.content ?? "";
  if (text !== "")
    items.push({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
  for (const call of message.toolCalls ?? []) {
    items.push({
      type: "function_call",
      call_id: call.id,
      name: call.name,
      // Byte for byte as the model wrote them, when they came from a server.
      arguments: call.rawArguments ?? JSON.stringify(call.arguments ?? {}),
    });
  }
  return items;
}
