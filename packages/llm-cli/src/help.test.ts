import { describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";

describe("--help", () => {
  it("names every exit status the CLI returns", () => {
    const said = HELP.slice(HELP.indexOf("Exit status:")).replace(/\s+/g, " ");
    for (const [name, status] of Object.entries(EXIT))
      expect(said, `${name} (${status})`).toMatch(new RegExp(`\\b${status} `));
  });
});
