import type { ProviderPreset } from "./provider-preset.js";

// The sampling options reasoning models refuse or ignore: DeepSeek R1's list.
const SAMPLING = [
  "temperature",
  "top_p",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
] as const;

// OpenAI's reasoning models (o1, o3, o4-mini, gpt-5) accept only default sampling, no logit_bias.
const REASONING_UNSUPPORTED = [...SAMPLING, "logit_bias"] as const;

/** The built-in presets, with each API's known wire rules (docs/wire.md). */
export const BUILTIN_PRESETS: Readonly<
  Record<"deepseek" | "openai" | "local", Readonly<ProviderPreset>>
> = Object.freeze({
  deepseek: {
    baseUrl: "https://api.deepseek.com/v1",
    model: "deepseek-chat",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    requiresKey: true,
    // DeepSeek accepts json_object only (wire.md).
    responseFormats: ["text", "json_object"],
    // Thinking mode requires earlier reasoning on every assistant turn; otherwise it is not sent.
    reasoningReplay: "when-thinking",
    models: {
      "deepseek-reasoner": {
        // R1 rejects or ignores sampling options, and answers 400 to earlier reasoning.
        unsupportedOptions: SAMPLING,
        reasoningReplay: "never",
      },
    },
  },
  openai: {
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKeyEnv: "OPENAI_API_KEY",
    requiresKey: true,
    // The current name: `max_tokens` is deprecated, and reasoning models answer 400 to it.
    maxTokensField: "max_completion_tokens",
    // Reasoning models accept only the default sampling: the options are dropped (one warning).
    models: {
      "o1*": { unsupportedOptions: REASONING_UNSUPPORTED },
      "o3*": { unsupportedOptions: REASONING_UNSUPPORTED },
      "o4*": { unsupportedOptions: REASONING_UNSUPPORTED },
      "gpt-5*": { unsupportedOptions: REASONING_UNSUPPORTED },
    },
  },
  local: {
    // vLLM's default; Ollama is :11434 and llama.cpp :8080 (override baseUrl).
    baseUrl: "http://localhost:8000/v1",
    model: "qwen2.5-0.5b-instruct",
    // Some local servers (older llama.cpp, Ollama without a format) ignore response_format.
    enforcesResponseFormat: false,
  },
});
