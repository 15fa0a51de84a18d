import { ConfigError, type ExchangeFacts } from "@loom/llm-types";

type AnswerChecks = typeof import("./answer-checks.js");

let checks: AnswerChecks | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads what reads an answer back against the request's schemas, once, before the first request
 * that has a `responseFormat` or tools: resolves at once (`undefined`) when it is loaded or the
 * request needs none. A failed import (a chunk missing from an app's bundle, a network failure in
 * a browser) is a `ConfigError` and the request is not sent; the next request tries again.
 */
export function prepareAnswerChecks(
  facts: Pick<ExchangeFacts, "tools" | "responseFormat" | "provider" | "model">,
  load: () => Promise<AnswerChecks> = () => import("./answer-checks.js"),
): Promise<void> | undefined {
  if (checks !== undefined) return undefined;
  const path =
    facts.responseFormat !== undefined
      ? "responseFormat"
      : facts.tools?.length
        ? "tools"
        : undefined;
  if (path === undefined) return undefined;
  loading ??= load().then(
    (module) => {
      checks = module;
    },
    (cause: unknown) => {
      loading = undefined;
      throw cause;
    },
  );
  return loading.catch((cause: unknown) => {
    throw new ConfigError({
      message: `the checks of structured output and tool-call arguments could not be loaded (is their module missing from the bundle?): ${cause instanceof Error ? cause.message : String(cause)}`,
      issues: [{ path, message: "could not be loaded" }],
      provider: facts.provider,
      model: facts.model,
      cause,
    });
  });
}

/** The checks, loaded by `prepareAnswerChecks` before any request that needs them was sent. */
export function answerChecks(): AnswerChecks {
  if (checks === undefined)
    throw new Error(
      "the answer checks are not loaded: prepareAnswerChecks() runs before a request with a responseFormat or tools",
    );
  return checks;
}
