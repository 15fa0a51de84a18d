// An import alone, in a fresh process: `import("@loom/llm")` or `import("undici")`, nothing made
// or called. The parent times the whole process; the import itself is timed here, from the
// `import()` to its module namespace, and printed as one JSON line.
const [specifier = ""] = process.argv.slice(2);
if (specifier !== "@loom/llm" && specifier !== "undici")
  throw new Error(`not a module measured here: ${specifier}`);
const started = performance.now();
await import(specifier);
const importMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ importMs })}\n`);
