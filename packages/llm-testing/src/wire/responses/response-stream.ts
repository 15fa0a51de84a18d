import type { SseItem, SseReply } from "../../fake-server/fake-reply.js";
import { namedEvent } from "../named-event.js";
import { responseErrorEvent } from "./response-error-event.js";
import { finishedItem, outputText, responseObject } from "./response-object.js";
import {
  itemsUsage,
  type ResponseOptions,
  responseItems,
  type ScriptedItem,
} from "./response-script.js";

/** How a Responses stream fails: `response.failed`, after an `error` event unless told not to. */
export interface ResponseFailure {
  /** @default "server_error" */
  code?: string;
  /** `error.message` of the event and of the failed response. */
  message: string;
  /** Send an `error` event before `response.failed`, as OpenAI's API does. @default true */
  errorEvent?: boolean;
}

/** Options for responseStream: the script, and how the stream frames it. */
export interface ResponseStreamOptions extends ResponseOptions {
  /** Characters per `response.function_call_arguments.delta`. @default 12 */
  argumentPieceSize?: number;
  /**
   * Fail in the middle of the last output item (its deltas sent, not its `done` events): the
   * stream ends with `response.failed` (status `failed`, `error`, `usage: null`) instead of
   * `response.completed`.
   */
  failure?: ResponseFailure;
  /** Milliseconds between events. */
  delayMs?: number;
}

/**
 * A streamed OpenAI Responses reply, framed as the API frames it (the documented streaming
 * events and vercel/ai's recorded `openai-reasoning-encrypted-content.1.chunks.txt`): named
 * events with a `sequence_number`; `response.created` and `response.in_progress`; for each output
 * item `response.output_item.added`, its events (`reasoning_summary_part.added`,
 * `reasoning_summary_text.delta`/`.done`, `reasoning_summary_part.done`; `content_part.added`,
 * `output_text.delta`/`.done`, `content_part.done`; `function_call_arguments.delta`/`.done`) and
 * `response.output_item.done`; then `response.completed`, `response.incomplete`, or (with
 * `failure`) `error` and `response.failed`. No `[DONE]`: the API sends none.
 */
export function responseStream(options: ResponseStreamOptions = {}): SseReply {
  const items = responseItems(options);
  const size = Math.max(1, options.argumentPieceSize ?? 12);
  const failure = options.failure;
  const status = options.status ?? "completed";
  const events: SseItem[] = [];
  let sequence = 0;
  const emit = ({ type, ...fields }: { type: string } & Record<string, unknown>) => {
    events.push(namedEvent({ type, sequence_number: sequence++, ...fields }));
  };
  const started = responseObject(options, { status: "in_progress", output: [], usage: null });
  emit({ type: "response.created", response: started });
  emit({ type: "response.in_progress", response: started });

  const output: Record<string, unknown>[] = [];
  items.forEach((item, output_index) => {
    // With a failure, the last item is cut off: its deltas go out, its `done` events do not.
    const cut = failure !== undefined && output_index === items.length - 1;
    const itemStatus = cut ? "in_progress" : status;
    streamItem(item, output_index, cut, itemStatus, size, emit);
    output.push(finishedItem(item, itemStatus));
  });

  const usage = itemsUsage(options, items);
  if (failure !== undefined) {
    const code = failure.code ?? "server_error";
    if (failure.errorEvent ?? true)
      events.push(responseErrorEvent(code, failure.message, { sequenceNumber: sequence++ }));
    emit({
      type: "response.failed",
      response: responseObject(options, {
        status: "failed",
        output,
        usage: null,
        error: { code, message: failure.message },
      }),
    });
  } else {
    emit({
      type: status === "incomplete" ? "response.incomplete" : "response.completed",
      response: responseObject(options, { status, output, usage }),
    });
  }
  const delayed = options.delayMs
    ? events.flatMap((event) => [{ delayMs: options.delayMs ?? 0 }, event])
    : events;
  return { type: "sse", events: delayed, done: false };
}

/** The events of one output item, from `output_item.added` to `output_item.done`. */
function streamItem(
  item: ScriptedItem,
  output_index: number,
  cut: boolean,
  status: string,
  size: number,
  emit: (payload: { type: string } & Record<string, unknown>) => void,
): void {
  const at = { item_id: item.id, output_index };
  switch (item.type) {
    case "reasoning": {
      const added: Record<string, unknown> = { id: item.id, type: "reasoning" };
      if (item.encryptedContent !== undefined) added.encrypted_content = item.encryptedContent;
      added.summary = [];
      emit({ type: "response.output_item.added", output_index, item: added });
      if (item.summary !== null) {
        const part = (text: string) => ({ type: "summary_text", text });
        const summary = { ...at, summary_index: 0 };
        emit({ type: "response.reasoning_summary_part.added", ...summary, part: part("") });
        for (const delta of item.summary)
          emit({ type: "response.reasoning_summary_text.delta", ...summary, delta });
        if (cut) return;
        const text = item.summary.join("");
        emit({ type: "response.reasoning_summary_text.done", ...summary, text });
        emit({ type: "response.reasoning_summary_part.done", ...summary, part: part(text) });
      }
      break;
    }
    case "message": {
      emit({
        type: "response.output_item.added",
        output_index,
        item: {
          id: item.id,
          type: "message",
          status: "in_progress",
          content: [],
          role: "assistant",
        },
      });
      const part = { ...at, content_index: 0 };
      emit({ type: "response.content_part.added", ...part, part: outputText("") });
      for (const delta of item.pieces)
        emit({ type: "response.output_text.delta", ...part, delta, logprobs: [] });
      if (cut) return;
      const text = item.pieces.join("");
      emit({ type: "response.output_text.done", ...part, text, logprobs: [] });
      emit({ type: "response.content_part.done", ...part, part: outputText(text) });
      break;
    }
    case "function_call": {
      emit({
        type: "response.output_item.added",
        output_index,
        item: {
          id: item.id,
          type: "function_call",
          status: "in_progress",
          arguments: "",
          call_id: item.callId,
          name: item.name,
        },
      });
      for (let i = 0; i < item.arguments.length; i += size)
        emit({
          type: "response.function_call_arguments.delta",
          ...at,
          delta: item.arguments.slice(i, i + size),
        });
      if (cut) return;
      emit({ type: "response.function_call_arguments.done", ...at, arguments: item.arguments });
      break;
    }
  }
  if (!cut)
    emit({ type: "response.output_item.done", output_index, item: finishedItem(item, status) });
}
