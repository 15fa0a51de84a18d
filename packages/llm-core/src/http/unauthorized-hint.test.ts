import { parseConfig } from "@loom/llm-utils";
import { describe, expect, it } from "vitest";
import { unauthorizedHint } from "./unauthorized-hint.js";

const base = { baseUrl: "https://api.example.com/v1", model: "m" };

describe("unauthorizedHint: what a 401 tells the user", () => {
  it("names the key's variable, or says no key was sent", () => {
    expect(unauthorizedHint(parseConfig({ ...base, apiKey: "sk-0123456789abcdef" }))).toBe(
      undefined,
    );
    expect(
      unauthorizedHint(parseConfig({ ...base, apiKey: "sk-0123456789abcdef", apiKeyEnv: "K" })),
    ).toBe("Check the key in K");
    expect(unauthorizedHint(parseConfig(base))).toBe("No API key was sent");
    expect(unauthorizedHint(parseConfig({ ...base, apiKeyEnv: "K" }))).toBe(
      "No API key was sent: set K",
    );
  });

  it("a credential in the base URL's query or in a header is one sent, not a missing key", () => {
    const query = parseConfig({ ...base, baseUrl: "https://g.example.com/v1?key=AIza0123456789" });
    expect(unauthorizedHint(query)).toBe("Check the credential in the base URL's query");
    const header = parseConfig({ ...base, headers: { "X-Api-Key": "k-0123456789abcdef" } });
    expect(unauthorizedHint(header)).toBe("Check the credential in the X-Api-Key header");
    // A header that is no credential leaves the key missing.
    const other = parseConfig({ ...base, headers: { "X-Team": "research" } });
    expect(unauthorizedHint(other)).toBe("No API key was sent");
  });
});
