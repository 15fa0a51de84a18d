import type { LLMConfig } from "@loom/llm-types";
import { userAgent } from "../../http/user-agent.js";

/**
 * The headers every JSON request of a client carries, whatever its protocol: content type,
 * accept (an event stream or JSON), user agent, then the protocol's own `defaults`, then the
 * config's headers, lower-cased so each name is sent once and the config's win. The protocol
 * adds its credential header after these, so a config header never replaces the key's.
 */
export function requestHeaders(
  config: LLMConfig,
  stream: boolean,
  defaults?: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
  };
  // None in a browser (http/user-agent.ts).
  const agent = userAgent();
  if (agent !== undefined) headers["user-agent"] = agent;
  Object.assign(headers, defaults);
  for (const [name, value] of Object.entries(config.headers)) headers[name.toLowerCase()] = value;
  return headers;
}
