import { type ChatRequest, ConfigError, type LLMConfig } from "@loom/llm-types";
import { toInput } from "./to-input.js";
import { toTextFormat } from "./to-text-format.js";
import { toWireToolChoice } from "./to-wire-tool-choice.js";
import { toWireTools } from "./to-wire-tools.js";
import { wantsEncryptedReasoning } from "./wants-encrypted-reasoning.js";

/**
 * The JSON body of one `POST /responses`: `model`, `instructions`, `input`, and only the
 * options that were set. Stateless by default: `store: false` keeps nothing on the server
 * (each request carries the whole conversation, as with chat completions), and reasoning models
 * are asked for their encrypted reasoning so a tool loop keeps it. `extraBody` is merged last,
 * so `{store: true}` (or `previous_response_id`, `truncation`, …) restores what the API
 * offers beyond this.
 *
 * Not sent, because the API has no such field: `stop` and `seed` (no stop sequences, no
 * seeded sampling in the Responses API), and `reasoning.budgetTokens` (reasoning is sized by
 * `effort` only). `n > 1` cannot be honoured (one response per request): a `ConfigError`
 * before anything is sent, rather than one answer where several were asked for.
 */
export function buildRequestBody(
  config: LLMConfig,
  request: ChatRequest,
  stream: boolean,
): Record<string, unknown> {
  if (request.n !== undefined && request.n > 1) {
    throw new ConfigError({
      issues: [
        {
          path: "n",
          message: `the Responses API (protocol "openai-responses") returns one answer per request, got ${request.n}`,
        },
      ],
      provider: config.provider,
    });
  }
  const model = request.model ?? config.model;
  const stateless = request.extraBody?.store !== true;
  const { instructions, input } = toInput(request.messages, stateless);
  const body: Record<string, unknown> = { model };
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;
  if (request.tools !== undefined && request.tools.length > 0)
    body.tools = toWireTools(request.tools);
  if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) {
    const format = toTextFormat(request.responseFormat);
    if (format !== undefined) body.text = { format };
  }
  const maxTokens = request.maxTokens ?? config.maxTokens;
  if (maxTokens !== undefined) body.max_output_tokens = maxTokens;
  const temperature = request.temperature ?? config.temperature;
  if (temperature !== undefined) body.temperature = temperature;
  const topP = request.topP ?? config.topP;
  if (topP !== undefined) body.top_p = topP;
  const reasoning = request.reasoning;
  if (reasoning !== undefined) {
    const wire: Record<string, unknown> = {};
    if (reasoning.effort !== undefined) wire.effort = reasoning.effort;
    if (reasoning.summary !== undefined) wire.summary = reasoning.summary;
    if (Object.keys(wire).length > 0) body.reasoning = wire;
  }
  if (request.user !== undefined) body.user = request.user;
  body.store = false;
  if (wantsEncryptedReasoning(model, request)) body.include = ["reasoning.encrypted_content"];
  if (stream) body.stream = true;
  if (request.extraBody !== undefined) Object.assign(body, request.extraBody);
  return body;
}
