import { describe, expect, it } from "vitest";
import { runtimeEnv } from "./runtime-env.js";

/** Runs `fn` with `globalThis.process` set to `value`, synchronously, and puts it back. */
function withProcess<T>(value: unknown, fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "process");
  if (saved === undefined) throw new Error("this test runs where process exists");
  Object.defineProperty(globalThis, "process", { value, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    Object.defineProperty(globalThis, "process", saved);
  }
}

describe("runtimeEnv", () => {
  it("is process.env where there is a process", () => {
    expect(runtimeEnv()).toBe(process.env);
  });

  it("is an empty record, and no error, where there is no process (a browser, a Worker)", () => {
    const env = withProcess(undefined, () => runtimeEnv());
    expect(env).toEqual({});
    expect(env.DEEPSEEK_API_KEY).toBeUndefined();
    // Shared by every caller: nothing may be written into it.
    expect(Object.isFrozen(env)).toBe(true);
  });

  it("is an empty record where a process has no env", () => {
    expect(withProcess({}, () => runtimeEnv())).toEqual({});
  });
});
