import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactUrl } from "./redact-url.js";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

describe("redactUrl", () => {
  it.each([
    ["https://user:pw-0123456789@example.com/v1", "https://…@example.com/v1"],
    ["redis://:pw-0123456789@127.0.0.1:6379/0", "redis://…@127.0.0.1:6379/0"],
    // Not URLs: a raw `/` in the password is what broke the parse.
    ["http://user:ab/cd+ef==@host/v1", "http://…@host/v1"],
    ["redis://:ab/cd@127.0.0.1:6379", "redis://…@127.0.0.1:6379"],
    // A valid URL's `@` in its path is not user-info.
    ["https://host.example/v1/models/a@b", "https://host.example/v1/models/a@b"],
    // What ends a URL's user-info for a parser is its last `@` before the path: a space or a raw
    // `@` in the password is part of it.
    ["redis://default:pass SECRET@127.0.0.1:1", "redis://…@127.0.0.1:1"],
    ["redis://default:hunter2@SECRET@127.0.0.1:1", "redis://…@127.0.0.1:1"],
    // A raw `#` or `?` in the password breaks the parse: the text is masked to its last `@`.
    ["redis://:abc#defSECRET@127.0.0.1:1", "redis://…@127.0.0.1:1"],
    ["redis://:abc?defSECRET@127.0.0.1:1/0", "redis://…@127.0.0.1:1/0"],
    ["https://u:p%zz/q#r@host.example/v1?key=k1", "https://…@host.example/v1?key=…"],
    // A `#` after an `@` in the password: a parser reads host `ss`; the whole is masked.
    ["redis://default:p@ss#word-SECRET@127.0.0.1:16391", "redis://…@127.0.0.1:16391"],
    ["https://user:p@ss#w?rd/x%20y@host.example.com/v1", "https://…@host.example.com/v1"],
    // Slashes a parser forgives, or none: user-info all the same.
    ["https:/user:secretpw@host.example/v1", "https:/…@host.example/v1"],
    ["https:\\\\user:secretpw@host.example/v1", "https:\\\\…@host.example/v1"],
    ["user:secretpw@host.example/v1", "user:…@host.example/v1"],
  ])("%s shows as %s", (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it("a pasted base64 password never shows, `/`, `+` and `=` included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
        fc.string({ unit: fc.constantFrom(...BASE64), minLength: 8, maxLength: 40 }),
        fc.constantFrom("http", "https", "redis", "rediss"),
        fc.constantFrom("", "user"),
        (first, rest, scheme, user) => {
          const secret = `${first}${rest}`;
          const shown = redactUrl(`${scheme}://${user}:${secret}@host.example:6379/v1?x=1`);
          expect(shown).not.toContain(secret);
          expect(shown).toContain("host.example:6379/v1?x=1");
        },
      ),
    );
  });

  it("a password of any printable characters never shows, `@ # ? / % \\` and spaces included", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
        fc.string({
          unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
          minLength: 8,
          maxLength: 40,
        }),
        fc.constantFrom("http", "https", "redis", "rediss"),
        fc.constantFrom("", "user"),
        (first, rest, scheme, user) => {
          // A letter first: `user:12/…@host` is a URL of host `user`, port 12, to any reader.
          const secret = `${first}${rest}`;
          const shown = redactUrl(`${scheme}://${user}:${secret}@host.example:6379/v1?x=1`);
          expect(shown).not.toContain(secret);
          expect(shown).toContain("host.example:6379/v1?x=1");
        },
      ),
    );
  });
});
