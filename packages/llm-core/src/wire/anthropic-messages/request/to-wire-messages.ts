import type {
  AssistantMessage,
  CacheBreakpoint,
  ContentPart,
  Message,
  ToolCall,
} from "@loom/llm-types";
import { withCallIds } from "../../shared/native-call-ids.js";
import { cacheControl } from "./cache-control.js";
import { toImageBlock } from "./to-image-block.js";

type Block = Record<string, unknown>;

/** One turn on the wire: its role and its content blocks. */
interface Turn {
  role: "user" | "assistant";
  blocks: Block[];
  /** The turn is one message's plain string: sent as the string itself. */
  plain: string | undefined;
}

/**
 * The conversation as Anthropic's `messages`: system messages left out (they go to `system`),
 * tool results as `tool_result` blocks of a user turn, and consecutive turns of one role merged
 * into one, since Anthropic requires user and assistant turns to alternate (several tool results
 * answer in one user turn, and a user message after them joins it). A message's cache mark goes
 * on its last block.
 */
export function toWireMessages(messages: readonly Message[]): Record<string, unknown>[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = blocksOf(message);
    // A turn with nothing in it (an assistant message with no text and no calls) is refused by
    // Anthropic: it is left out, and what surrounds it merges.
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last !== undefined && last.role === role) {
      last.blocks.push(...blocks);
      last.plain = undefined;
      continue;
    }
    const plain =
      message.role === "user" && typeof message.content === "string" && message.cache === undefined
        ? message.content
        : undefined;
    turns.push({ role, blocks, plain });
  }
  return turns.map((turn) => ({
    role: turn.role,
    content: turn.plain ?? (turn.role === "user" ? resultsFirst(turn.blocks) : turn.blocks),
  }));
}

/**
 * A user turn's blocks with its tool results first: Anthropic requires them to lead the turn
 * after the calls they answer, and a user message written between the calls and their results
 * would otherwise put its text ahead of them (a 400).
 */
function resultsFirst(blocks: Block[]): Block[] {
  const results = blocks.filter((block) => block.type === "tool_result");
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((block) => block.type !== "tool_result")];
}

/** One message's content blocks, its cache mark on the last one. */
function blocksOf(message: Exclude<Message, { role: "system" }>): Block[] {
  switch (message.role) {
    case "user": {
      const blocks =
        typeof message.content === "string"
          ? [{ type: "text", text: message.content }]
          : message.content.map(toUserBlock);
      return marked(blocks, message.cache);
    }
    case "tool":
      return marked(
        [{ type: "tool_result", tool_use_id: message.toolCallId, content: message.content }],
        message.cache,
      );
    case "assistant":
      return assistantBlocks(message);
  }
}

function toUserBlock(part: ContentPart): Block {
  return part.type === "text" ? { type: "text", text: part.text } : toImageBlock(part.imageUrl);
}

/**
 * An assistant turn: its own content blocks when it came from this protocol (thinking blocks
 * with their signatures, redacted thinking, server tools, blocks Loom does not know), sent back
 * exactly as they came, since Anthropic refuses a tool loop whose thinking changed; otherwise
 * its text and tool calls. Reasoning from another protocol has no signature and is not sent.
 */
function assistantBlocks(message: AssistantMessage): Block[] {
  const native = message.native;
  if (native?.protocol === "anthropic-messages") {
    const parts = withCallIds(native.parts, "tool_use", "id", message.toolCalls) as Block[];
    if (message.cache === undefined) return [...parts];
    // Thinking blocks cannot hold a cache mark: it goes on the last block that can.
    const at = parts.findLastIndex(
      (part) => part.type !== "thinking" && part.type !== "redacted_thinking",
    );
    if (at === -1) return [...parts];
    const copy = [...parts];
    copy[at] = { ...parts[at], cache_control: cacheControl(message.cache) };
    return copy;
  }
  const blocks: Block[] = [];
  if (message.content !== null && message.content !== "")
    blocks.push({ type: "text", text: message.content });
  for (const call of message.toolCalls ?? [])
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: inputOf(call) });
  return marked(blocks, message.cache);
}

/**
 * A call's input as the object Anthropic expects: its raw arguments when they are a JSON
 * object, else its parsed arguments, else `{}` (arguments that never parsed cannot be sent as
 * they were).
 */
function inputOf(call: ToolCall): Record<string, unknown> {
  if (call.rawArguments !== undefined) {
    try {
      const parsed: unknown = JSON.parse(call.rawArguments);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // not JSON: the parsed arguments, if any, are next
    }
  }
  return isPlainObject(call.arguments) ? call.arguments : {};
}

function marked(blocks: Block[], cache: CacheBreakpoint | undefined): Block[] {
  const last = blocks.at(-1);
  if (cache !== undefined && last !== undefined) last.cache_control = cacheControl(cache);
  return blocks;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
