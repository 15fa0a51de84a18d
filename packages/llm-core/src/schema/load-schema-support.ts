import { ConfigError, type ExchangeFacts } from "@loom/llm-types";
import type { SchemaCarrier } from "@loom/llm-utils";

type SchemaSupport = typeof import("./schema-support.js");

let support: SchemaSupport | undefined;
let loading: Promise<void> | undefined;

/** The import, made once: a default written inline would be a new function on every request. */
const importSupport = (): Promise<SchemaSupport> => import("./schema-support.js");

/** The part of a request that needs schema support, or `undefined`. */
function needing({ tools, responseFormat }: SchemaCarrier): string | undefined {
  if (responseFormat !== undefined) return "responseFormat";
  return tools !== undefined && tools.length > 0 ? "tools" : undefined;
}

/**
 * Loads schema support (`schema-support.ts`), once, then zod where a schema needs it, before a
 * request with tools or a `responseFormat` is sent: `request` as it goes (hooks may have changed
 * it; its body is built from it) and `facts`, the request as the call was made (what the answer
 * is validated against). Resolves at once (`undefined`) when neither needs anything. A failed
 * import (a chunk missing from an app's bundle, a network failure in a browser) is a
 * `ConfigError` and nothing is sent; the next request tries again.
 */
export function prepareSchemaSupport(
  request: SchemaCarrier,
  facts: SchemaCarrier & Pick<ExchangeFacts, "provider" | "model">,
  load: () => Promise<SchemaSupport> = importSupport,
): Promise<void> | undefined {
  const path = needing(request) ?? needing(facts);
  if (path === undefined) return undefined;
  if (support !== undefined)
    return support.prepareSchemas(request) ?? support.prepareSchemas(facts);
  return loadThenPrepare(request, facts, load, path);
}

/**
 * The first request that needs schema support: load it, then prepare. A function of its own:
 * the closures here would make every request (most need none) allocate their context.
 */
function loadThenPrepare(
  request: SchemaCarrier,
  facts: SchemaCarrier & Pick<ExchangeFacts, "provider" | "model">,
  load: () => Promise<SchemaSupport>,
  path: string,
): Promise<void> | undefined {
  loading ??= load().then(
    (module) => {
      support = module;
    },
    (cause: unknown) => {
      loading = undefined;
      throw cause;
    },
  );
  return loading.then(
    () => prepareSchemaSupport(request, facts),
    (cause: unknown) => {
      throw new ConfigError({
        message: `the support of tools and structured output could not be loaded (is its module missing from the bundle?): ${cause instanceof Error ? cause.message : String(cause)}`,
        issues: [{ path, message: "could not be loaded" }],
        provider: facts.provider,
        model: facts.model,
        cause,
      });
    },
  );
}

/**
 * Schema support, loaded by `prepareSchemaSupport` before any request with tools or a
 * `responseFormat` was sent: what builds such a request's body and reads its answer.
 */
export function schemaSupport(): SchemaSupport {
  if (support === undefined)
    throw new Error(
      "schema support is not loaded: prepareSchemaSupport() runs before a request with tools or a responseFormat",
    );
  return support;
}
