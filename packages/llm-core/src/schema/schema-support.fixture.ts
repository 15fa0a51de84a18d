import { prepareSchemaSupport } from "./load-schema-support.js";

/**
 * Loads schema support as an exchange does before a request with tools or a response format:
 * for tests that build such a request's body, or parse its answer, without an exchange.
 */
export async function loadSchemaSupport(): Promise<void> {
  const asked = { responseFormat: { type: "json_object" as const } };
  await prepareSchemaSupport(asked, { ...asked, provider: "test", model: "m" });
}
