import { type ChatRequest, ConfigError, type LLMConfig } from "@loom/llm-types";
import { resolveMaxTokens } from "./resolve-max-tokens.js";
import { structuredTool, structuredToolName } from "./structured-output-tool.js";
import { thinkingBudget } from "./thinking-budget.js";
import { toWireMessages } from "./to-wire-messages.js";
import { toWireSystem } from "./to-wire-system.js";
import { toWireToolChoice } from "./to-wire-tool-choice.js";
import { toWireTools } from "./to-wire-tools.js";

/**
 * The JSON body of one Messages request: `model`, `max_tokens` (which Anthropic requires),
 * `system` at the top level, alternating `messages`, and only the options that were set.
 * `extraBody` is merged last, so any field (`top_k`, `thinking`, a beta's) can be set or
 * overridden.
 *
 * Not sent, for want of a field: `seed` (the Messages API has none) and `n` (it answers once:
 * more is refused here rather than silently answered once).
 */
export function buildRequestBody(
  config: LLMConfig,
  request: ChatRequest,
  stream: boolean,
): Record<string, unknown> {
  if (request.n !== undefined && request.n !== 1) {
    throw new ConfigError({
      issues: [
        {
          path: "n",
          message: `must be 1 with Anthropic's Messages API, which answers once per request; got ${request.n}`,
        },
      ],
    });
  }
  const budget = request.reasoning === undefined ? undefined : thinkingBudget(request.reasoning);
  // `effort: "none"` alone is no thinking: nothing is sent for it.
  const thinking = budget !== undefined;
  const body: Record<string, unknown> = {
    model: request.model ?? config.model,
    max_tokens: resolveMaxTokens(request.maxTokens ?? config.maxTokens, budget),
  };
  const system = toWireSystem(request.messages);
  if (system !== undefined) body.system = system;
  body.messages = toWireMessages(request.messages);
  if (thinking) body.thinking = { type: "enabled", budget_tokens: budget };
  // Anthropic refuses `temperature` and `top_k` beside thinking, and `top_p` below 0.95: they
  // are left out then (`top_k` only comes through `extraBody`, the caller's to drop).
  const temperature = request.temperature ?? config.temperature;
  if (temperature !== undefined && !thinking) body.temperature = temperature;
  const topP = request.topP ?? config.topP;
  if (topP !== undefined && (!thinking || topP >= 0.95)) body.top_p = topP;
  if (request.stop !== undefined)
    body.stop_sequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  const tools = request.tools !== undefined ? toWireTools(request.tools) : [];
  let toolChoice =
    request.toolChoice === undefined ? undefined : toWireToolChoice(request.toolChoice, thinking);
  const format = request.responseFormat;
  const structured = structuredToolName(format, request.tools);
  if (structured !== undefined && format !== undefined && format.type !== "text") {
    tools.push(structuredTool(format, structured));
    // Forced, so the reply is the tool's input. Beside tools of the request's own, a tool call
    // of any kind is forced instead (`any`): the model may use its tools, and answers through
    // the reply's tool when done; a choice of one tool stays the caller's. Thinking allows no
    // forced tool: the model is then only asked (by the tool's description) to answer with it.
    const own = tools.length > 1 && request.toolChoice !== "none";
    if (!thinking && !(own && typeof request.toolChoice === "object"))
      toolChoice = own ? { type: "any" } : { type: "tool", name: structured };
  }
  if (tools.length > 0) body.tools = tools;
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  if (request.extraBody !== undefined) Object.assign(body, request.extraBody);
  return body;
}
