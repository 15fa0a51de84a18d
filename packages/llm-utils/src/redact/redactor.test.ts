import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactSecret } from "./redact-secret.js";
import { Redactor } from "./redactor.js";

const KEY = "sk-proj-AbC123/xyz+789_def=GHI";

/** Every way a hostile server or a library may hand a secret back inside other text. */
const encodings: Record<string, (secret: string) => string> = {
  raw: (s) => s,
  "JSON string": (s) => JSON.stringify(s).slice(1, -1),
  "JSON with every character \\u-escaped": (s) =>
    [...s].map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`).join(""),
  "JSON \\u-escaped, upper-case hex": (s) =>
    [...s]
      .map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0").toUpperCase()}`)
      .join(""),
  "JSON with escaped slashes": (s) => s.replaceAll("/", "\\/"),
  "JSON \\u-escaped twice, one character mid-way": (s) =>
    `${s.slice(0, 5)}\\\\u${(s.codePointAt(5) ?? 0).toString(16).padStart(4, "0")}${s.slice(6)}`,
  "JSON \\u-escaped twice, every character": (s) =>
    [...s].map((c) => `\\\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`).join(""),
  "URL-encoded": (s) => encodeURIComponent(s),
  "URL-encoded, every byte": (s) =>
    [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
  base64: (s) => Buffer.from(s).toString("base64"),
  "base64 of Bearer": (s) => Buffer.from(`Authorization: Bearer ${s}`).toString("base64"),
  "base64 of user:secret": (s) => Buffer.from(`user:${s}`).toString("base64"),
  "base64 of secret at offset 2": (s) => Buffer.from(`ab${s}cd`).toString("base64"),
  base64url: (s) => Buffer.from(`x${s}`).toString("base64url"),
  hex: (s) => Buffer.from(s).toString("hex"),
  "hex, upper-case": (s) => Buffer.from(s).toString("hex").toUpperCase(),
};

describe("Redactor", () => {
  const redactor = new Redactor([KEY]);

  it.each(Object.entries(encodings))("masks the key %s", (_name, encode) => {
    const text = `error: invalid key "${encode(KEY)}" (see docs)`;
    const masked = redactor.redact(text);
    expect(masked).not.toContain(encode(KEY));
    expect(masked).toContain("(see docs)");
  });

  it("shows the key itself as its printable mask", () => {
    expect(redactor.redact(`bad key ${KEY}.`)).toBe("bad key sk-proj-…=GHI.");
  });

  it("leaves text without secrets as it is, and ignores secrets too short to search", () => {
    expect(redactor.redact("nothing to see")).toBe("nothing to see");
    expect(new Redactor(["abc", undefined]).empty).toBe(true);
  });

  it("masks the token of a Bearer header value too", () => {
    const bearer = new Redactor(["Bearer tok-1234567890abcdef"]);
    expect(bearer.redact("got tok-1234567890abcdef")).not.toContain("1234567890abcdef");
  });

  it("masks errors in place: message, stack, raw, a string or JSON body, and the cause chain", () => {
    const cause = new Error(`inner ${KEY}`);
    const error = Object.assign(new Error(`outer ${KEY}`, { cause }), {
      raw: `raw ${KEY}`,
      body: { error: { message: `body ${KEY}` } },
    });
    expect(redactor.redactError(error)).toBe(error);
    const printed = [
      error.message,
      error.stack,
      error.raw,
      JSON.stringify(error.body),
      cause.message,
      cause.stack,
    ];
    for (const text of printed) expect(text).not.toContain(KEY);
    expect(error.body.error.message).toBe("body sk-proj-…=GHI");
  });

  it("masks every string field of every error down the chain, whatever a runtime names it", () => {
    // Bun's fetch errors keep the whole URL, query credentials and all, in `path`.
    const cause = Object.assign(new TypeError("Unable to connect"), {
      code: "ConnectionRefused",
      path: `http://127.0.0.1:1/v1/chat/completions?api-key=${KEY}`,
    });
    // Not enumerable, as `message` is: still masked.
    Object.defineProperty(cause, "hidden", {
      value: `url ${encodeURIComponent(KEY)}`,
      enumerable: false,
      writable: true,
      configurable: true,
    });
    Object.defineProperty(cause, "explodes", {
      get() {
        throw new Error("a getter that throws");
      },
    });
    const error = new Error("outer", { cause });
    redactor.redactError(error);
    expect(cause.path).toBe("http://127.0.0.1:1/v1/chat/completions?api-key=sk-proj-…=GHI");
    expect((cause as unknown as { hidden: string }).hidden).not.toContain(encodeURIComponent(KEY));
    expect(cause.code).toBe("ConnectionRefused");
  });

  it("masks a field a runtime made writable but not configurable (Bun's fetch error `path`)", () => {
    const error = new TypeError("Unable to connect");
    Object.defineProperty(error, "path", {
      value: `http://h/v1?api-key=${KEY}`,
      writable: true,
      enumerable: true,
      configurable: false,
    });
    redactor.redactError(error);
    expect((error as unknown as { path: string }).path).toBe("http://h/v1?api-key=sk-proj-…=GHI");
  });

  it("masks plain data and URLs in error fields: headers, a request's options", () => {
    const error = Object.assign(new Error("failed"), {
      headers: { authorization: `Bearer ${KEY}` },
      request: { path: `/v1?key=${KEY}`, retries: [KEY] },
      url: new URL(`http://h/v1?key=${encodeURIComponent(KEY)}`),
    });
    redactor.redactError(error);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(String(error.url)).not.toContain(encodeURIComponent(KEY));
  });

  it("never throws, whatever the error: aggregate loops, deep aggregates, throwing getters, proxies", () => {
    const loop = new AggregateError([], `loop ${KEY}`);
    loop.errors.push(loop, new Error("inner", { cause: loop }));
    let deep: Error = new Error(`bottom ${KEY}`);
    for (let i = 0; i < 20_000; i++) deep = new AggregateError([deep], "level");
    const getters = new Error(`getters ${KEY}`);
    for (const field of ["cause", "errors", "body"])
      Object.defineProperty(getters, field, {
        get() {
          throw new Error(`${field} boom`);
        },
      });
    const proxy = new Proxy(new Error(`proxied ${KEY}`), {
      ownKeys() {
        throw new Error("ownKeys trap");
      },
    });
    for (const error of [loop, deep, getters, proxy])
      expect(() => redactor.redactError(error)).not.toThrow();
    expect(loop.message).not.toContain(KEY);
    expect(getters.message).not.toContain(KEY);
  });

  it("property: a random key, in a random encoding, inside random text, is never visible", () => {
    const key = fc.string({
      unit: fc.constantFrom(..."ABCDEFabcdef0123456789-_/+=.~:"),
      minLength: 12,
      maxLength: 64,
    });
    const filler = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(
        key,
        fc.constantFrom(...Object.keys(encodings)),
        filler,
        filler,
        (secret, name, before, after) => {
          const encode = encodings[name] as (s: string) => string;
          const masked = new Redactor([secret]).redact(`${before}${encode(secret)}${after}`);
          expect(masked).not.toContain(secret);
          // The encoded form is gone as a whole: no run of the key's encoding survives intact.
          expect(masked).not.toContain(encode(secret));
        },
      ),
    );
  });

  it("property: redactors made one after another, for keys sharing characters, each mask their own key in every encoding", () => {
    // The spellings of ASCII characters are built once and shared by every redactor after.
    const key = fc.string({
      unit: fc.constantFrom(...'Ab0-_/+=\\"%~é中ß€'),
      minLength: 8,
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 2, maxLength: 4 }),
        fc.constantFrom(...Object.keys(encodings)),
        (keys, name) => {
          const encode = encodings[name] as (s: string) => string;
          const redactors = keys.map((secret) => new Redactor([secret]));
          keys.forEach((secret, i) => {
            const masked = redactors[i]?.redact(`<${encode(secret)}>`);
            expect(masked).not.toContain(encode(secret));
            expect(masked?.startsWith("<")).toBe(true);
          });
        },
      ),
    );
  });

  it("a secret run into another copy of itself is masked whole: the mask's visible end does not complete it", () => {
    const secret = "sk-live-12345s";
    const masked = new Redactor([secret]).redact(`echo: sk-live-12345${secret} end`);
    expect(masked).not.toContain(secret);
    expect(masked).toContain(" end");
  });

  it("property: copies of a key run into each other, whole or cut, in any encoding, leave none visible", () => {
    const key = fc.string({
      unit: fc.constantFrom(..."ABab01sk-_%/+=é"),
      minLength: 12,
      maxLength: 24,
    });
    fc.assert(
      fc.property(
        key,
        fc.constantFrom(...Object.keys(encodings)),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 2, maxLength: 4 }),
        (secret, name, copies) => {
          const encode = encodings[name] as (s: string) => string;
          const written = encode(secret);
          // Each copy whole, or cut short at its end, run together.
          const text = copies
            .map(([whole, n]) => (whole ? written : written.slice(0, n % written.length)))
            .join("");
          const masked = new Redactor([secret]).redact(`<${text}>`);
          expect(masked).not.toContain(secret);
          expect(masked).not.toContain(written);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("property: the shortest texts that can hold a key, the key alone or a base64 core alone, are searched", () => {
    // Text shorter than every form of every secret is not searched: these are the shortest
    // forms (a base64 core can be shorter than the key it encodes).
    const key = fc.string({
      unit: fc.constantFrom(..."ABCDEFabcdef0123456789-_/+="),
      minLength: 8,
      maxLength: 20,
    });
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 2 }), (secret, offset) => {
        const redactor = new Redactor([secret]);
        expect(redactor.redact(secret)).not.toBe(secret);
        const bytes = Buffer.concat([Buffer.alloc(offset, 0x41), Buffer.from(secret)]);
        const encoded = bytes.toString("base64");
        // The characters that depend on the secret's bytes alone, whatever surrounds it.
        const core = encoded.slice(offset > 0 ? 4 : 0, bytes.length % 3 === 0 ? undefined : -4);
        if (core.length >= 8) expect(redactor.redact(core)).not.toBe(core);
      }),
    );
  });

  it("a secret of thousands of characters (a cookie, a long token) is masked in every encoding, and nothing fails", () => {
    // One regular expression spelling 6,000 characters or more is too large for V8 to compile:
    // it threw a SyntaxError with the whole secret spelled out in its message.
    for (const length of [257, 6_200, 50_000]) {
      const secret = `sk-${"Ab9/xQ+=_".repeat(Math.ceil(length / 9))}`.slice(0, length);
      const redactor = new Redactor([secret]);
      for (const [name, encode] of Object.entries(encodings)) {
        const text = `before ${encode(secret)} after`;
        const masked = redactor.redact(text);
        expect(masked, `${length} ${name}`).not.toContain(encode(secret).slice(0, 200));
        expect(masked, `${length} ${name}`).toMatch(/^before .* after$/s);
      }
      // The secret written with one character changed far in is not the secret: left as it is.
      const other = `${secret.slice(0, length - 3)}#${secret.slice(length - 2)}`;
      expect(redactor.redact(`x ${other} y`)).toBe(`x ${other} y`);
      // Two copies, run into each other, and one cut short: the whole ones masked.
      const twice = redactor.redact(`${secret}${secret}|${secret.slice(0, -1)}`);
      expect(twice).not.toContain(secret);
      expect(twice.endsWith(`|${secret.slice(0, -1)}`)).toBe(true);
    }
  });

  it("forms that begin one another (`%` and `%25`, `\\u` and `\\u005c`) anywhere in a long secret: masked", () => {
    // A run of regular expressions of 256 characters each missed these where a slice ended.
    const percent = `sk-${"a".repeat(252)}%${"b".repeat(60)}`;
    const escapes = `sk-${"a".repeat(251)}\\u${"b".repeat(44)}`;
    const unit = (s: string) =>
      Array.from(
        { length: s.length },
        (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, "0")}`,
      ).join("");
    const bytes = (s: string) =>
      [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
    for (const [secret, written] of [
      [percent, encodeURIComponent(percent)],
      [percent, percent.replace("%", "%25")],
      [percent, bytes(percent)],
      [escapes, unit(escapes)],
      [escapes, JSON.stringify(escapes).slice(1, -1)],
    ] as const)
      expect(new Redactor([secret]).redact(`<${written}>`)).toBe(`<${redactSecret(secret)}>`);
  });

  it("a secret with a run of backslashes, against text of backslashes: no backtracking blow-up", () => {
    // One regular expression of the secret took 46 s on these 100 characters (14 backslashes).
    const secret = `${"\\".repeat(14)}x`;
    const redactor = new Redactor([secret]);
    expect(redactor.redact("\\".repeat(100))).toBe("\\".repeat(100));
    // Leftmost: from the 5th on, the 56 backslashes are the 14 escaped twice (`\\\\` each).
    expect(redactor.redact(`${"\\".repeat(60)}x`)).toBe(`${"\\".repeat(4)}${redactSecret(secret)}`);
    const long = `sk-${"\\".repeat(600)}XYZW`;
    expect(new Redactor([long]).redact(`<${JSON.stringify(long).slice(1, -1)}>`)).toBe(
      `<${redactSecret(long)}>`,
    );
  });

  it("a backslash 254 to 511 characters into a long secret: masked in its escaped forms too", () => {
    for (const at of [254, 255, 256, 511]) {
      const secret = `${"k".repeat(at)}\\${"q".repeat(300)}`;
      const redactor = new Redactor([secret]);
      for (const written of [
        JSON.stringify(secret).slice(1, -1),
        secret.replaceAll("\\", "\\u005c"),
        JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
      ])
        expect(redactor.redact(`a ${written} b`), `${at}`).toBe(`a ${redactSecret(secret)} b`);
    }
  });

  it("a secret outside the BMP written as escaped surrogate halves, and quotes and backslashes escaped twice", () => {
    const secret = 'tok-\u{1F600}-"q\\w"-0123456789';
    const redactor = new Redactor([secret]);
    const halves = secret.replace("\u{1F600}", "\\ud83d\\uDE00");
    const twice = JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1);
    expect(twice).toContain('\\\\\\"');
    for (const written of [halves, twice])
      expect(redactor.redact(`<${written}>`)).toBe(`<${redactSecret(secret)}>`);
  });

  it("a secret of 200,000 characters: no stack overflow building its forms, and masked", () => {
    const secret = `sk-${"a1B2".repeat(50_000)}`;
    const redactor = new Redactor([secret]);
    expect(redactor.redact(`x${secret}y`)).toBe(`x${redactSecret(secret)}y`);
    expect(redactor.redact(Buffer.from(secret).toString("base64"))).not.toContain("YTFCMmEx");
  });

  it("two secrets sharing characters where they meet are masked as one run: neither is left mostly visible", () => {
    // Masked one after the other, the first took the shared "X" and the second no longer
    // matched: "x pass-word-1234…ghij y" showed 14 of the first one's 15 characters.
    const shared = new Redactor(["pass-word-1234X", "Xtoken-abcdefghij"]);
    expect(shared.redact("x pass-word-1234Xtoken-abcdefghij y")).toBe("x …ghij y");
    const chained = new Redactor(["abcdefghijkl", "ijklmnopqrstuvwx"]);
    expect(chained.redact("abcdefghijklmnopqrstuvwx")).toBe("…uvwx");
    // A secret run into its own hex form.
    expect(new Redactor(["abcd6162"]).redact("x abcd6162636436313632 y")).toBe("x … y");
  });

  it("a slash escaped twice (`\\\\/`, a PHP body quoted in another JSON body) is found too", () => {
    const secret = "abc/defghijkl";
    // PHP's JSON writes `\/`; quoted in another JSON body, that is `\\/`.
    const php = JSON.stringify({ k: secret }).replace("/", "\\/");
    const quoted = JSON.stringify({ body: php });
    expect(quoted).toContain("abc\\\\/defghijkl");
    expect(new Redactor([secret]).redact(quoted)).not.toContain("defghijkl");
  });
});
