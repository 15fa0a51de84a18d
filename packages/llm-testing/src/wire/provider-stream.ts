import type { FakeReply } from "../fake-server/fake-reply.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";
import { completionBody } from "./completion-body.js";
import { completionChunk, usageChunk } from "./completion-chunk.js";
import { type WireUsage, wireUsage } from "./wire-usage.js";

/**
 * The servers whose stream shapes are reproduced. `llama.cpp` is a current `llama-server`
 * (2026); `llama.cpp-2025` the builds of early 2025.
 */
export type ProviderShape =
  | "openai"
  | "deepseek"
  | "vllm"
  | "ollama"
  | "llama.cpp"
  | "llama.cpp-2025"
  | "mistral"
  | "groq";

/** Every provider shape, for tests that run against each. */
export const PROVIDER_SHAPES: readonly ProviderShape[] = Object.freeze([
  "openai",
  "deepseek",
  "vllm",
  "ollama",
  "llama.cpp",
  "llama.cpp-2025",
  "mistral",
  "groq",
]);

/** What the model says; each provider shape frames it its own way. */
export interface ProviderScript {
  /** Text pieces, streamed in order. */
  text?: string[];
  /** Reasoning pieces, streamed before the text (DeepSeek `reasoning_content`, vLLM `reasoning`). */
  reasoning?: string[];
  toolCalls?: { id?: string; name: string; arguments: unknown }[];
  /** @default 10 prompt tokens, a completion token per piece */
  usage?: WireUsage;
  /** @default "fake-model" (llama.cpp: "models/tiny.gguf") */
  model?: string;
}

/**
 * A streamed reply framed exactly as `provider` frames it: OpenAI's `usage: null` on every chunk
 * and a trailing `choices: []` usage chunk; DeepSeek's `reasoning_content` (first chunk `""`,
 * content `null`) and usage on the finish chunk; vLLM's `reasoning` field and `name: null` on
 * later tool deltas; Ollama's whole tool calls in one chunk with `finish_reason: "tool_calls"`
 * and usage only when asked; a current llama.cpp's role delta with `content: null`, 32-character
 * tool-call ids, a first argument fragment of `{`, `timings`, and a `choices: []` usage chunk only
 * when asked; early-2025 llama.cpp's missing role delta, empty tool-call ids, 1-3 character
 * argument fragments, `timings`, and `data: [DONE]` without a blank line; Mistral's whole tool
 * calls with 9-character ids and neither `index` nor `type`, in the finish chunk, and usage on
 * the finish chunk whether asked or not; Groq's whole tool calls, `reasoning` field, and usage
 * on the finish chunk both under `x_groq` and at the top level, whether asked or not.
 */
export function providerStream(provider: ProviderShape, script: ProviderScript): FakeReply {
  const text = script.text ?? [];
  const reasoning = script.reasoning ?? [];
  const calls = (script.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${i + 1}`,
    name: call.name,
    args: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  const usage = script.usage ?? wireUsage(text.length + reasoning.length + calls.length);
  const model = { model: script.model ?? defaultModel(provider) };
  const finishReason = calls.length > 0 ? "tool_calls" : "stop";
  const chunks: object[] = [];
  switch (provider) {
    case "openai": {
      const opts = { ...model, usage: null };
      chunks.push(completionChunk({ role: "assistant", content: "" }, opts));
      for (const piece of text) chunks.push(completionChunk({ content: piece }, opts));
      chunks.push(...toolCallChunks(calls, 8, model));
      chunks.push(completionChunk({}, { ...opts, finishReason }), usageChunk(usage, model));
      return { type: "sse", events: chunks };
    }
    case "deepseek": {
      if (reasoning.length > 0)
        chunks.push(
          completionChunk({ role: "assistant", content: null, reasoning_content: "" }, model),
        );
      else chunks.push(completionChunk({ role: "assistant", content: "" }, model));
      for (const piece of reasoning)
        chunks.push(completionChunk({ content: null, reasoning_content: piece }, model));
      for (const piece of text)
        chunks.push(completionChunk({ content: piece, reasoning_content: null }, model));
      chunks.push(...toolCallChunks(calls, 6, model));
      chunks.push(
        completionChunk(
          {},
          {
            ...model,
            finishReason,
            usage: {
              prompt_cache_hit_tokens: 0,
              prompt_cache_miss_tokens: usage.prompt_tokens,
              ...usage,
            },
          },
        ),
      );
      return { type: "sse", events: chunks };
    }
    case "vllm": {
      chunks.push(completionChunk({ role: "assistant", content: "" }, model));
      for (const piece of reasoning) chunks.push(completionChunk({ reasoning: piece }, model));
      for (const piece of text) chunks.push(completionChunk({ content: piece }, model));
      chunks.push(...toolCallChunks(calls, 5, model, { laterName: null }));
      chunks.push(completionChunk({}, { ...model, finishReason }), usageChunk(usage, model));
      return { type: "sse", events: chunks };
    }
    case "ollama":
      // Usage comes only when the request asked for it with stream_options.include_usage.
      return (request: RecordedRequest) => {
        const events: object[] = [completionChunk({ role: "assistant", content: "" }, model)];
        for (const piece of text) events.push(completionChunk({ content: piece }, model));
        if (calls.length > 0) {
          events.push(
            completionChunk(
              {
                tool_calls: calls.map((call, index) => ({
                  index,
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.args },
                })),
              },
              model,
            ),
          );
        }
        events.push(completionChunk({}, { ...model, finishReason }));
        const wantsUsage =
          (request.body as { stream_options?: { include_usage?: boolean } } | undefined)
            ?.stream_options?.include_usage === true;
        if (wantsUsage) events.push(usageChunk(usage, model));
        return { type: "sse", events };
      };
    case "llama.cpp": {
      const timings = llamaTimings(usage);
      chunks.push(completionChunk({ role: "assistant", content: null }, model));
      for (const piece of text) chunks.push(completionChunk({ content: piece }, model));
      const ids = calls.map((call) => ({
        ...call,
        id: call.id.length === 32 ? call.id : llamaId(call.id),
      }));
      chunks.push(...toolCallChunks(ids, 4, model, { firstArguments: "{" }));
      chunks.push(Object.assign(completionChunk({}, { ...model, finishReason }), { timings }));
      // The usage chunk is sent only for a request with stream_options.include_usage.
      chunks.push(
        Object.assign(
          usageChunk({ ...usage, prompt_tokens_details: { cached_tokens: 0 } }, model),
          { timings },
        ),
      );
      return { type: "sse", events: chunks };
    }
    case "mistral": {
      chunks.push(completionChunk({ role: "assistant", content: "" }, model));
      for (const piece of text) chunks.push(completionChunk({ content: piece }, model));
      const finish =
        calls.length > 0
          ? completionChunk(
              {
                content: null,
                tool_calls: calls.map((call) => ({
                  id: shortId(call.id),
                  function: { name: call.name, arguments: call.args },
                })),
              },
              { ...model, finishReason, usage },
            )
          : completionChunk({ content: "" }, { ...model, finishReason, usage });
      chunks.push(finish);
      return { type: "sse", events: chunks };
    }
    case "groq": {
      const xGroq = { id: "req_01kh52nj5yfcat8hrmvrk2j2hj" };
      chunks.push(
        Object.assign(completionChunk({ role: "assistant", content: null }, model), {
          x_groq: xGroq,
        }),
      );
      for (const piece of reasoning) chunks.push(completionChunk({ reasoning: piece }, model));
      for (const piece of text) chunks.push(completionChunk({ content: piece }, model));
      if (calls.length > 0) {
        chunks.push(
          completionChunk(
            {
              tool_calls: calls.map((call, index) => ({
                id: shortId(call.id),
                type: "function",
                function: { name: call.name, arguments: call.args },
                index,
              })),
            },
            model,
          ),
        );
      }
      const timed = { queue_time: 0.04, prompt_time: 0.01, completion_time: 0.05, ...usage };
      chunks.push(
        Object.assign(completionChunk({}, { ...model, finishReason, usage: timed }), {
          x_groq: { ...xGroq, usage: timed },
        }),
      );
      return { type: "sse", events: chunks };
    }
    case "llama.cpp-2025": {
      for (const piece of text) chunks.push(completionChunk({ content: piece }, model));
      chunks.push(...toolCallChunks(calls, 3, model, { emptyIds: true }));
      const finish = completionChunk({}, { ...model, finishReason, usage });
      Object.assign(finish, {
        timings: {
          prompt_n: usage.prompt_tokens,
          predicted_n: usage.completion_tokens,
          predicted_per_second: 42.5,
        },
      });
      chunks.push(finish);
      return {
        type: "raw",
        chunks: [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]"],
      };
    }
  }
}

/** The same script as one non-streamed `chat.completion`, in the provider's shape. */
export function providerCompletion(provider: ProviderShape, script: ProviderScript): FakeReply {
  const calls = script.toolCalls ?? [];
  const body = completionBody({
    content:
      script.text === undefined
        ? calls.length > 0
          ? provider.startsWith("llama.cpp")
            ? ""
            : null
          : ""
        : script.text.join(""),
    toolCalls: calls.map((call, i) => {
      const id = call.id ?? `call_${i + 1}`;
      return {
        ...call,
        id:
          provider === "llama.cpp-2025"
            ? ""
            : provider === "mistral" || provider === "groq"
              ? shortId(id)
              : id,
      };
    }),
    model: script.model ?? defaultModel(provider),
    usage: script.usage ?? wireUsage(script.text?.length ?? 1),
    finishReason: calls.length > 0 ? "tool_calls" : "stop",
  });
  if (provider === "llama.cpp") {
    Object.assign(body, { timings: llamaTimings(body.usage as WireUsage) });
    const toolCalls = (body.choices as { message: { tool_calls?: { id: string }[] } }[])[0]?.message
      .tool_calls;
    for (const call of toolCalls ?? []) call.id = llamaId(call.id);
  }
  const message = (body.choices as { message: Record<string, unknown> }[])[0]?.message ?? {};
  const thinking = script.reasoning?.join("");
  if (thinking)
    message[provider === "vllm" || provider === "groq" ? "reasoning" : "reasoning_content"] =
      thinking;
  return { type: "json", body };
}

function defaultModel(provider: ProviderShape): string {
  if (provider === "llama.cpp") return "tiny";
  if (provider === "mistral") return "mistral-small-latest";
  if (provider === "groq") return "llama-3.3-70b-versatile";
  if (provider === "llama.cpp-2025") return "models/tiny.gguf";
  return "fake-model";
}

/** A 9-character id, as Mistral and Groq make them (stable for a seed). */
function shortId(seed: string): string {
  return llamaId(seed).slice(0, 9);
}

/** A current llama.cpp's non-standard `timings` object. */
function llamaTimings(usage: WireUsage): object {
  return {
    cache_n: 0,
    prompt_n: usage.prompt_tokens,
    prompt_ms: 1.2,
    predicted_n: usage.completion_tokens,
    predicted_ms: 40.5,
    predicted_per_second: 345.2,
  };
}

/** A 32-character alphanumeric id, as a current llama-server makes them (stable for a seed). */
function llamaId(seed: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let hash = 2166136261;
  let id = "";
  for (let i = 0; i < 32; i++) {
    hash = Math.imul(hash ^ (seed.charCodeAt(i % Math.max(seed.length, 1)) || 0) ^ i, 16777619);
    id += alphabet[(hash >>> 0) % alphabet.length];
  }
  return id;
}

/**
 * A call's first delta (id, name, empty arguments), then its arguments in pieces of `size`:
 * how OpenAI, DeepSeek, vLLM and llama.cpp stream tool calls. vLLM repeats `name: null` on the
 * later deltas; llama.cpp sends empty ids.
 */
function toolCallChunks(
  calls: readonly { id: string; name: string; args: string }[],
  size: number,
  model: { model: string },
  quirks: { laterName?: null; emptyIds?: boolean; firstArguments?: string } = {},
): object[] {
  return calls.flatMap((call, index) => {
    // A current llama.cpp sends the opening `{` with the name: the rest follows in pieces.
    const first =
      quirks.firstArguments !== undefined && call.args.startsWith(quirks.firstArguments)
        ? quirks.firstArguments
        : "";
    return [
      completionChunk(
        {
          tool_calls: [
            {
              index,
              id: quirks.emptyIds ? "" : call.id,
              type: "function",
              function: { name: call.name, arguments: first },
            },
          ],
        },
        model,
      ),
      ...pieces(call.args.slice(first.length), size).map((piece) =>
        completionChunk(
          {
            tool_calls: [
              {
                index,
                function: {
                  ...(quirks.laterName === null ? { name: null } : {}),
                  arguments: piece,
                },
              },
            ],
          },
          model,
        ),
      ),
    ];
  });
}

/** Cuts a string into pieces of at most `size` characters (arguments stream in fragments). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
