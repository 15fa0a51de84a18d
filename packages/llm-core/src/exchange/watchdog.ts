import { type ExchangeFacts, TimeoutError } from "@loom/llm-types";
import { BodyWatchdog } from "../http/body-watchdog.js";

/**
 * One watchdog for every client of the process: a fleet of a thousand clients keeps one timer
 * ticking while bodies are read, not a thousand.
 */
export const WATCHDOG: BodyWatchdog<ExchangeFacts> = new BodyWatchdog<ExchangeFacts>((facts) => {
  const timeoutMs = facts.timeoutMs;
  return new TimeoutError({
    timeoutMs,
    phase: "body",
    message: `${facts.request}: the response did not arrive in full within ${timeoutMs} ms; not resent, since the server may have acted on it`,
    retryable: false,
    provider: facts.provider,
    model: facts.model,
    requestId: facts.requestId,
  });
});
