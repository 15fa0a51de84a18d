// Test helpers shared by this package's tests (not built into dist).
import { type LLMError, LLMError as LLMErrorClass } from "@loom/llm-types";

/** The `LLMError` a call or stream failed with; any other outcome fails the test. */
export async function failure(run: Promise<unknown> | (() => Promise<unknown>)): Promise<LLMError> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (error) {
    if (LLMErrorClass.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

/** Waits (bounded) for a condition the server sees a moment after the client acts. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
}
