/**
 * Whether `error` is the engine running out of stack: V8's and JavaScriptCore's "Maximum call
 * stack size exceeded" (a `RangeError`), Firefox's "too much recursion" (an `InternalError`).
 * What a server sends is walked by recursion in places (a schema's check, `JSON.stringify` of
 * a nested value): a value nested deeper than the stack is then a bad answer, said as one.
 */
export function isStackOverflow(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "RangeError" || error.name === "InternalError") &&
    /call stack|too much recursion/i.test(error.message)
  );
}
