import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactSecret } from "./redact-secret.js";
import { Redactor } from "./redactor.js";

const KEY = "sk-proj-AbC123/xyz+789_def=GHI";
const OTHER = 'tok-é9Z%x"y\\q-42';

/** How a hostile server may write a secret into an answer. */
const encodings: ((secret: string) => string)[] = [
  (s) => s,
  (s) => JSON.stringify(s).slice(1, -1),
  (s) => [...s].map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`).join(""),
  (s) => s.replaceAll("/", "\\/"),
  (s) => encodeURIComponent(s),
  (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
  (s) => Buffer.from(`Bearer ${s}`).toString("base64"),
  (s) => Buffer.from(`x${s}`).toString("base64url"),
  (s) => Buffer.from(s).toString("hex"),
  (s) => Buffer.from(s).toString("hex").toUpperCase(),
];

/** `text` cut at the given places (sorted, within bounds). */
function split(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of at) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces;
}

function streamed(redactor: Redactor, pieces: string[]): { out: string; handed: string[] } {
  const redaction = redactor.streaming();
  const handed = pieces.map((piece) => redaction.push(piece));
  handed.push(redaction.end());
  return { out: handed.join(""), handed };
}

/** Text made of ordinary words, secrets in any encoding, and beginnings of secrets. */
const fragment = (secrets: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom("s", "sk-", "sk-proj-", "%73", "\\u0073", "\\", "%", "tok-", "Bearer "),
    fc
      .tuple(fc.constantFrom(...secrets), fc.constantFrom(...encodings))
      .map(([secret, encode]) => encode(secret)),
    fc
      .tuple(fc.constantFrom(...secrets), fc.constantFrom(...encodings), fc.nat())
      .map(([secret, encode, n]) => {
        const written = encode(secret);
        return written.slice(0, n % written.length);
      }),
  );

describe("StreamingRedaction", () => {
  const redactor = new Redactor([KEY, OTHER]);

  it("hands on exactly the whole text masked, however the text is cut into pieces", () => {
    fc.assert(
      fc.property(
        fc.array(fragment([KEY, OTHER]), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (fragments, cuts) => {
          const text = fragments.join("");
          expect(streamed(redactor, split(text, cuts)).out).toBe(redactor.redact(text));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("property: long secrets (250 characters and more) with backslashes, quotes, percent signs and astral characters, in any pieces", () => {
    const unit = fc.constantFrom(..."ab9Z-_/+=.u%", "\\", '"', "é", "𝒦");
    const secret = fc
      .array(unit, { minLength: 250, maxLength: 400 })
      .map((units) => `sk-${units.join("")}`);
    const json = (s: string) => JSON.stringify(s).slice(1, -1);
    const forms = [
      (s: string) => s,
      json,
      (s: string) => json(json(s)),
      // Every UTF-16 unit escaped, an astral character as its two surrogate halves.
      (s: string) =>
        Array.from(
          { length: s.length },
          (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, "0")}`,
        ).join(""),
      (s: string) => s.replaceAll("/", "\\/"),
      encodeURIComponent,
      (s: string) => Buffer.from(`x${s}`).toString("base64"),
      (s: string) => Buffer.from(s).toString("hex"),
    ];
    fc.assert(
      fc.property(
        secret,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.constantFrom(...forms),
        (key, cuts, encode) => {
          const long = new Redactor([key]);
          const written = encode(key);
          const text = `x ${written} y ${written.slice(0, written.length >> 1)} z ${written}`;
          const { out } = streamed(long, split(text, cuts));
          expect(out).toBe(long.redact(text));
          expect(out).not.toContain(written);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("a secret that begins with a character outside ASCII (or outside the BMP) is held and masked as well", () => {
    // Its literal form begins with a code unit the ASCII table does not hold.
    const wide = ["ü-geheim-7788990011", "𝒦-astral-5566778899"];
    const masker = new Redactor(wide);
    fc.assert(
      fc.property(
        fc.array(fragment(wide), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (fragments, cuts) => {
          const text = fragments.join("");
          const { out } = streamed(masker, split(text, cuts));
          expect(out).toBe(masker.redact(text));
          for (const secret of wide) expect(out).not.toContain(secret);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it("secrets that overlap themselves, run into copies of themselves, streamed in any pieces: none visible, as whole", () => {
    // Each begins with its own end ("s…s", "abc…abc", "sk-…abcd" twice): copies can share
    // characters, and a mask's visible end could complete the copy it overlaps.
    const selfish = ["sk-live-12345s", "abcabcabcabc", "sk-…abcdsk-…abcd"];
    const masker = new Redactor(selfish);
    const copies = fc
      .tuple(fc.constantFrom(...selfish), fc.constantFrom(...encodings), fc.nat(), fc.nat())
      .map(([secret, encode, overlap, times]) => {
        const written = encode(secret);
        // `times` copies, each after the first sharing up to `overlap` characters with the one before.
        const shared = overlap % Math.min(5, written.length);
        let text = written;
        for (let i = 0; i < 1 + (times % 3); i++)
          text = written.startsWith(text.slice(text.length - shared))
            ? text + written.slice(shared)
            : text + written;
        return text;
      });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(copies, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (fragments, cuts) => {
          const text = fragments.join("");
          const whole = masker.redact(text);
          const { out } = streamed(masker, split(text, cuts));
          expect(out).toBe(whole);
          for (const secret of selfish) expect(out).not.toContain(secret);
        },
      ),
      { numRuns: 3_000 },
    );
    const secret = "sk-live-12345s";
    expect(streamed(masker, [..."sk-live-12345sk-live-12345s"]).out).not.toContain(secret);
  });

  it("a secret whose end begins it again, whole in a piece, is not cut where its end begins", () => {
    // The end of the text ("abab") may begin the secret again, and is held; but it also ends a
    // whole secret that began before it, which must be masked whole, not cut there.
    const overlapping = "abab-1234-abab";
    const masker = new Redactor([overlapping]);
    const text = `see ${overlapping} and ${overlapping}.`;
    for (let first = 1; first < text.length; first++) {
      for (let second = first; second <= text.length; second++) {
        const pieces = [text.slice(0, first), text.slice(first, second), text.slice(second)];
        const { out } = streamed(masker, pieces);
        expect(out).toBe(masker.redact(text));
        expect(out).not.toContain("1234");
      }
    }
  });

  it("masks a key that arrives a character at a time, in every encoding", () => {
    for (const encode of encodings) {
      const text = `the key is ${encode(KEY)} ok`;
      const { out } = streamed(redactor, [...text]);
      expect(out).toBe(redactor.redact(text));
      expect(out).not.toContain(encode(KEY));
      expect(out).toContain(" ok");
    }
  });

  it("a secret of 20,000 characters streamed in pieces of 700: masked, nothing thrown", () => {
    // Spelling it one character at a time once took a call frame per character.
    const secret = `ck-${"Zx8/q+".repeat(3_400)}`.slice(0, 20_000);
    const long = new Redactor([secret]);
    for (const encode of [encodings[0], encodings[3], encodings[4]]) {
      if (encode === undefined) continue;
      const text = `cookie: ${encode(secret)}; next ${encode(secret).slice(0, 9_000)}`;
      const pieces = split(
        text,
        Array.from({ length: Math.ceil(text.length / 700) }, (_, i) => i * 700),
      );
      const { out } = streamed(long, pieces);
      expect(out).toBe(long.redact(text));
      // The whole copy masked; the cut-short one is no secret, and stays as it was.
      const [whole, cut] = out.split("; next ");
      expect(whole).not.toContain(encode(secret).slice(0, 100));
      expect(cut).toBe(encode(secret).slice(0, 9_000));
    }
  });

  it("a secret of 60,000 characters, \\u-escaped, in pieces of 16: each piece goes on from where the last stood", () => {
    // Each piece read the whole held text again (and copied it, a string built piece by piece):
    // 360,000 characters held, 22,500 pieces, about 50 s; now well under a second.
    const secret = `ck-${"Zx8q".repeat(15_000)}`.slice(0, 60_000);
    const long = new Redactor([secret]);
    const escaped = encodings[2]?.(secret) ?? "";
    const text = `a cookie ${escaped} and ${escaped.slice(0, 50_000)} then`;
    const { out } = streamed(
      long,
      split(
        text,
        Array.from({ length: Math.ceil(text.length / 16) }, (_, i) => i * 16),
      ),
    );
    expect(out).toBe(long.redact(text));
    expect(out.startsWith(`a cookie ${redactSecret(secret)} and \\u0063`)).toBe(true);
  });

  it("a mask that ends where another secret's escaped form begins: streamed as redact masks it whole", () => {
    // The mask's visible end ("…9ab\\") and the next secret's `\\u0073…` read together as a
    // twice-escaped form, which `redact` masked again while the stream masked the two apart.
    const a = "sk-0123456789ab\\";
    const b = "sk-0123456789ab";
    const masker = new Redactor([a, b]);
    const percent = [...Buffer.from(a)].map((x) => `%${x.toString(16).padStart(2, "0")}`).join("");
    const text = `${percent}${encodings[2]?.(b) ?? ""}`;
    expect(streamed(masker, [text]).out).toBe(masker.redact(text));
    expect(masker.redact(text)).toBe("sk-…sk-…89ab");
  });

  it("a mask's visible end that begins a form with the text after it: held, and masked as redact masks it", () => {
    // "sk-…736b" ends as the key's hex begins ("736b" is "sk"): `redact` of the whole text
    // masks that hex in its next pass; the stream handed "…736b" on and the hex after it stayed.
    const key = "sk-proj-abcdefgh736b";
    const own = new Redactor([key]);
    const hex = Buffer.from(key).toString("hex");
    const text = `${encodings[2]?.(key) ?? ""}${hex.slice(4)} tail`;
    for (const size of [1, 16, text.length]) {
      const pieces = split(
        text,
        Array.from({ length: Math.ceil(text.length / size) }, (_, i) => i * size),
      );
      const { out } = streamed(own, pieces);
      expect(out).toBe(own.redact(text));
      expect(out).not.toContain(hex);
    }
  });

  it("two long secrets, one the other's end, in mixed forms, a character at a time: each way of spelling them held once", () => {
    // A fuzzer's case. Ways of spelling a secret that are one another's continuations (an
    // unfinished `%25` and where the bare `%` ends) were spelled on from separately, and each
    // piece doubled them: the process ran out of memory. 60 ms now.
    const { secrets, text } = JSON.parse(
      readFileSync(new URL("./__fixtures__/doubling-states.json", import.meta.url), "utf8"),
    ) as { secrets: string[]; text: string };
    const own = new Redactor(secrets);
    const { out } = streamed(own, [...text]);
    expect(out).toBe(own.redact(text));
  });

  it("holds nothing back from text that cannot begin a secret, and returns it as it is", () => {
    const redaction = new Redactor(["zq-0123456789abcdef"]).streaming();
    const piece = "Hello, world. ";
    expect(redaction.push(piece)).toBe(piece);
    expect(redaction.end()).toBe("");
  });

  it("holds only the end that could still become a secret, and gives it back at the end", () => {
    const redaction = redactor.streaming();
    expect(redaction.push("answer: sk-pr")).toBe("answer: ");
    expect(redaction.push("ose is here")).toBe("sk-prose is here");
    expect(redaction.push(" and sk-proj-AbC")).toBe(" and ");
    expect(redaction.end()).toBe("sk-proj-AbC");
  });

  it("never holds more than the longest written form of a secret", () => {
    const redaction = redactor.streaming();
    const longest = [...KEY].map(() => "\\u0000").join("").length;
    let held = 0;
    for (const piece of ["s".repeat(500), "%73".repeat(300), "\\u0073k".repeat(100)]) {
      held += piece.length - redaction.push(piece).length;
      expect(held).toBeLessThanOrEqual(2 * longest);
    }
  });
});
