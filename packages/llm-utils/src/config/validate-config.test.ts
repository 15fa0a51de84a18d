import { ConfigError, type LLMConfigInput } from "@loom/llm-types";
// The one validator, checked against its own rules: values are generated from `CONFIG_RULES`,
// so a key added there is covered here without a word changed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { headerProblems } from "../checks/header-problems.js";
import { CONFIG_DEFAULTS, CONFIG_KEYS } from "./config-constants.js";
import { CONFIG_RULES, type KeyRule, type ValueRule } from "./config-rules.js";
import { parseConfig } from "./parse-config.js";
import { validateConfig } from "./validate-config.js";

const RULES = Object.entries(CONFIG_RULES) as [keyof LLMConfigInput, KeyRule][];
const REQUIRED = RULES.filter(([, rule]) => rule.required).map(([key]) => key);

/** Values every rule of its kind accepts. Plain http only to loopback: never the key rule. */
function good(rule: ValueRule): fc.Arbitrary<unknown> {
  switch (rule.kind) {
    case "url":
      return fc.constantFrom(
        "https://api.example.com/v1",
        "https://api.example.com/v1///",
        "http://localhost:8000/v1",
        "http://127.0.0.1:9/v1",
        "http://[::1]:8080/v1",
        "https://x.example/v1?api-version=1",
      );
    case "text":
      return fc.string({ minLength: 1 }).filter((text) => text.trim() !== "");
    case "secret":
      return fc
        .tuple(fc.constantFrom("", " ", "\n", "\r\n"), fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/))
        .map(([around, key]) => `${around}${key}${around}`);
    case "env-name":
      return fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    case "choice":
      return fc.constantFrom(...rule.values);
    case "number": {
      const max = Math.min(rule.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      return rule.integer
        ? fc.integer({ min: rule.min, max })
        : fc.double({ min: rule.min, max, noNaN: true });
    }
    case "flag":
      return fc.boolean();
    case "headers":
      return fc
        .dictionary(fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), fc.stringMatching(/^[ -~]{0,20}$/))
        .map((headers) =>
          Object.fromEntries(
            Object.entries(headers).filter(
              // The key's own headers are a rule between keys (below), not a value's.
              ([name, value]) =>
                headerProblems(name, value).length === 0 &&
                !/^(authorization|x-api-key)$/i.test(name),
            ),
          ),
        );
    case "limits":
      return fc.record(
        Object.fromEntries(Object.entries(rule.of).map(([name, of]) => [name, good(of)])),
        { requiredKeys: [] },
      );
  }
}

/** Values every rule of its kind refuses. */
function bad(rule: ValueRule): fc.Arbitrary<unknown> {
  const wrongType = fc.constantFrom(null, [], {}, Symbol("s"), 5n);
  switch (rule.kind) {
    case "url":
      return fc.oneof(
        wrongType,
        fc.constantFrom("ftp://x.example", "not a url", "/v1", "", "https://u:p@x.example/v1", 5),
      );
    case "text":
      return fc.oneof(wrongType, fc.constantFrom("", "  \n", 5, true));
    case "secret":
      return fc.oneof(wrongType, fc.constantFrom("", "  ", "sk a", "sk\u2026", "a\nb", "a\0b", 5));
    case "env-name":
      return fc.oneof(wrongType, fc.constantFrom("", "1X", "A-B", "sk-0123 4", 5));
    case "choice":
      return fc.oneof(
        wrongType,
        fc.string().filter((text) => !rule.values.includes(text)),
        fc.constantFrom(1, true),
      );
    case "number": {
      const outside: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, rule.min - 1, "1", true];
      if (rule.max !== undefined) outside.push(rule.max + 1);
      if (rule.integer) outside.push(rule.min + 0.5);
      return fc.oneof(wrongType, fc.constantFrom(...outside));
    }
    case "flag":
      return fc.oneof(wrongType, fc.constantFrom("yes", "true", 0, 1));
    case "headers":
      return fc.oneof(
        fc.constantFrom(null, [], "x-a: b", 5),
        fc.constantFrom({ "bad name": "v" }, { host: "h" }, { a: 1 }, { a: "b\r\nc" }),
      );
    case "limits": {
      const [name, of] = Object.entries(rule.of)[0] ?? [];
      return fc.oneof(
        fc.constantFrom(null, [], 5, "x"),
        fc.constantFrom({ burst: 1 }),
        name === undefined || of === undefined
          ? fc.constant(5)
          : bad(of).map((v) => ({ [name]: v })),
      );
    }
  }
}

/** A config the rules accept: the required keys and any of the others. */
const goodConfig = fc.record(Object.fromEntries(RULES.map(([key, rule]) => [key, good(rule)])), {
  requiredKeys: REQUIRED,
});

/** A good config with one key made bad (or a required one left out). */
const oneBadKey = fc.tuple(goodConfig, fc.constantFrom(...RULES)).chain(([config, [key, rule]]) =>
  (rule.required ? fc.oneof(bad(rule), fc.constant(undefined)) : bad(rule)).map((value) => ({
    key,
    config: { ...config, [key]: value },
  })),
);

/** Anything at all, near the rules' edges and far from them. */
const anything = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, 1, -1, 0.5, 2, 2.5, 3, Number.NaN, 1e300),
  fc.constantFrom(2_147_483_647, 2_147_483_648, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.constantFrom("", " ", "m", "sk-abc", " sk-abc\n", "sk a", "sk\u2026", "1X", "openai-chat"),
  fc.constantFrom({}, { "x-a": "b" }, { "bad name": "v" }, { host: "h" }, { a: 1 }, []),
  fc.constantFrom({ requestsPerMinute: 5 }, { tokensPerMinute: "5", burst: 1 }, { a: undefined }),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const anyConfig = fc.oneof(
  anything,
  fc.record(
    {
      ...Object.fromEntries(RULES.map(([key, rule]) => [key, fc.oneof(anything, good(rule))])),
      extra: anything,
      temprature: anything,
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string(), anything),
);

function check(input: unknown) {
  return validateConfig(input);
}

/** Whether `path` names a key of the rules, or one that `input` has (an unknown key). */
function namesARealKey(path: string, input: unknown): boolean {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return path === "";
  const given = input as Record<string, unknown>;
  // An unknown key, named as given (dots and all).
  if (Object.hasOwn(given, path)) return true;
  const [key = "", ...rest] = path.split(".");
  if (!Object.hasOwn(CONFIG_RULES, key)) return false;
  if (rest.length === 0) return true;
  // Within a key (a header, a limit): a header's name may hold dots, so the rest is one name.
  const inner = given[key];
  return typeof inner === "object" && inner !== null && Object.hasOwn(inner, rest.join("."));
}

describe("validateConfig: the rules, once", () => {
  it("CONFIG_KEYS and CONFIG_DEFAULTS are read from the rules", () => {
    expect([...CONFIG_KEYS]).toEqual(Object.keys(CONFIG_RULES));
    for (const [key, rule] of RULES) {
      if (rule.default === undefined || typeof rule.default === "object")
        expect(CONFIG_DEFAULTS).not.toHaveProperty(key);
      else expect(CONFIG_DEFAULTS).toHaveProperty(key, rule.default);
    }
  });

  it("property: a config of good values is accepted, with every default filled", () => {
    fc.assert(
      fc.property(goodConfig, (input) => {
        const { config, issues } = check(input);
        expect(issues).toBeUndefined();
        for (const [key, rule] of RULES) {
          const value = (config as Record<string, unknown> | undefined)?.[key];
          if (input[key] !== undefined) expect(value).toBeDefined();
          else if (rule.default !== undefined) expect(value).toEqual(rule.default);
          else expect(value).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it("property: one bad key is named, and nothing else is", () => {
    fc.assert(
      fc.property(oneBadKey, ({ key, config }) => {
        const { issues } = check(config);
        expect(issues).toBeDefined();
        expect(issues?.length).toBeGreaterThan(0);
        for (const issue of issues ?? []) {
          expect(issue.path === key || issue.path.startsWith(`${key}.`), issue.path).toBe(true);
          expect(issue.message).not.toBe("");
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("property: anything gives a config or issues; parseConfig throws nothing but ConfigError", () => {
    fc.assert(
      fc.property(anyConfig, (input) => {
        const checked = check(input);
        let parsed: unknown;
        try {
          parsed = parseConfig(input as LLMConfigInput);
        } catch (error) {
          expect(ConfigError.isInstance(error)).toBe(true);
          expect(checked.issues).toBeDefined();
          // The same issues, in the same order (their messages with the config's own secrets
          // masked: a key pasted into another field).
          expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(
            checked.issues?.map((issue) => issue.path),
          );
          return;
        }
        expect(checked.config).toBeDefined();
        expect(parsed).toEqual(checked.config);
      }),
      { numRuns: 3_000 },
    );
  });

  it("property: every issue's path names a real key: a rule's, or one the input has", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyConfig,
          oneBadKey.map(({ config }) => config),
        ),
        (input) => {
          for (const issue of check(input).issues ?? [])
            expect(namesARealKey(issue.path, input), `${issue.path}: ${issue.message}`).toBe(true);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("property: an accepted config round-trips: parsed again, it is the same config", () => {
    fc.assert(
      fc.property(fc.oneof(goodConfig, anyConfig), (input) => {
        const { config } = check(input);
        if (config === undefined) return;
        const parsed = parseConfig(config);
        const again = parseConfig(parsed);
        expect(Object.isFrozen(parsed)).toBe(true);
        expect({ ...parsed, apiKey: parsed.apiKey }).toEqual(config);
        expect({ ...again, apiKey: again.apiKey }).toEqual(config);
        // The key is there to read, never to list.
        expect(Object.keys(parsed)).not.toContain("apiKey");
      }),
      { numRuns: 1_000 },
    );
  });

  it("property: a key pasted into any field is never echoed by an issue", () => {
    const secret = fc
      .stringMatching(/^[A-Za-z0-9]{24,40}$/)
      .filter((text) => /\d/.test(text) && /[A-Za-z]/.test(text))
      .map((text) => `sk-${text}`);
    const misplaced = fc
      .tuple(goodConfig, fc.constantFrom(...CONFIG_KEYS, "extra"), secret, fc.boolean())
      .map(([config, key, key2, asName]) => ({
        secret: key2,
        config: asName ? { ...config, [key2]: 1 } : { ...config, [key]: key2 },
      }));
    fc.assert(
      fc.property(misplaced, ({ secret: key, config }) => {
        try {
          parseConfig(config as LLMConfigInput);
        } catch (error) {
          if (!ConfigError.isInstance(error)) throw error;
          for (const issue of error.issues) {
            expect(issue.path).not.toContain(key);
            expect(issue.message).not.toContain(key);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("validateConfig: the key and the header it is sent in", () => {
  const base = { baseUrl: "https://api.example.com/v1", model: "m", apiKey: "sk-live-0123456789" };

  it.each([
    ["openai-chat", "Authorization"],
    ["openai-responses", "authorization"],
    ["anthropic-messages", "X-Api-Key"],
  ])(
    "%s: apiKey and headers.%s together are refused, the header named as written",
    (protocol, name) => {
      const checked = validateConfig({
        ...base,
        protocol,
        headers: { [name]: "Bearer other-token" },
      });
      expect(checked.issues).toEqual([
        {
          path: `headers.${name}`,
          message:
            "the API key is sent in this header and would replace it: set the key or this header, not both",
        },
      ]);
      expect(JSON.stringify(checked.issues)).not.toContain("other-token");
      expect(JSON.stringify(checked.issues)).not.toContain(base.apiKey);
    },
  );

  it.each([
    [
      "without a key, the header is the credential",
      { headers: { Authorization: "Bearer t" } },
      false,
    ],
    [
      "a gateway's Authorization beside Anthropic's x-api-key",
      { protocol: "anthropic-messages", headers: { Authorization: "Bearer gw" } },
      true,
    ],
    ["x-api-key beside a bearer key", { headers: { "x-api-key": "gw" } }, true],
  ])("accepted: %s", (_name, config, withKey) => {
    const { apiKey, ...noKey } = base;
    const checked = validateConfig({ ...(withKey ? base : noKey), ...config });
    expect(checked.issues).toBeUndefined();
    expect(checked.config?.headers).toEqual(config.headers);
    expect(checked.config?.apiKey).toBe(withKey ? apiKey : undefined);
  });
});
