import type { Message, Usage } from "@loom/llm-types";
import type { Json } from "./transcript-fields.js";

/**
 * Recorded token counts, split as the replayed answer's are (cache reads and writes apart, when
 * the server reported any) so that both answers are priced alike.
 */
export type RecordedUsage = Pick<Usage, "promptTokens" | "completionTokens"> &
  Partial<Pick<Usage, "cachedPromptTokens" | "cacheWriteTokens">>;

/** What was answered then: the text, and the usage when the server reported it. */
export interface RecordedAnswer {
  content: string;
  usage: RecordedUsage | undefined;
}

/** A recorded turn: what was asked, and what was answered then. */
export interface RecordedTurn {
  messages: Message[];
  model: string;
  answer: string;
  usage: RecordedUsage | undefined;
}

/**
 * How the exchanges of one wire protocol read. Only the portable shape is kept: the turns are
 * asked again of whatever provider `--provider` names, which may speak another protocol.
 */
export interface RecordedProtocol {
  /** Whether a request path, its query removed, is this protocol's endpoint. */
  endpoint(path: string): boolean;
  /** The request body as messages; a field it needs that is wrong throws `Malformed`. */
  messages(body: Json): Message[];
  /** The response body as recorded (JSON, or a stream's SSE text) as its answer. */
  answer(body: string): RecordedAnswer;
}

/** A token count as a server wrote it: anything but a positive number counts as 0. */
export function tokens(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Usage with the cache counts left out when there were none, as most servers report. */
export function recordedUsage(usage: Required<RecordedUsage>): RecordedUsage {
  const { promptTokens, completionTokens, cachedPromptTokens, cacheWriteTokens } = usage;
  return {
    promptTokens,
    completionTokens,
    ...(cachedPromptTokens > 0 ? { cachedPromptTokens } : {}),
    ...(cacheWriteTokens > 0 ? { cacheWriteTokens } : {}),
  };
}
