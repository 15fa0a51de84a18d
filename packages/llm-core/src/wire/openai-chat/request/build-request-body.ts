import type { ChatRequest, LLMConfig } from "@loom/llm-types";
import { schemaSupport } from "../../../schema/load-schema-support.js";
import { toWireMessages } from "./to-wire-messages.js";
import { toWireToolChoice } from "./to-wire-tool-choice.js";

/**
 * The JSON body of one chat-completions request: `model`, `messages`, and only the options that
 * were set, per call or in the config (strict servers reject `null` or unknown fields).
 * `extraBody` is merged last, so provider-specific fields can override anything.
 */
export function buildRequestBody(
  config: LLMConfig,
  request: ChatRequest,
  stream: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model ?? config.model,
    messages: toWireMessages(request.messages),
  };
  const temperature = request.temperature ?? config.temperature;
  if (temperature !== undefined) body.temperature = temperature;
  const maxTokens = request.maxTokens ?? config.maxTokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  const topP = request.topP ?? config.topP;
  if (topP !== undefined) body.top_p = topP;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  // One answer is every server's default: `n: 1` is left out for those that reject the field.
  if (request.n !== undefined && request.n !== 1) body.n = request.n;
  // Tools and a response format are converted by schema support, loaded before such a request
  // is sent (`prepareSchemaSupport`): a chat never loads it.
  if (request.tools !== undefined && request.tools.length > 0)
    body.tools = schemaSupport().toWireTools(request.tools);
  if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) {
    body.response_format = schemaSupport().toWireResponseFormat(request.responseFormat);
  }
  // Effort is what chat completions can say of reasoning; a budget and a summary it has no field for.
  if (request.reasoning?.effort !== undefined) body.reasoning_effort = request.reasoning.effort;
  if (request.user !== undefined) body.user = request.user;
  if (stream) {
    body.stream = true;
    if (config.streamUsage) body.stream_options = { include_usage: true };
  }
  if (request.extraBody !== undefined) Object.assign(body, request.extraBody);
  return body;
}
