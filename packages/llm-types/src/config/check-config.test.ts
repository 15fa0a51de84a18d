// The plain check and the zod schema must agree: whatever the check accepts, the schema accepts
// with the same result, so a good config gives the same provider whether zod is loaded or not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkConfig } from "./check-config.js";
import { buildConfigSchema, schemaKeys } from "./config-schema.js";
import { CONFIG_KEYS } from "./llm-config.js";

const schema = buildConfigSchema(z);

/** Values near and over every rule's edge, and plainly wrong ones. */
const anything = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, 1, -1, 0.5, 2, 2.5, 3, NaN, Infinity, 1e300),
  fc.constantFrom(2_147_483_647, 2_147_483_648, 32 * 1024 * 1024, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom(
    "",
    " ",
    "m",
    "sk-abc",
    " sk-abc\n",
    "sk a",
    "sk\u2026",
    "DEEPSEEK_API_KEY",
    "1X",
  ),
  fc.constantFrom({}, { "x-a": "b" }, { "bad name": "v" }, { host: "h" }, { a: 1 }, []),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const urls = fc.constantFrom(
  "https://api.example.com/v1",
  "https://api.example.com/v1///",
  "http://localhost:8000/v1",
  "http://127.0.0.1:9/v1",
  "http://[::1]:8080/v1",
  "http://remote.example.com/v1",
  "https://user:pw@example.com/v1",
  "ftp://example.com",
  "not a url",
);
const config = fc.record(
  {
    baseUrl: fc.oneof(urls, anything),
    model: fc.oneof(fc.constantFrom("m", "gpt-4o", " "), anything),
    apiKey: fc.oneof(fc.constantFrom("sk-0123456789abcdef", " sk-0123456789abcdef\r\n"), anything),
    apiKeyEnv: anything,
    provider: anything,
    temperature: anything,
    maxTokens: anything,
    topP: anything,
    headers: anything,
    timeoutMs: anything,
    streamIdleTimeoutMs: anything,
    maxRetries: anything,
    maxRetryDelayMs: anything,
    maxConcurrency: anything,
    rateLimit: fc.oneof(
      anything,
      fc.record(
        { requestsPerMinute: anything, tokensPerMinute: anything, burst: anything },
        { requiredKeys: [] },
      ),
    ),
    maxConnections: anything,
    maxResponseBytes: anything,
    streamUsage: anything,
    enforcesResponseFormat: anything,
    allowInsecureHttp: anything,
    extra: anything,
  },
  { requiredKeys: [] },
);

describe("checkConfig against the zod schema", () => {
  it("CONFIG_KEYS are the schema's keys, in its order", () => {
    expect([...CONFIG_KEYS]).toEqual(schemaKeys(z));
  });

  it("accepts the configs providers are made from, as the schema gives them", () => {
    for (const input of [
      { baseUrl: "https://api.deepseek.com/v1/", model: "deepseek-chat", apiKey: "sk-abc123456 " },
      { baseUrl: "http://localhost:8000/v1", model: "m", headers: { "x-a": "b" }, maxRetries: 0 },
      { baseUrl: "http://localhost:8000/v1", model: "m", rateLimit: { requestsPerMinute: 60 } },
      { baseUrl: "http://10.0.0.2/v1", model: "m", apiKey: "k", allowInsecureHttp: true },
    ]) {
      const checked = checkConfig(input);
      expect(checked).toBeDefined();
      expect(checked).toEqual(schema.parse(input));
    }
  });

  it("property: whatever it accepts, the schema accepts, with the same result", () => {
    fc.assert(
      fc.property(config, (input) => {
        const checked = checkConfig(input);
        if (checked === undefined) return;
        const parsed = schema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(checked).toEqual(parsed.data);
      }),
      { numRuns: 3_000 },
    );
  });

  it("property: a config the schema accepts with only good values is accepted too", () => {
    const good = fc.record(
      {
        baseUrl: urls,
        model: fc.constantFrom("m", "gpt-4o"),
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        maxTokens: fc.integer({ min: 1, max: 1_000_000 }),
        headers: fc.constantFrom({}, { "x-a": "b" }),
        streamUsage: fc.boolean(),
      },
      { requiredKeys: ["baseUrl", "model"] },
    );
    fc.assert(
      fc.property(good, (input) => {
        if (!schema.safeParse(input).success) return;
        expect(checkConfig(input)).toEqual(schema.parse(input));
      }),
    );
  });
});
