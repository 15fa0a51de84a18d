// The size a browser (or worker) app pays for a call and a stream (issue 26): a minimal app entry
// bundled by rolldown for the `browser` condition, minified, split into chunks as an app's
// bundler splits it, then gzipped (level 9), with budgets the test fails above.
//
// What is measured: the code the app loads at start (its entry chunk and every chunk that one
// imports, transitively, joined as one file), which is all a call and a stream in OpenAI's chat
// completions (the default protocol) need; and, for each other wire protocol, the same plus the
// chunks its first call loads (llm-core imports Anthropic's Messages and OpenAI's Responses
// dynamically, wire/protocols.ts, so an app ships and loads only what it speaks).
//
// zod is external, as the issue says, and loaded on first need only: off Node.js, llm-utils
// imports it dynamically before the first request whose schemas need it (`prepareSchemas`), so
// an app without such schemas never loads it. That matters: bundled whole (its namespace is
// what the client uses), zod is about 91 kB min+gzip, three times the client. The test holds
// that it is not imported at start. `@opentelemetry/api` is external too: `@loom/llm`'s browser
// build imports it statically (llm-otel's `#otel-api` is `otel-api.static.js` under `browser`),
// so a bundler ships it unless the app marks it external; it is a dependency of the app's own
// tracing, about 6 kB more min+gzip when bundled. `@loom/llm-core` alone does not import it.
//
// The issue's target is 25 kB for call + stream. It is NOT met: measured (rolldown 1.2.19),
// `ChatClient` of `@loom/llm-core` loads 31.9 kB at start (6.9 kB over, 1.27 times the target;
// 35.6 kB before the protocols were split out, 31.6 kB before schema support was) and the
// `@loom/llm` facade 39.6 kB (presets, prices, telemetry hooks; 42.3 kB before). What the start
// holds is in runtimes/README.md.
// Each budget is the measured size plus at most 1.5%, rounded up to 100 bytes, so growth fails
// the test; lower it when the bundle shrinks, down to 25 kB.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type OutputChunk, rolldown } from "rolldown";
import { describe, expect, it } from "vitest";
import { RUNTIMES_DIR } from "./runtime.js";

/** The issue's target for call + stream, min + gzip, in bytes (not met yet, see above). */
const TARGET_BYTES = 25_000;

/** A minimal app entry, and its budget in bytes, min + gzip. */
interface SizeEntry {
  source: string;
  /** What the app loads at start, which is all a call and a stream in OpenAI's chat need. */
  budget: number;
  /** What it has loaded once it spoke another protocol (Anthropic's Messages, OpenAI's Responses). */
  protocolBudget: number;
}

const ENTRIES: Record<string, SizeEntry> = {
  // Measured 39,573 bytes at start, 45.2 kB with Anthropic's Messages (the larger protocol): 37,647
  // before usage billed ahead of a stream's failure was kept (the error's, the span's, the
  // cost hooks'), tracing hooks kept one key for every instance, and the gates' waits were
  // bounded by the call's signal whatever the gate (+500: 38,147); then tools named once, a
  // usage object with no count no report, a zod schema with no JSON Schema form refused, a
  // shared rate limit let go by its last client (+477); then the checks of structured output and
  // tool-call arguments, then all schema support, loaded by the first request with tools or a
  // response format (-716, -669: 37,239); then secrets of any length masked (streamed ones going
  // on from where the held text stood), a response format or tool parameters of the wrong shape
  // refused, a 401's hint naming a credential in the URL or a header (+1,063: 38,302); then a
  // stream's items handed on by an iterator of its own, not an async generator (+460); then a
  // stream's texts kept as pieces and joined once (+38: 38,800); then the rate limit headers'
  // reader in a chunk of its own, loaded with the rate limiter (-486), the spellings of a
  // secret's ASCII characters built once and shared (+151: 38,465); then a config that sets the
  // key's own header refused (+162); then an answer nested deeper than the stack typed (+142), a whole answer's tool calls bounded as
  // a stream's (+23); then a URL's password masked to its end, a dropped stream ended by
  // `close()`, and spans without content capture leaving out the server's words (+302: 39,094);
  // then a shared budget's unknown remainder kept, a page's "Failed to fetch" naming CORS
  // (+87: 39,181); then async hooks' rejections reported, queued requests passing the gates
  // again, no retry wait past the deadline, a budget's estimates in the tracker (+392: 39,573).
  "@loom/llm LLMProvider": {
    source: `import { LLMProvider } from "@loom/llm";
const llm = new LLMProvider({}, { baseUrl: "https://api.example.com/v1", model: "m" });
const messages = [{ role: "user", content: "hi" }];
console.log(await llm.call({ messages }));
for await (const text of llm.stream({ messages })) console.log(text);
`,
    budget: 39_700,
    protocolBudget: 45_300,
  },
  // Measured 31,863 bytes at start, 37.5 kB with Anthropic's Messages: 29,572 before the rate
  // limiter was loaded on first need (-526), then the gate's waits while it loads, the gates
  // told of a request that may have reached the server, overlapping copies of a secret masked
  // as one (+610); then what a transport knows of a request (a response begun, a fresh
  // connection closed, a request never written whole) and the exchange's bound aborting a
  // transport's request (+304), the client's options checked, those notes kept per request
  // (+248); then each content part of a message checked, a JSON answer to a stream bounded,
  // the runtimes whose fetch leaves deflate and zstd undecoded, a header block too large told
  // apart on Bun and Deno, the final arguments of a Responses stream, an error status in any
  // coding, the idle bound per attempt (+616); then usage billed ahead of a stream's failure
  // kept, the gates' waits bounded by the call's signal whatever the gate (+287): 31,111; then
  // tools named once, a usage object with no count no report, a zod schema with no JSON
  // Schema form refused, a shared rate limit let go by its last client, an Anthropic call's id
  // made up at its start (+444); then the checks of structured output and tool-call arguments
  // loaded by the first request that needs them (-719), then all schema support (-932: 29,904);
  // then secrets of any length masked (streamed ones going on from where the held text stood), a
  // response format or tool parameters of the wrong shape refused, a 401's hint naming a
  // credential in the URL or a header (+1,003: 30,907); then a stream's items handed on by an
  // iterator of its own, not an async generator (fewer instructions per event; +434); then a
  // stream's texts kept as pieces and joined once (less promoted to V8's old generation; +45:
  // 31,386); then the rate limit headers' reader in a chunk of its own, loaded with the rate
  // limiter (-480), the spellings of a secret's ASCII characters built once and shared (+149:
  // 31,055); then a config that sets the key's own header refused (+155), an answer nested
  // deeper than the stack typed, not a bare RangeError (+192), a whole answer's tool calls
  // bounded as a stream's (+23); then a URL's password masked to its end and a dropped stream
  // ended by `close()` (+42: 31,467); then workerd's undecodable body typed, a page's "Failed
  // to fetch" naming CORS (+77: 31,544); then async hooks' rejections reported, queued
  // requests passing the gates again, a gate's failing leave() reported, no retry wait past the
  // deadline (+319: 31,863).
  "@loom/llm-core ChatClient": {
    source: `import { ChatClient } from "@loom/llm-core";
const client = new ChatClient({}, { baseUrl: "https://api.example.com/v1", model: "m" });
const messages = [{ role: "user", content: "hi" }];
console.log(await client.call({ messages }));
for await (const text of client.stream({ messages })) console.log(text);
`,
    budget: 32_000,
    protocolBudget: 37_600,
  },
};

/** The prefix of the virtual entry modules' ids. */
const VIRTUAL = "\0loom-size-entry:";

/** What an app loads, minified: the code and its gzipped size in bytes. */
interface Load {
  /** The code, minified (one file's worth). */
  code: string;
  bytes: number;
  gzipBytes: number;
}

/** What one entry's app loads: at start (`initial`), and once it speaks each other protocol. */
interface Measured {
  initial: Load;
  /** By protocol: the initial load plus the chunks its first call loads. */
  protocols: Record<string, Load>;
  /** Imports left in the bundle: only the externals. */
  imports: string[];
  /** The externals the start imports statically. */
  initialImports: string[];
  /** The externals loaded on first need (dynamic imports). */
  lazyImports: string[];
  /** The code of every chunk not loaded at start, minified. */
  lazyCode: string;
}

/** The chunks `from` loads before it runs, itself first (static imports, transitively). */
function staticClosure(from: OutputChunk, chunks: Map<string, OutputChunk>): OutputChunk[] {
  const seen = new Map<string, OutputChunk>();
  const visit = (chunk: OutputChunk): void => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of chunk.imports) {
      const next = chunks.get(name);
      if (next !== undefined) visit(next);
    }
  };
  visit(from);
  return [...seen.values()];
}

/** The chunks' code joined, as one file of the app would hold it, and its sizes. */
function loadOf(chunks: readonly OutputChunk[]): Load {
  const code = chunks.map((chunk) => chunk.code).join("\n");
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

/**
 * The bundle of one entry, split as an app's bundler splits it: the code loaded at start, and
 * the chunks each other wire protocol adds on its first call (llm-core imports them dynamically).
 */
async function measure(name: string): Promise<Measured> {
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
    const { output } = await build.generate({ format: "esm", minify: true });
    const chunks = new Map<string, OutputChunk>();
    for (const item of output) if (item.type === "chunk") chunks.set(item.fileName, item);
    const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
    if (entry === undefined) throw new Error(`${name}: no entry chunk`);
    const initial = staticClosure(entry, chunks);
    const protocols: Record<string, Load> = {};
    for (const dynamic of initial.flatMap((chunk) => chunk.dynamicImports)) {
      const protocol = /^(anthropic-messages|openai-responses)-protocol/.exec(dynamic)?.[1];
      const chunk = chunks.get(dynamic);
      if (protocol === undefined || chunk === undefined) continue;
      const more = staticClosure(chunk, chunks).filter((c) => !initial.includes(c));
      protocols[protocol] = loadOf([...initial, ...more]);
    }
    const imports = [...new Set([...chunks.values()].flatMap((chunk) => chunk.imports))].filter(
      (spec) => !chunks.has(spec),
    );
    const initialImports = [...new Set(initial.flatMap((chunk) => chunk.imports))].filter(
      (spec) => !chunks.has(spec),
    );
    const lazyImports = [
      ...new Set([...chunks.values()].flatMap((chunk) => chunk.dynamicImports)),
    ].filter((spec) => !chunks.has(spec));
    const lazyCode = [...chunks.values()]
      .filter((chunk) => !initial.includes(chunk))
      .map((chunk) => chunk.code)
      .join("\n");
    return { initial: loadOf(initial), protocols, imports, initialImports, lazyImports, lazyCode };
  } finally {
    await build.close();
  }
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

describe("browser bundle size of call + stream (min + gzip, zod and @opentelemetry/api external)", () => {
  for (const [name, { budget, protocolBudget }] of Object.entries(ENTRIES)) {
    it(`${name} stays within ${kB(budget)} at start, ${kB(protocolBudget)} with another protocol`, async () => {
      const { initial, protocols, imports, initialImports, lazyImports, lazyCode } =
        await measure(name);
      const over = initial.gzipBytes - TARGET_BYTES;
      console.log(
        `size ${name}: ${kB(initial.bytes)} min, ${kB(initial.gzipBytes)} min+gzip = ${initial.gzipBytes} bytes at start (budget ${kB(budget)}, issue target ${kB(TARGET_BYTES)}: ${over > 0 ? `${kB(over)} over` : "met"}); ${Object.entries(
          protocols,
        )
          .map(([protocol, load]) => `with ${protocol} ${kB(load.gzipBytes)}`)
          .join(
            ", ",
          )}; external imports at start: ${initialImports.join(", ") || "none"}, on first need: ${lazyImports.join(", ") || "none"}`,
      );
      // Only the externals are left as imports: nothing of `node:` got in.
      for (const spec of [...imports, ...lazyImports])
        expect(spec).toMatch(/^(zod|@opentelemetry\/api)($|\/)/);
      // zod is loaded by the first request whose schemas need it, never at start.
      expect(initialImports).not.toContain("zod");
      // The rate limiter is loaded by a rate limit's gate: its code is not in the start.
      expect(initial.code).not.toContain("the rate limit would hold this request");
      expect(lazyCode).toContain("the rate limit would hold this request");
      // And the reader of rate limit headers, which only the limiter reads (and users who import
      // it): a chunk of its own, not merged with code the start runs (tsdown.config.ts).
      expect(initial.code).not.toContain("ratelimit-remaining-requests");
      expect(lazyCode).toContain("ratelimit-remaining-requests");
      // So is schema support (converting schemas, loading zod, checking answers against them),
      // by the first request with tools or a response format.
      for (const text of ["cut off at maxTokens", "zod is not loaded yet"]) {
        expect(initial.code).not.toContain(text);
        expect(lazyCode).toContain(text);
      }
      expect(lazyImports).toContain("zod");
      expect(initial.gzipBytes).toBeLessThanOrEqual(budget);
      // The other protocols stay out of the start: each is a chunk of its own, loaded on use.
      expect(Object.keys(protocols).sort()).toEqual(["anthropic-messages", "openai-responses"]);
      for (const load of Object.values(protocols)) {
        expect(load.gzipBytes).toBeGreaterThan(initial.gzipBytes);
        expect(load.gzipBytes).toBeLessThanOrEqual(protocolBudget);
      }
    });
  }
});
