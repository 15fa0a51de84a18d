import { ConfigError } from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactSecret } from "./redact-secret.js";

describe("redactSecret", () => {
  it.each([
    ["sk-abcdef123456", "sk-…3456"],
    ["sk-proj-abcdefghijklmnopqrstuvwxyz0123", "sk-proj-…0123"],
    ["abcdefghijklmnopqrstuvwxyz", "…wxyz"],
    // Too short to show four characters without revealing much of it.
    ["custom-key", "…"],
    ["sk-12345678", "…"],
    // A long prefix on a short key is not shown: at least half stays hidden.
    ["sk-proj-abcd1234", "…1234"],
    ["", ""],
  ])("%j -> %j", (secret, expected) => {
    expect(redactSecret(secret)).toBe(expected);
  });

  it("passes undefined through", () => {
    expect(redactSecret(undefined)).toBeUndefined();
  });

  it("never returns more than four characters of the secret body", () => {
    const secret = "sk-0123456789abcdefghij";
    const shown = redactSecret(secret).replace("sk-", "").replace("…", "");
    expect(shown).toBe("ghij");
  });
});

describe("redactSecret and ConfigError show a key the same way", () => {
  // ConfigError (@loom/llm-types, which imports no other package) masks key-like tokens in the
  // names it repeats with a copy of this form: the two must never drift apart.
  const token = fc
    .tuple(
      fc.constantFrom("", "sk-", "sk-proj-", "gsk-", "ab-cdefgh-"),
      fc.stringMatching(/^[A-Za-z0-9_-]{22,60}$/),
    )
    .map(([prefix, body]) => `${prefix}a1${body}`);

  it("for every key-like table name", () => {
    fc.assert(
      fc.property(token, (secret) => {
        expect(new ConfigError({ table: secret }).table).toBe(redactSecret(secret));
      }),
    );
  });

  it.each(["sk-proj-abcdefghijklmnopqrstuvwxyz0123", "sk-0123456789abcdefghijklmn"])(
    "%s",
    (secret) => {
      expect(new ConfigError({ table: secret }).table).toBe(redactSecret(secret));
    },
  );

  it("an end with a backslash or a percent sign is not shown: it could begin an escape with what follows", () => {
    expect(redactSecret("sk-0123456789ab\\")).toBe("sk-…");
    expect(redactSecret("tok-0123456789a%4")).toBe("tok-…");
    expect(redactSecret("sk-0123456789abc")).toBe("sk-…9abc");
  });

  it("shows its last four characters, not UTF-16 units: never half of a pair outside the BMP", () => {
    expect(redactSecret("sk-abcdefgh😀abc")).toBe("sk-…😀abc");
  });
});
