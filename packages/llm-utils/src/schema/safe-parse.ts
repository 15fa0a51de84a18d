import type { $ZodIssue, $ZodType } from "zod/v4/core";
import { loadZod } from "#load-zod";

/** What validating a value against a zod schema gives: the schema's output, or its issues. */
export type SchemaCheck =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly error: { readonly issues: $ZodIssue[] } };

/**
 * `value` validated against a zod 4 schema: by the schema's own `safeParse` (zod classic's and
 * zod mini's schemas have one, so nothing is loaded for it), else by zod's (a schema built on
 * `zod/v4/core` alone, for which `prepareSchemas` loaded zod, since it cannot convert itself).
 */
export function safeParse(schema: $ZodType, value: unknown): SchemaCheck {
  const own = (schema as { safeParse?: (value: unknown) => SchemaCheck }).safeParse;
  return typeof own === "function" ? own.call(schema, value) : loadZod().z.safeParse(schema, value);
}
