import {
  AbortError,
  type ChatModel,
  type ChatRequest,
  ConfigError,
  type LLMContext,
  type LLMResponse,
  type Message,
  type ToolCall,
  type ToolDefinition,
  type ToolMessage,
  type Usage,
} from "@loom/llm-types";
import { untilAborted } from "@loom/llm-utils";

/** The outcome of one tool call. */
export interface ToolResult {
  toolCall: ToolCall;
  /** `false` when the tool threw, was unknown, or got invalid arguments. */
  ok: boolean;
  /** What the tool returned (or the error it threw). */
  value: unknown;
  /** The tool message sent back to the model. */
  message: ToolMessage;
}

/** One model turn and the tools it ran. */
export interface ToolStep {
  /** 0 for the first model call. */
  index: number;
  response: LLMResponse;
  results: ToolResult[];
}

/** Why the loop ended. */
export type StopReason =
  /** The model answered without calling tools, its answer whole. */
  | "answered"
  /** `maxIterations` model calls were made and the model still wanted tools. */
  | "max-iterations"
  /** A call has no `execute` and the context has no `tool` executor: it is the caller's to run. */
  | "pending-tools"
  /**
   * The model's turn was cut by `maxTokens` (finish reason `length`): while it called tools, its
   * calls may be incomplete, so none is run (they are in `pendingToolCalls`); else its answer is
   * cut short (a text answer, or the start of a call a server could not read as one). Raise
   * `maxTokens`.
   */
  | "truncated";

/** What `runTools` runs: the conversation, the tools, and the per-call options of every model call. */
export interface RunToolsOptions extends Omit<ChatRequest, "messages" | "tools" | "signal"> {
  messages: Message[];
  tools: readonly ToolDefinition[];
  /** Most model calls to make: a whole number, 1 or more. @default 5 */
  maxIterations?: number;
  signal?: AbortSignal;
  /**
   * The agent's context: `ctx.tool(name, args)` runs tools that have no `execute`.
   * @default the model's own context (`model.context`), the one its provider was built with
   */
  context?: LLMContext;
  /** Called after each step (model turn and its tools), for progress. */
  onStep?(step: ToolStep): void | Promise<void>;
}

/** How the loop ended: the last response, the conversation, every step and the summed usage. */
export interface RunToolsResult {
  stopReason: StopReason;
  /** The last model response. */
  response: LLMResponse;
  /** The conversation: the input messages, then each assistant turn and its tool messages. */
  messages: Message[];
  steps: ToolStep[];
  /** Usage summed over every model call; `reported` only if every call reported it. */
  usage: Usage;
  /** With `pending-tools`: the calls the caller must run and answer with tool messages. */
  pendingToolCalls: ToolCall[];
}

/**
 * The agent loop: call the model, run the tools it asks for (several at once in parallel, each
 * failure captured as that tool's message), append the turn and the results, and repeat until
 * the model answers without tools or `maxIterations` model calls were made. Works with any
 * `ChatModel`. Tool errors, unknown tools and invalid arguments go back to the model as tool
 * messages, so it can recover; only an abort (or a model call's own error) ends the loop early.
 */
export async function runTools(
  model: ChatModel,
  options: RunToolsOptions,
): Promise<RunToolsResult> {
  const {
    messages: input,
    tools,
    maxIterations = 5,
    signal,
    context = model.context ?? {},
    onStep,
    ...rest
  } = options;
  // NaN would never end the loop (every turn paid for), 0 or 1.5 would end it where no one said.
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1)
    throw new ConfigError({
      issues: [
        {
          path: "maxIterations",
          message: `must be a whole number of model calls, 1 or more, got ${showNumber(maxIterations)}`,
        },
      ],
    });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const messages: Message[] = [...input];
  const steps: ToolStep[] = [];
  let usage: Usage | undefined;
  // How the loop ends: the last response, the conversation, every step and the summed usage.
  const end = (
    stopReason: StopReason,
    response: LLMResponse,
    pendingToolCalls: ToolCall[] = [],
  ): RunToolsResult => ({
    stopReason,
    response,
    messages,
    steps,
    // Set by the first call, before any way out of the loop.
    usage: usage as Usage,
    pendingToolCalls,
  });
  for (let index = 0; ; index++) {
    throwIfAborted(signal);
    const request: ChatRequest = { ...rest, messages: [...messages], tools: [...tools] };
    if (signal !== undefined) request.signal = signal;
    const response = await model.call(request);
    usage = add(usage, response.usage);
    messages.push(response.message);
    const calls = response.toolCalls;
    if (calls.length === 0) {
      const step: ToolStep = { index, response, results: [] };
      steps.push(step);
      await onStep?.(step);
      // Anthropic pauses a long turn of its own server tools (`pause_turn`): the turn, sent
      // back as it is, lets the model go on with it. A turn cut by `maxTokens` is no whole
      // answer (a call cut early may even read as text). Any other turn without calls is one.
      if (response.finishReason === "length") return end("truncated", response);
      if (response.finishReason !== "pause_turn") return end("answered", response);
      if (index + 1 >= maxIterations) return end("max-iterations", response);
      continue;
    }
    if (response.finishReason === "length") {
      const step: ToolStep = { index, response, results: [] };
      steps.push(step);
      await onStep?.(step);
      return end("truncated", response, calls);
    }
    const runnable = calls.filter((call) => canRun(call, byName, context));
    // The loop's abort as soon as it comes: a tool that ignores its signal runs on, unawaited.
    const results = await untilAborted(
      Promise.all(runnable.map((call) => runTool(call, byName, context, signal))),
      signal,
      () => aborted(signal as AbortSignal, signal?.reason),
    );
    for (const result of results) messages.push(result.message);
    const step: ToolStep = { index, response, results };
    steps.push(step);
    await onStep?.(step);
    throwIfAborted(signal);
    const pending = calls.filter((call) => !runnable.includes(call));
    if (pending.length > 0) return end("pending-tools", response, pending);
    if (index + 1 >= maxIterations) return end("max-iterations", response);
  }
}

/** A call is the loop's to run unless its (known) tool has no executor anywhere. */
function canRun(call: ToolCall, byName: Map<string, ToolDefinition>, context: LLMContext): boolean {
  const tool = byName.get(call.name);
  return (
    tool === undefined ||
    call.error !== undefined ||
    tool.execute !== undefined ||
    context.tool !== undefined
  );
}

async function runTool(
  call: ToolCall,
  byName: Map<string, ToolDefinition>,
  context: LLMContext,
  signal: AbortSignal | undefined,
): Promise<ToolResult> {
  const tool = byName.get(call.name);
  if (tool === undefined) {
    const known = [...byName.keys()].join(", ");
    return failed(
      call,
      `Error: there is no tool named "${call.name}". Available tools: ${known}.`,
      undefined,
    );
  }
  if (call.error !== undefined) return failed(call, call.error.feedback, call.error);
  try {
    const value =
      tool.execute !== undefined
        ? await tool.execute(call.arguments, { toolCall: call, signal, context })
        : await context.tool?.(call.name, call.arguments);
    const text = asText(value);
    if (text === undefined)
      return failed(
        call,
        `Error: tool "${call.name}" returned a value that cannot be sent as JSON (a BigInt, a cycle, a function)`,
        value,
      );
    return { toolCall: call, ok: true, value, message: toolMessage(call, text) };
  } catch (error) {
    // The tool's own error as it saw the abort ("fetch failed: aborted"): the loop's abort.
    if (signal?.aborted) throw aborted(signal, error);
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return failed(call, `Error: tool "${call.name}" failed: ${text}`, error);
  }
}

function failed(call: ToolCall, text: string, value: unknown): ToolResult {
  return { toolCall: call, ok: false, value, message: toolMessage(call, text) };
}

function toolMessage(call: ToolCall, content: string): ToolMessage {
  return { role: "tool", toolCallId: call.id, content };
}

/**
 * Strings go back as they are; anything else as JSON (`undefined` as an empty result).
 * Undefined when the value cannot be JSON (a BigInt, a cycle, a function, a symbol):
 * `String(value)` would send "[object Object]", or a function's source.
 */
function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function aborted(signal: AbortSignal, cause: unknown): AbortError {
  return new AbortError({ message: "The agent loop was aborted", cause: cause ?? signal.reason });
}

function showNumber(value: unknown): string {
  return typeof value === "number" ? String(value) : `the ${typeof value} ${JSON.stringify(value)}`;
}

function add(total: Usage | undefined, usage: Usage): Usage {
  if (total === undefined) return { ...usage };
  return {
    promptTokens: total.promptTokens + usage.promptTokens,
    completionTokens: total.completionTokens + usage.completionTokens,
    totalTokens: total.totalTokens + usage.totalTokens,
    cachedPromptTokens: total.cachedPromptTokens + usage.cachedPromptTokens,
    cacheWriteTokens: total.cacheWriteTokens + usage.cacheWriteTokens,
    reasoningTokens: total.reasoningTokens + usage.reasoningTokens,
    reported: total.reported && usage.reported,
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw aborted(signal, signal.reason);
}
