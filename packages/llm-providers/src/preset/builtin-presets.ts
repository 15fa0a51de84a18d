import type { ProviderPreset } from "./provider-preset.js";

/** The names of the presets that come built in. */
export type BuiltinPresetName =
  | "deepseek"
  | "openai"
  | "local"
  | "ollama"
  | "vllm"
  | "llamacpp"
  | "lmstudio"
  | "openrouter"
  | "groq"
  | "together"
  | "fireworks"
  | "mistral"
  | "xai"
  | "gemini"
  | "anthropic";

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

// xAI's reasoning models refuse these (docs.x.ai, reasoning guide).
const XAI_REASONING_UNSUPPORTED = ["presence_penalty", "frequency_penalty", "stop"] as const;

/**
 * The built-in presets, with each API's known wire rules (docs/wire.md, "Presets"). Prices are
 * those published for the default model and a few others; a model without one is unpriced.
 */
export const BUILTIN_PRESETS: Readonly<Record<BuiltinPresetName, Readonly<ProviderPreset>>> =
  Object.freeze({
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
    ollama: {
      baseUrl: "http://localhost:11434/v1",
      model: "llama3.2",
      // Its OpenAI layer reads no `n` (one answer, whatever was asked) and no `max_completion_tokens`.
      maxChoices: 1,
    },
    vllm: {
      baseUrl: "http://localhost:8000/v1",
      // The served name is the Hugging Face id unless `--served-model-name` says otherwise.
      model: "Qwen/Qwen2.5-1.5B-Instruct",
      // The server reads its key from the same variable (or `--api-key`).
      apiKeyEnv: "VLLM_API_KEY",
    },
    llamacpp: {
      baseUrl: "http://localhost:8080/v1",
      // A server with one model answers whatever name is asked for.
      model: "default",
      // llama-server reads `--api-key` from the same variable.
      apiKeyEnv: "LLAMA_API_KEY",
      // Its `/v1/responses` ignores `text.format` and reads chat completions' `response_format`.
      responsesFormatField: "response_format",
    },
    lmstudio: {
      baseUrl: "http://localhost:1234/v1",
      model: "openai/gpt-oss-20b",
      apiKeyEnv: "LM_STUDIO_API_KEY",
      // LM Studio takes json_schema but not json_object.
      responseFormats: ["text", "json_schema"],
    },
    openrouter: {
      baseUrl: "https://openrouter.ai/api/v1",
      model: "openai/gpt-4o-mini",
      apiKeyEnv: "OPENROUTER_API_KEY",
      requiresKey: true,
      // Upstream prices, passed through.
      prices: { "openai/gpt-4o-mini": { inputPerMtok: 0.15, outputPerMtok: 0.6 } },
    },
    groq: {
      baseUrl: "https://api.groq.com/openai/v1",
      model: "llama-3.3-70b-versatile",
      apiKeyEnv: "GROQ_API_KEY",
      requiresKey: true,
      // Each answers 400 (console.groq.com/docs/openai), as does any `n` but 1.
      unsupportedOptions: ["logprobs", "top_logprobs", "logit_bias"],
      maxChoices: 1,
      prices: {
        "llama-3.3-70b-versatile": {
          inputPerMtok: 0.59,
          outputPerMtok: 0.79,
          contextWindow: 131_072,
          maxOutputTokens: 32_768,
        },
        "llama-3.1-8b-instant": {
          inputPerMtok: 0.05,
          outputPerMtok: 0.08,
          contextWindow: 131_072,
        },
        "openai/gpt-oss-120b": { inputPerMtok: 0.15, outputPerMtok: 0.6, maxOutputTokens: 65_536 },
        "openai/gpt-oss-20b": { inputPerMtok: 0.075, outputPerMtok: 0.3, maxOutputTokens: 65_536 },
      },
    },
    together: {
      baseUrl: "https://api.together.xyz/v1",
      model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      apiKeyEnv: "TOGETHER_API_KEY",
      requiresKey: true,
      prices: {
        "meta-llama/Llama-3.3-70B-Instruct-Turbo": { inputPerMtok: 0.88, outputPerMtok: 0.88 },
        "openai/gpt-oss-120b": { inputPerMtok: 0.15, outputPerMtok: 0.6 },
      },
    },
    fireworks: {
      baseUrl: "https://api.fireworks.ai/inference/v1",
      model: "accounts/fireworks/models/llama-v3p3-70b-instruct",
      apiKeyEnv: "FIREWORKS_API_KEY",
      requiresKey: true,
      prices: {
        "accounts/fireworks/models/llama-v3p3-70b-instruct": {
          inputPerMtok: 0.9,
          outputPerMtok: 0.9,
        },
      },
    },
    mistral: {
      baseUrl: "https://api.mistral.ai/v1",
      model: "mistral-small-latest",
      apiKeyEnv: "MISTRAL_API_KEY",
      requiresKey: true,
      // Unknown fields are a 422: `stream_options` among them (usage comes on the last chunk
      // anyway), and `max_completion_tokens`; `seed` is `random_seed`.
      streamUsage: false,
      renamedOptions: { seed: "random_seed" },
      prices: {
        "mistral-small-latest": {
          inputPerMtok: 0.15,
          cachedInputPerMtok: 0.015,
          outputPerMtok: 0.6,
          contextWindow: 256_000,
        },
        "mistral-medium-latest": { inputPerMtok: 0.4, outputPerMtok: 2, contextWindow: 262_144 },
      },
    },
    xai: {
      baseUrl: "https://api.x.ai/v1",
      model: "grok-4.20-non-reasoning",
      apiKeyEnv: "XAI_API_KEY",
      requiresKey: true,
      models: {
        "grok-3-mini*": { unsupportedOptions: XAI_REASONING_UNSUPPORTED },
        "grok-4*": { unsupportedOptions: XAI_REASONING_UNSUPPORTED },
        "grok-code-fast*": { unsupportedOptions: XAI_REASONING_UNSUPPORTED },
        // Non-reasoning variants of those families keep them.
        "grok-*non-reasoning*": { unsupportedOptions: [] },
      },
      // Prompts under 200K tokens; longer ones cost twice as much.
      prices: {
        "grok-4.20-non-reasoning": {
          inputPerMtok: 1.25,
          cachedInputPerMtok: 0.2,
          outputPerMtok: 2.5,
          contextWindow: 1_000_000,
        },
        "grok-4.20-reasoning": {
          inputPerMtok: 1.25,
          cachedInputPerMtok: 0.2,
          outputPerMtok: 2.5,
          contextWindow: 1_000_000,
        },
        "grok-4.3": {
          inputPerMtok: 1.25,
          cachedInputPerMtok: 0.2,
          outputPerMtok: 2.5,
          contextWindow: 1_000_000,
        },
      },
    },
    gemini: {
      baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai",
      model: "gemini-3.1-flash-lite",
      apiKeyEnv: "GEMINI_API_KEY",
      requiresKey: true,
      prices: {
        "gemini-3.1-flash-lite": {
          inputPerMtok: 0.25,
          cachedInputPerMtok: 0.025,
          outputPerMtok: 1.5,
          contextWindow: 1_048_576,
        },
      },
    },
    anthropic: {
      baseUrl: "https://api.anthropic.com/v1",
      model: "claude-haiku-5-5",
      apiKeyEnv: "ANTHROPIC_API_KEY",
      requiresKey: true,
      // Natively: prompt caching, thinking blocks kept across a tool loop, a forced tool for
      // structured output. `protocol: "openai-chat"` takes the OpenAI layer instead, which has
      // none of them: it ignores `response_format` (the schema goes in the system message and
      // the reply is sought in prose too) and answers one choice per request.
      protocol: "anthropic-messages",
      responseFormats: ["text"],
      enforcesResponseFormat: false,
      maxChoices: 1,
      // Prompts up to 100K tokens; longer ones cost five times as much.
      prices: {
        "claude-haiku-5-5": {
          inputPerMtok: 0.1,
          cachedInputPerMtok: 0.01,
          // Five-minute cache writes: 1.25 times the input price.
          cacheWritePerMtok: 0.125,
          outputPerMtok: 0.5,
          contextWindow: 1_000_000,
          maxOutputTokens: 128_000,
        },
        "claude-haiku-4-5": {
          inputPerMtok: 1,
          cachedInputPerMtok: 0.1,
          cacheWritePerMtok: 1.25,
          outputPerMtok: 5,
          contextWindow: 200_000,
          maxOutputTokens: 64_000,
        },
      },
    },
  });
