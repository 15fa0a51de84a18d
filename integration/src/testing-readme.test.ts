// @loom/llm-testing's README snippets run as they are: each ```ts block becomes a module,
// imported here (they drive the testing package with @loom/llm, as its users do).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(`${root}../packages/llm-testing/README.md`, "utf8");
// Blocks fenced as ```ts exactly; ```ts test-file shows a vitest file and runs in examples/consumer-testing.
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const dir = `${root}.readme-snippets`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README snippets", () => {
  it("has them", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it.each(snippets.map((code, i) => [i + 1, code] as const))(
    "snippet %i runs",
    async (index, code) => {
      mkdirSync(dir, { recursive: true });
      const file = `${dir}/snippet-${index}.ts`;
      writeFileSync(file, code);
      await import(file);
    },
  );
});
