import type { ProviderPreset } from "./provider-preset.js";

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
        unsupportedOptions: [
          "temperature",
          "top_p",
          "presence_penalty",
          "frequency_penalty",
          "logprobs",
          "top_logprobs",
        ],
        reasoningReplay: "never",
      },
    },
  },
  openai: {
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKeyEnv: "OPENAI_API_KEY",
    requiresKey: true,
  },
  local: {
    // vLLM's default; Ollama is :11434 and llama.cpp :8080 (override baseUrl).
    baseUrl: "http://localhost:8000/v1",
    model: "qwen2.5-0.5b-instruct",
    // Some local servers (older llama.cpp, Ollama without a format) ignore response_format.
    enforcesResponseFormat: false,
  },
});
