import type { LLMContext } from "../llm-context.js";
import type { ProtocolName } from "../wire/protocol-name.js";

/** What a hook knows about the call it is watching. One object per call or stream. */
export interface CallInfo {
  /** The provider's name (`deepseek`, `openai`, `local`, or a custom one). */
  readonly provider: string;
  /** The model the request asks for. */
  readonly model: string;
  /** Whether this is a `stream()` (else a `call()`). */
  readonly stream: boolean;
  /** The context the provider was built with. */
  readonly context: LLMContext;
  /** The provider's base URL, with any credential in its query masked. */
  readonly baseUrl: string;
  /** The wire protocol the provider speaks. */
  readonly protocol: ProtocolName;
  /**
   * Masks the provider's secrets (its key, credential headers, URL credentials) in any text, in
   * any encoding: hooks that record text (telemetry, logs) pass it through this first.
   */
  readonly redact: (text: string) => string;
}
