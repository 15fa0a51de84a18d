import {
  type ChatRequest,
  ConfigError,
  type ProtocolName,
  type ProviderHooks,
} from "@loom/llm-types";
import type { ModelRules, ProviderPreset, ReasoningReplay } from "./provider-preset.js";

/**
 * The hooks that apply a preset's wire rules to every request body. Most rules are facts of an
 * API's chat-completions endpoint (renamed fields, response formats it lacks, reasoning to send
 * back, `n`): they apply when the client speaks `openai-chat`. On the native protocols
 * (Anthropic Messages, OpenAI Responses), whose wires handle those themselves, only the options
 * a model rejects are dropped (`temperature` and `top_p` have the same names there).
 */
export function presetHooks(
  name: string,
  preset: Readonly<ProviderPreset>,
  protocol: ProtocolName = "openai-chat",
): ProviderHooks {
  const chat = protocol === "openai-chat";
  // One warning per option per provider: a loop of 10 000 calls must not log 10 000 lines.
  const warned = new Set<string>();
  const formats = preset.responseFormats;
  const renamed = preset.renamedOptions;
  return {
    prepareBody(body, request, info) {
      const model = String(body.model);
      const rules = rulesFor(preset.models, model);
      const n = body.n;
      if (
        chat &&
        preset.maxChoices !== undefined &&
        typeof n === "number" &&
        n > preset.maxChoices
      ) {
        throw new ConfigError({
          provider: name,
          issues: [
            {
              path: "n",
              message: `${name} answers at most ${preset.maxChoices} choice${preset.maxChoices === 1 ? "" : "s"} per request, got ${n}: make several requests`,
            },
          ],
        });
      }
      if (chat && preset.maxTokensField === "max_completion_tokens" && "max_tokens" in body) {
        // Unless the caller set the new name itself (in `extraBody`): theirs wins.
        if (!("max_completion_tokens" in body)) body.max_completion_tokens = body.max_tokens;
        delete body.max_tokens;
      }
      for (const option of rules?.unsupportedOptions ?? preset.unsupportedOptions ?? []) {
        if (!(option in body) || (!chat && !NATIVE_NAMES.has(option))) continue;
        delete body[option];
        if (!warned.has(option)) {
          warned.add(option);
          info.context.logger?.warn?.(
            `${name}: ${model} does not accept "${option}"; it was not sent`,
            {
              provider: name,
              model,
              option,
            },
          );
        }
      }
      if (protocol === "openai-responses" && preset.responsesFormatField === "response_format")
        copyFormatForChat(body);
      if (!chat) return;
      if (renamed !== undefined) {
        for (const [option, wireName] of Object.entries(renamed)) {
          if (!(option in body) || wireName === undefined) continue;
          // A value under the API's own name (from `extraBody`) wins over the renamed one.
          if (!(wireName in body)) body[wireName] = body[option];
          delete body[option];
        }
      }
      const replay = rules?.reasoningReplay ?? preset.reasoningReplay ?? "never";
      if (shouldReplay(replay, body)) replayReasoning(body, request);
      if (formats !== undefined) fitResponseFormat(body, formats);
    },
  };
}

/** The options named alike on every protocol's wire: the others are chat-completions names. */
const NATIVE_NAMES: ReadonlySet<string> = new Set(["temperature", "top_p", "user"]);

/**
 * A Responses body's `text.format` also as chat completions' `response_format`, for servers
 * whose Responses endpoint reads only that (llama.cpp): the same schema, in that field's shape.
 */
function copyFormatForChat(body: Record<string, unknown>): void {
  const format = (body.text as { format?: Record<string, unknown> } | undefined)?.format;
  if (format === undefined || "response_format" in body) return;
  if (format.type === "json_schema") {
    const { type, ...schema } = format;
    body.response_format = { type, json_schema: schema };
  } else if (format.type === "json_object") {
    body.response_format = { type: "json_object" };
  }
}

function shouldReplay(replay: ReasoningReplay, body: Record<string, unknown>): boolean {
  if (replay === "always") return true;
  if (replay === "never") return false;
  const thinking = body.thinking as { type?: unknown } | undefined;
  return thinking?.type === "enabled";
}

/** Adds each assistant turn's reasoning (`""` when it had none) to its wire message. */
function replayReasoning(body: Record<string, unknown>, request: ChatRequest): void {
  const wire = body.messages as Record<string, unknown>[];
  request.messages.forEach((message, i) => {
    const target = wire[i];
    if (message.role === "assistant" && target !== undefined) {
      target.reasoning_content = message.reasoningContent ?? "";
    }
  });
}

type Format = "text" | "json_object" | "json_schema";

/**
 * Sends a response format the API accepts. `json_schema` without support: `json_object` with
 * the schema in the system message, or that instruction alone when the API has neither (it
 * would ignore the field). `json_object` without support: a `json_schema` that allows any
 * object (LM Studio), or an instruction. The caller validates the reply whatever was sent.
 */
function fitResponseFormat(body: Record<string, unknown>, formats: readonly Format[]): void {
  const format = body.response_format as
    | { type?: unknown; json_schema?: { schema?: unknown } }
    | undefined;
  if (format === undefined || formats.includes(format.type as Format)) return;
  if (format.type === "json_schema") {
    const schema = JSON.stringify(format.json_schema?.schema ?? {});
    instruct(
      body,
      `Reply with one JSON object that matches this JSON Schema, and nothing else:\n${schema}`,
    );
    if (formats.includes("json_object")) body.response_format = { type: "json_object" };
    else delete body.response_format;
  } else if (format.type === "json_object") {
    if (formats.includes("json_schema")) {
      body.response_format = {
        type: "json_schema",
        json_schema: { name: "response", schema: { type: "object" } },
      };
    } else {
      instruct(body, "Reply with one JSON object, and nothing else.");
      delete body.response_format;
    }
  }
}

/** Appends an instruction to the first system message, or puts a new one first. */
function instruct(body: Record<string, unknown>, instruction: string): void {
  const messages = body.messages as { role: string; content: unknown }[];
  const system = messages.find((m) => m.role === "system");
  if (system === undefined) messages.unshift({ role: "system", content: instruction });
  else if (Array.isArray(system.content)) system.content.push({ type: "text", text: instruction });
  else system.content = `${String(system.content ?? "")}\n\n${instruction}`;
}

/**
 * A model's rules: by its exact name, else by the most specific pattern it matches, a pattern
 * being a name with `*` for any run of characters (`o3*`, `*-non-reasoning`), and the most
 * specific the one with the most characters besides its `*`s.
 */
function rulesFor(
  models: Readonly<Record<string, ModelRules>> | undefined,
  model: string,
): ModelRules | undefined {
  if (models === undefined) return undefined;
  const exact = models[model];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestLength = -1;
  for (const key in models) {
    if (!key.includes("*")) continue;
    const literal = key.replaceAll("*", "").length;
    if (literal > bestLength && matches(key, model)) {
      best = key;
      bestLength = literal;
    }
  }
  return best === undefined ? undefined : models[best];
}

/** Whether `name` matches `pattern`, where each `*` stands for any run of characters. */
function matches(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] ?? "";
  const last = parts.at(-1) ?? "";
  if (!name.startsWith(first) || name.length < first.length + last.length) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  return name.length - last.length >= at && name.endsWith(last);
}
