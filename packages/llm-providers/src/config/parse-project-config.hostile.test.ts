// loom.toml written by someone hostile or careless: prototype keys, literal keys, random text.
import { inspect } from "node:util";
import { ConfigError } from "@loom/llm-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveFromConfig, resolvePreset } from "../resolve-provider.js";
import { parseProjectConfig } from "./parse-project-config.js";

function configError(text: string): ConfigError {
  try {
    parseProjectConfig(text);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loom.toml: prototype keys", () => {
  it.each([
    [
      "[llm.__proto__]",
      '[llm.__proto__]\nbase_url = "https://x.example/v1"\nmodel = "m"\n',
      "llm.__proto__",
    ],
    [
      "[llm.constructor]",
      '[llm.constructor]\nbase_url = "https://x.example/v1"\nmodel = "m"\n',
      "llm.constructor",
    ],
    [
      "a key named prototype",
      '[llm.a]\nbase_url = "https://x.example/v1"\nmodel = "m"\nprototype = 1\n',
      "llm.a.prototype",
    ],
    [
      "a header named __proto__",
      '[llm.a]\nbase_url = "https://x.example/v1"\nmodel = "m"\nheaders = { __proto__ = "x" }\n',
      "llm.a.headers.__proto__",
    ],
  ])("%s is a ConfigError naming it", (_name, text, path) => {
    const error = configError(text);
    expect(error.issues).toContainEqual({ path, message: expect.stringContaining("is reserved") });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).model).toBeUndefined();
  });

  it("parsed tables have no prototype to pollute", () => {
    const project = parseProjectConfig('[llm.a]\nbase_url = "https://x.example/v1"\nmodel = "m"\n');
    expect(Object.getPrototypeOf(project.llm)).toBeNull();
    expect(Object.getPrototypeOf(project.llm.a)).toBeNull();
  });
});

describe("loom.toml: a literal api_key", () => {
  const KEY = "sk-literal-LEAKCANARY-123456";
  const text = `[llm.gw]\nbase_url = "https://gw.example/v1?api-key=${KEY}-q"\nmodel = "m"\napi_key = "${KEY}"\n`;
  const quiet = { logger: { warn: () => {} } };

  it("prints masked from the parsed config and from the resolved provider, and still works", () => {
    const project = parseProjectConfig(text, "loom.toml", quiet);
    const resolved = resolveFromConfig({ env: {} }, "gw", project);
    for (const printed of [
      JSON.stringify(project),
      inspect(project, { depth: 10 }),
      JSON.stringify(resolved.config),
      inspect(resolved.config, { depth: 10 }),
    ]) {
      expect(printed).not.toContain(KEY);
    }
    expect(project.llm.gw?.apiKey).toBe(KEY);
    expect(resolved.config.apiKey).toBe(KEY);
  });

  it("a preset resolved with an explicit key prints it masked", () => {
    const { config } = resolvePreset({ env: {} }, "deepseek", { apiKey: KEY });
    expect(JSON.stringify(config)).not.toContain(KEY);
    expect(inspect(config)).not.toContain(KEY);
    expect(config.apiKey).toBe(KEY);
  });
});

describe("loom.toml: a syntax error on a line holding a key", () => {
  it.each([
    ["a string left open", `[llm.gw]\napi_key = "sk-open-LEAKCANARY-0123456789\nmodel = "m"\n`],
    ["a single-quoted string left open", `[llm.gw]\napi_key = 'sk-open-LEAKCANARY-0123456789\n`],
  ])("%s: quoted masked", (_name, text) => {
    const error = configError(text);
    expect(error.message).toContain("invalid TOML");
    expect(inspect(error, { depth: 10 })).not.toContain("LEAKCANARY-0123456789");
  });
});

describe("loom.toml: property", () => {
  const SECRET = "sk-prop-LEAKCANARY-abcdef";
  const key = fc.constantFrom(
    "base_url",
    "model",
    "api_key",
    "api_key_env",
    "temperature",
    "max_tokens",
    "timeout_ms",
    "headers",
    "tempreature",
    "__proto__",
    "input_per_mtok",
  );
  const value = fc.oneof(
    fc.constant(`"${SECRET}"`),
    fc.constant(`"ftp://u:${SECRET}@h"`),
    fc.constant(`{ "x-api-key" = "${SECRET}" }`),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(n)),
    fc.string({ maxLength: 20 }).map((s) => JSON.stringify(s)),
    fc.constantFrom("true", "[]", "{}", '"https://x.example/v1"', "2147483648"),
  );
  const table = fc.tuple(
    fc.constantFrom("deepseek", "gw", "__proto__", "local"),
    fc.array(fc.tuple(key, value), { maxLength: 6 }),
  );
  const document = fc.oneof(
    fc
      .array(table, { maxLength: 3 })
      .map((tables) =>
        tables
          .map(
            ([name, pairs]) =>
              `[llm.${name}]\n${pairs.map(([k, v]) => `${k} = ${v}`).join("\n")}\n`,
          )
          .join("\n"),
      ),
    fc.string({ maxLength: 200 }),
  );

  it("random text gives a config or a ConfigError, never another exception, never the secret in an error", () => {
    fc.assert(
      fc.property(document, (text) => {
        try {
          const project = parseProjectConfig(text, "loom.toml", { logger: { warn: () => {} } });
          // Accepted: a literal key (and credential headers) still print masked.
          for (const table of Object.values(project.llm)) {
            if (table.apiKey !== undefined)
              expect(JSON.stringify(table)).not.toContain(table.apiKey);
            // The same text may sit in a field that is no secret (a model name): look at the
            // credential header's printed value itself (JSON and util.inspect print alike).
            const shown = JSON.parse(JSON.stringify(table)) as { headers?: Record<string, string> };
            for (const [name, value] of Object.entries(table.headers ?? {}))
              if (value === SECRET) expect(shown.headers?.[name]).not.toBe(SECRET);
          }
        } catch (error) {
          expect(ConfigError.isInstance(error)).toBe(true);
          expect(String(error)).not.toContain(SECRET);
          expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
        }
      }),
      { numRuns: 300 },
    );
  });
});
