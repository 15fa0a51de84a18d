import type { JsonSchema, Message, ProtocolName, ToolDefinition } from "@loom/llm-types";
import { PROTOCOL_NAMES } from "@loom/llm-utils";

/** Contenders one run may ask at once. */
export const MAX_CONTENDERS = 8;

/** Messages a run re-asking a recorded conversation may carry. */
export const MAX_MESSAGES = 1_000;

/** Tools one run may offer. */
export const MAX_TOOLS = 64;

/** How deep a schema of the page may nest. */
export const MAX_SCHEMA_DEPTH = 64;

/** JSON Schema keywords whose value maps names to schemas. */
const NAME_MAPS: ReadonlySet<string> = new Set([
  "properties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** One contender the page asks: a provider (a preset or a loom.toml table), or a base URL. */
export interface ContenderSpec {
  provider?: string | undefined;
  baseUrl?: string | undefined;
  model?: string | undefined;
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  protocol?: ProtocolName | undefined;
}

/** What the page asks the playground to run. */
export interface RunRequest {
  system: string | undefined;
  /** The prompt; empty when `messages` are given. */
  prompt: string;
  /**
   * A recorded conversation's messages, asked again as they are (a transcript's turn), in
   * place of the system message and the prompt. Each client checks them as it checks a call.
   */
  messages: Message[] | undefined;
  /** What fills each `{{name}}` of the prompt and the system message. */
  variables: Record<string, string>;
  contenders: ContenderSpec[];
  /** Tools the model may call (their calls are shown, not run). */
  tools: ToolDefinition[] | undefined;
  /** A JSON Schema the answer must follow; the answer is parsed and checked against it. */
  responseSchema: JsonSchema | undefined;
}

/** A request the page sent that cannot be run: said to the page, with a 400. */
export class PlaygroundInputError extends Error {
  override readonly name = "PlaygroundInputError";
}

/** The page's run request, checked field by field; anything else is a `PlaygroundInputError`. */
export function parseRunRequest(value: unknown): RunRequest {
  const body = record(value, "the request");
  const messages = body.messages === undefined ? undefined : messageList(body.messages);
  const prompt = text(body.prompt, "prompt") ?? "";
  if (messages === undefined && prompt.trim() === "")
    throw new PlaygroundInputError("prompt: write a prompt first");
  const system = text(body.system, "system");
  const variables: Record<string, string> = {};
  for (const [name, given] of Object.entries(record(body.variables ?? {}, "variables"))) {
    if (typeof given !== "string")
      throw new PlaygroundInputError(`variables.${name}: must be text`);
    variables[name] = given;
  }
  if (!Array.isArray(body.contenders) || body.contenders.length === 0)
    throw new PlaygroundInputError("contenders: add at least one");
  if (body.contenders.length > MAX_CONTENDERS)
    throw new PlaygroundInputError(`contenders: at most ${MAX_CONTENDERS} at once`);
  const contenders = body.contenders.map((given: unknown, i: number) => contender(given, i));
  return {
    system: system === undefined || system.trim() === "" ? undefined : system,
    prompt,
    messages,
    variables,
    contenders,
    tools: body.tools === undefined || body.tools === null ? undefined : toolList(body.tools),
    responseSchema:
      body.responseSchema === undefined || body.responseSchema === null
        ? undefined
        : schema(body.responseSchema, "responseSchema"),
  };
}

/**
 * A JSON Schema the answers are checked against, in this process. Without `pattern`: a regular
 * expression that backtracks (`^(a+)+$`) holds the event loop for minutes on a model's answer,
 * and every run and request of the playground with it. Nested at most `MAX_SCHEMA_DEPTH` deep.
 */
function schema(value: unknown, where: string): JsonSchema {
  const checked = record(value, where);
  // `names`: the node maps names to schemas (`properties`), so its keys are not keywords.
  const visit = (node: unknown, path: string, depth: number, names: boolean): void => {
    if (typeof node !== "object" || node === null) return;
    if (depth > MAX_SCHEMA_DEPTH)
      throw new PlaygroundInputError(`${where}: nested more than ${MAX_SCHEMA_DEPTH} deep`);
    for (const [key, child] of Object.entries(node)) {
      if (!names && !Array.isArray(node) && (key === "pattern" || key === "patternProperties"))
        throw new PlaygroundInputError(
          `${path}.${key}: regular expressions are not checked in the playground (a slow one would stall it); leave ${key} out here`,
        );
      visit(child, `${path}.${key}`, depth + 1, !names && NAME_MAPS.has(key));
    }
  };
  visit(checked, where, 0, false);
  return checked as JsonSchema;
}

/** The tools offered: a name each, a description and a JSON Schema of parameters if given. */
function toolList(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) throw new PlaygroundInputError("tools: a list of tools");
  if (value.length > MAX_TOOLS) throw new PlaygroundInputError(`tools: at most ${MAX_TOOLS}`);
  return value.map((tool: unknown, i: number) => {
    const given = record(tool, `tools.${i}`);
    const name = text(given.name, `tools.${i}.name`);
    if (name === undefined || name.trim() === "")
      throw new PlaygroundInputError(`tools.${i}.name: each tool needs a name`);
    const definition: ToolDefinition = { name };
    const description = text(given.description, `tools.${i}.description`);
    if (description !== undefined) definition.description = description;
    if (given.parameters !== undefined)
      definition.parameters = schema(given.parameters, `tools.${i}.parameters`);
    return definition;
  });
}

/** A recorded conversation's messages: objects with a role; the client checks the rest. */
function messageList(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new PlaygroundInputError("messages: a list of messages");
  if (value.length > MAX_MESSAGES)
    throw new PlaygroundInputError(`messages: at most ${MAX_MESSAGES}`);
  return value.map((message: unknown, i: number) => {
    const given = record(message, `messages.${i}`);
    if (typeof given.role !== "string") throw new PlaygroundInputError(`messages.${i}.role: text`);
    return given as unknown as Message;
  });
}

function contender(value: unknown, i: number): ContenderSpec {
  const where = `contenders.${i}`;
  const given = record(value, where);
  const provider = text(given.provider, `${where}.provider`)?.trim() || undefined;
  const baseUrl = text(given.baseUrl, `${where}.baseUrl`)?.trim() || undefined;
  if (provider === undefined && baseUrl === undefined)
    throw new PlaygroundInputError(`${where}: pick a provider or give a base URL`);
  // A provider's key goes to its own server only: the page cannot send it elsewhere.
  if (provider !== undefined && baseUrl !== undefined)
    throw new PlaygroundInputError(
      `${where}: a provider's base URL is its own; give a provider or a base URL, not both`,
    );
  if (baseUrl !== undefined && !/^https?:\/\//i.test(baseUrl))
    throw new PlaygroundInputError(`${where}.baseUrl: an http:// or https:// URL`);
  const protocol = text(given.protocol, `${where}.protocol`) || undefined;
  if (protocol !== undefined && !(PROTOCOL_NAMES as readonly string[]).includes(protocol))
    throw new PlaygroundInputError(
      `${where}.protocol: one of ${PROTOCOL_NAMES.join(", ")}, got ${JSON.stringify(protocol)}`,
    );
  return {
    provider,
    baseUrl,
    model: text(given.model, `${where}.model`)?.trim() || undefined,
    temperature: number(given.temperature, `${where}.temperature`),
    maxTokens: number(given.maxTokens, `${where}.maxTokens`),
    protocol: protocol as ProtocolName | undefined,
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new PlaygroundInputError(`${where}: must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new PlaygroundInputError(`${where}: must be text`);
  return value;
}

function number(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new PlaygroundInputError(`${where}: must be a number`);
  return value;
}
