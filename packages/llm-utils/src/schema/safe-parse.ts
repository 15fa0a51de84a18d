import type { ZodSchemaLike } from "@loom/llm-types";
import type { $ZodIssue, $ZodType } from "zod/v4/core";
import { loadZod, zodReady } from "#load-zod";
import { isStackOverflow } from "../errors/is-stack-overflow.js";

/** What validating a value against a zod schema gives: the schema's output, or its issues. */
export type SchemaCheck =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly error: { readonly issues: $ZodIssue[] } };

/** A schema's own `safeParse`, with zod's per-parse options. */
type OwnSafeParse = (value: unknown, params?: { error?: unknown }) => SchemaCheck;

/** zod's message for an issue when no locale (and no error map) says more. */
const BARE_MESSAGE = "Invalid input";

/**
 * `value` validated against a zod 4 schema: by the schema's own `safeParse` (zod classic's and
 * zod mini's schemas have one, so nothing is loaded for it), else by zod's (a schema built on
 * `zod/v4/core` alone, for which `prepareSchemas` loaded zod, since it cannot convert itself).
 *
 * zod mini configures no locale: every message of its issues is "Invalid input", which tells a
 * model nothing to correct its arguments by. Such a failure is checked again with zod's English
 * messages, as zod classic gives them. A schema's own messages, or a locale or error map its
 * zod was configured with, give other messages and are kept as they are.
 */
export function safeParse(schema: ZodSchemaLike, value: unknown): SchemaCheck {
  try {
    return check(schema, value);
  } catch (error) {
    // zod walks a value by recursion: an answer nested deeper than the stack (a recursive
    // schema, a hostile server) fails its check, as a value it cannot accept, not as a bare
    // RangeError out of the call.
    if (!isStackOverflow(error)) throw error;
    const message = "nested too deeply to check against the schema (the stack ran out)";
    return {
      success: false,
      error: { issues: [{ code: "custom", path: [], message }] },
    };
  }
}

function check(schema: ZodSchemaLike, value: unknown): SchemaCheck {
  const own = (schema as { safeParse?: OwnSafeParse }).safeParse;
  if (typeof own !== "function") return loadZod().z.safeParse(schema as $ZodType, value);
  const result = own.call(schema, value);
  if (result.success || !zodReady()) return result;
  if (!result.error.issues.every((issue) => issue.message === BARE_MESSAGE)) return result;
  return own.call(schema, value, { error: loadZod().z.locales.en().localeError });
}
