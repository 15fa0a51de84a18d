/**
 * A zod 4 schema from any copy of zod: zod classic's (`zod`), zod mini's (`zod/mini`), or one
 * built on `zod/v4/core`, of whatever 4.x version the app has. It is described by the one part
 * they all share, `_zod.output` (what zod's own `z.output` reads), and not by one copy's types:
 * those carry their version, so a schema of zod 4.1 would not fit the types of zod 4.6.
 * Named apart from zod's own `ZodSchema` (an alias of its `ZodType`), which is one copy's.
 */
export interface ZodSchemaLike<TOutput = unknown> {
  /**
   * zod's internals: `output` is the type the schema parses to (never a value to read), `def`
   * its definition, whose `type` tells a schema from a `ZodError` (which has `_zod` too).
   */
  readonly _zod: { readonly output: TOutput; readonly def: { readonly type: string } };
}
