/**
 * The wire protocols a client can speak: the config's `protocol`. `openai-chat` is OpenAI's
 * chat completions (and every OpenAI-compatible server); `anthropic-messages` Anthropic's
 * Messages API (`/v1/messages`); `openai-responses` OpenAI's Responses API (`/v1/responses`).
 */
export type ProtocolName = "openai-chat" | "anthropic-messages" | "openai-responses";
