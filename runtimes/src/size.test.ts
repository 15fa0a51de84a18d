// The size a browser (or worker) app pays for a call and a stream (issue 26): a minimal app entry
// bundled by rolldown for the `browser` condition, minified, then gzipped (level 9), with a
// budget each entry must stay under, so growth fails the test.
//
// zod is external, as the issue says (an app that validates with it ships it anyway), and so is
// `@opentelemetry/api`: `@loom/llm`'s browser build imports it statically (llm-otel's
// `#otel-api` is `otel-api.static.js` under `browser`, `import * as otel`), so a bundler ships
// it too unless the app marks it external; it is a dependency of the app's own tracing, about
// 6 kB more min+gzip when bundled (48.4 kB instead of 42.3 kB, measured with this test's
// bundler). `@loom/llm-core` alone does not import it.
//
// The issue's target is 25 kB for call + stream. It is NOT met yet: measured, the `@loom/llm`
// entry is 42.3 kB (17.3 kB over, 1.69 times the target) and `ChatClient` of `@loom/llm-core`
// alone 35.6 kB (10.6 kB over, 1.43 times). The largest part is the three wire protocols, all
// bundled since ChatClient picks one at run time from its config (openai-chat,
// anthropic-messages, openai-responses: about 40% of the minified bytes); see
// runtimes/README.md. Until the target
// is met, each budget is the measured size plus 5%, so the test catches growth; lower it when
// the bundle shrinks, down to 25 kB.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";
import { describe, expect, it } from "vitest";
import { RUNTIMES_DIR } from "./runtime.js";

/** The issue's target for call + stream, min + gzip, in bytes (not met yet, see above). */
const TARGET_BYTES = 25_000;

/** A minimal app entry, and its budget in bytes, min + gzip. */
interface SizeEntry {
  source: string;
  budget: number;
}

const ENTRIES: Record<string, SizeEntry> = {
  // Measured 42,338 bytes (rolldown 1.2.19): budget 42,338 + 5%, rounded up to 100 bytes.
  "@loom/llm LLMProvider": {
    source: `import { LLMProvider } from "@loom/llm";
const llm = new LLMProvider({}, { baseUrl: "https://api.example.com/v1", model: "m" });
const messages = [{ role: "user", content: "hi" }];
console.log(await llm.call({ messages }));
for await (const text of llm.stream({ messages })) console.log(text);
`,
    budget: 44_500,
  },
  // Measured 35,637 bytes (rolldown 1.2.19): budget 35,637 + 5%, rounded up to 100 bytes.
  "@loom/llm-core ChatClient": {
    source: `import { ChatClient } from "@loom/llm-core";
const client = new ChatClient({ baseUrl: "https://api.example.com/v1", model: "m" });
const messages = [{ role: "user", content: "hi" }];
console.log(await client.call({ messages }));
for await (const text of client.stream({ messages })) console.log(text);
`,
    budget: 37_500,
  },
};

/** The prefix of the virtual entry modules' ids. */
const VIRTUAL = "\0loom-size-entry:";

/** The bundle of one entry, minified, and its sizes in bytes. */
async function measure(
  name: string,
): Promise<{ bytes: number; gzipBytes: number; imports: string[] }> {
  const manifest = join(RUNTIMES_DIR, "package.json");
  const build = await rolldown({
    input: VIRTUAL + name,
    cwd: RUNTIMES_DIR,
    platform: "browser",
    resolve: { conditionNames: ["browser", "import", "default"] },
    external: [/^zod($|\/)/, /^@opentelemetry\/api($|\/)/],
    logLevel: "warn",
    plugins: [
      {
        name: "loom:size-entry",
        async resolveId(id, importer) {
          if (id.startsWith(VIRTUAL)) return id;
          if (importer === undefined || !importer.startsWith(VIRTUAL)) return null;
          // `@loom/llm-core` is not a dependency of this package: it is resolved from the facade,
          // as the copy `@loom/llm` itself bundles.
          let from = manifest;
          if (id === "@loom/llm-core") {
            const facade = await this.resolve("@loom/llm", manifest, { skipSelf: true });
            if (facade === null) throw new Error("@loom/llm does not resolve");
            from = facade.id;
          }
          return this.resolve(id, from, { skipSelf: true });
        },
        load(id) {
          return id.startsWith(VIRTUAL) ? ENTRIES[id.slice(VIRTUAL.length)]?.source : null;
        },
      },
    ],
  });
  try {
    const { output } = await build.generate({ format: "esm", minify: true, codeSplitting: false });
    const [chunk] = output;
    return {
      bytes: Buffer.byteLength(chunk.code),
      gzipBytes: gzipSync(chunk.code, { level: 9 }).length,
      imports: chunk.imports,
    };
  } finally {
    await build.close();
  }
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

describe("browser bundle size of call + stream (min + gzip, zod and @opentelemetry/api external)", () => {
  for (const [name, { budget }] of Object.entries(ENTRIES)) {
    it(`${name} stays within ${kB(budget)}`, async () => {
      const { bytes, gzipBytes, imports } = await measure(name);
      console.log(
        `size ${name}: ${kB(bytes)} min, ${kB(gzipBytes)} min+gzip = ${gzipBytes} bytes (budget ${kB(budget)}, issue target ${kB(TARGET_BYTES)}: ${gzipBytes > TARGET_BYTES ? `${kB(gzipBytes - TARGET_BYTES)} over` : "met"}); external imports: ${imports.join(", ") || "none"}`,
      );
      // Only the externals are left as imports: nothing of `node:` got in.
      for (const spec of imports) expect(spec).toMatch(/^(zod|@opentelemetry\/api)($|\/)/);
      expect(gzipBytes).toBeLessThanOrEqual(budget);
    });
  }
});
