import { getPreset, type ProjectConfig, presetNames } from "@loom/llm-providers";
import type { Message } from "@loom/llm-types";
import { redactUrl } from "@loom/llm-utils";
import { stringify } from "smol-toml";
import { baseUrlHost } from "../resolve-cli-provider.js";
import { PlaygroundInputError, type RunRequest } from "./run-request.js";

/** The playground's current prompt and contenders, as a project would keep them. */
export interface Snippets {
  /** One `[llm.NAME]` table per contender: a `loom.toml` the snippet below reads. */
  toml: string;
  /** A TypeScript program asking every contender the prompt, with `@loom/llm`. */
  typescript: string;
}

/**
 * Exports the page's prompt (its variables filled, `messages`) and contenders. Each contender
 * is a whole table (base URL, the key's environment variable, model and options), so a repeat
 * of one provider with another model is a provider of its own (`openai-2`). Never a key: a
 * table names the variable that holds it, and base URLs are masked as everywhere else.
 */
export function exportSnippets(
  messages: readonly Message[],
  request: Pick<RunRequest, "contenders" | "tools" | "responseSchema">,
  project: ProjectConfig | undefined,
): Snippets {
  const presets = new Set(presetNames());
  const tables: Record<string, Record<string, string | number>> = {};
  const names: string[] = [];
  /** A name no preset and no other table has: a table named after a preset inherits its key. */
  const taken = (name: string) => presets.has(name) || Object.hasOwn(tables, name);
  for (const spec of request.contenders) {
    if (
      spec.provider !== undefined &&
      !presets.has(spec.provider) &&
      !Object.hasOwn(project?.llm ?? {}, spec.provider)
    )
      throw new PlaygroundInputError(
        `no provider named ${JSON.stringify(spec.provider)}: a preset or a loom.toml table`,
      );
    let name: string;
    if (spec.provider !== undefined) {
      name = spec.provider;
      for (let n = 2; Object.hasOwn(tables, name); n++) name = `${spec.provider}-${n}`;
    } else {
      // A bare server: named after its host, never after a preset (whose key it would get).
      const base = `url-${baseUrlHost(spec.baseUrl ?? "").replace(/[^A-Za-z0-9_-]+/g, "-")}`;
      name = base;
      for (let n = 2; taken(name); n++) name = `${base}-${n}`;
    }
    names.push(name);
    const configured = spec.provider === undefined ? undefined : project?.llm[spec.provider];
    const preset =
      spec.provider !== undefined && presets.has(spec.provider)
        ? getPreset(spec.provider)
        : undefined;
    const table: Record<string, string | number> = {};
    const baseUrl = spec.baseUrl ?? configured?.baseUrl ?? preset?.baseUrl;
    if (baseUrl !== undefined) table.base_url = redactUrl(baseUrl);
    const model = spec.model ?? configured?.model ?? preset?.model;
    table.model = model ?? "default";
    const keyEnv = configured?.apiKeyEnv ?? preset?.apiKeyEnv;
    if (keyEnv !== undefined && spec.baseUrl === undefined) table.api_key_env = keyEnv;
    const protocol = spec.protocol ?? configured?.protocol ?? preset?.protocol;
    if (protocol !== undefined) table.protocol = protocol;
    const temperature = spec.temperature ?? configured?.temperature;
    if (temperature !== undefined) table.temperature = temperature;
    const maxTokens = spec.maxTokens ?? configured?.maxTokens;
    if (maxTokens !== undefined) table.max_tokens = maxTokens;
    tables[name] = table;
  }
  const toml = `# The playground's contenders, one [llm.NAME] table each (keys: set the variables named).\n${stringify({ llm: tables })}\n`;
  const asked = ["messages"];
  const types = ["type Message"];
  let declarations = "";
  if (request.tools !== undefined) {
    asked.push("tools");
    types.push("type ToolDefinition");
    declarations += `\n// Offered to the model; its calls are in response.toolCalls.\nconst tools: ToolDefinition[] = ${JSON.stringify(request.tools, null, 2)};\n`;
  }
  if (request.responseSchema !== undefined) {
    asked.push("responseFormat");
    types.push("type ResponseFormat");
    const format = { type: "json_schema", name: "answer", schema: request.responseSchema };
    declarations += `\n// The answer's JSON Schema; the parsed answer is response.parsed.\nconst responseFormat: ResponseFormat = ${JSON.stringify(format, null, 2)};\n`;
  }
  const typescript = `import { LLMProvider, loadProjectConfig, ${types.join(", ")} } from "@loom/llm";

// The playground's prompt, its variables filled; the contenders are loom.toml's tables.
const messages: Message[] = ${JSON.stringify(messages, null, 2)};
${declarations}
const config = await loadProjectConfig("loom.toml");
for (const name of ${JSON.stringify(names)}) {
  const llm = LLMProvider.fromConfig({ env: process.env }, name, config);
  try {
    const response = await llm.call({ ${asked.join(", ")} });
    console.log(\`\${name}: \${response.content}\`, response.usage, response.costUsd ?? "cost unknown");
  } finally {
    await llm.close();
  }
}
`;
  return { toml, typescript };
}
