// The layering of the @loom packages, checked by dependency-cruiser: `pnpm check:deps`, and part
// of `pnpm test`. docs/architecture.md ("Rules that keep this shape") says why the shape is what
// it is; each rule below says which part of it it keeps. scripts/check-deps.mjs runs it and prints
// one line per violation: `error <rule>: <from> → <to>`.
//
// Scope: the sources of the published packages, packages/*/src (the script names them; built
// dist/ is never read). @loom imports resolve to those sources through tsconfig.depcruise.json,
// so a fresh clone and a built tree give the same graph.
//
// dependency-cruiser parses TypeScript with a TypeScript 6 of its own (pnpm-workspace.yaml,
// packageExtensions): the project's TypeScript 7.0 has no JS compiler API.
const { readFileSync } = require("node:fs");

// Which @loom packages each package may import, by directory under packages/. `src`: its
// production code, the @loom packages in its package.json `dependencies` and `peerDependencies`
// (what its users install with it). `tests`: what its *.test.ts and *.fixture.ts may import on top,
// its `devDependencies`. A package imports itself only through its entry points (self-reference).
//
// Why each line: llm-types holds the contracts (types, interfaces, error classes) every package
// speaks and depends on none of them. llm-utils holds the runtime helpers shared by the packages
// (config rules, redaction, status errors, schemas), on llm-types only. llm-core (ChatClient) runs
// calls on types and utils. llm-providers builds providers on llm-core. llm-otel turns hooks
// (llm-types) into OpenTelemetry, needing no client and no helper (+ @opentelemetry/api, a peer).
// llm-testing fakes servers from types and utils alone, so any package can test with it.
// llm-redis shares limits and budgets (core, providers) across processes. llm, the facade,
// gathers types, utils, core, providers and otel. llm-cli is an application on the facade,
// providers, types and utils, with llm-testing (a peer) for its offline mode.
//
// A new package is one line, and its package.json must say the same (checked below).
const LAYERS = {
  "llm-types": { src: [], tests: [] },
  "llm-utils": { src: ["llm-types"], tests: [] },
  "llm-core": { src: ["llm-types", "llm-utils"], tests: ["llm-testing"] },
  "llm-providers": { src: ["llm-types", "llm-utils", "llm-core"], tests: ["llm-testing"] },
  "llm-otel": { src: ["llm-types"], tests: ["llm-core", "llm-testing"] },
  "llm-testing": { src: ["llm-types", "llm-utils"], tests: [] },
  "llm-redis": {
    src: ["llm-types", "llm-utils", "llm-core", "llm-providers"],
    tests: ["llm-testing"],
  },
  llm: {
    src: ["llm-types", "llm-utils", "llm-core", "llm-providers", "llm-otel"],
    tests: ["llm-testing"],
  },
  "llm-cli": { src: ["llm", "llm-types", "llm-utils", "llm-providers", "llm-testing"], tests: [] },
};

// The table above is the intent; each package.json is the declaration. They must agree, or the
// check would allow what a package does not declare (or forbid what it declares): say which.
for (const [dir, { src, tests }] of Object.entries(LAYERS)) {
  const manifest = JSON.parse(readFileSync(`${__dirname}/packages/${dir}/package.json`, "utf8"));
  const loom = (field) =>
    Object.keys(manifest[field] ?? {})
      .filter((name) => name.startsWith("@loom/"))
      .map((name) => name.slice("@loom/".length));
  const declared = new Set([...loom("dependencies"), ...loom("peerDependencies")]);
  const dev = new Set(loom("devDependencies").filter((name) => !declared.has(name)));
  const same = (a, b) => a.size === b.size && [...a].every((name) => b.has(name));
  if (!same(new Set(src), declared) || !same(new Set(tests), dev)) {
    throw new Error(
      `.dependency-cruiser.cjs: LAYERS["${dir}"] is { src: [${src}], tests: [${tests}] } but ` +
        `packages/${dir}/package.json declares { src: [${[...declared]}], tests: [${[...dev]}] } ` +
        "(src: dependencies + peerDependencies, tests: devDependencies): make them agree",
    );
  }
}

const TEST_FILE = "\\.(test|fixture)\\.ts$";
const either = (names) => names.join("|");
const named = (names) => (names.length > 0 ? names.join("+") : "no-loom-package");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // 1. A circle makes its modules one unit: none can be loaded, understood or tested alone,
      // and the order they load in decides what is undefined at import time. Type-only imports
      // (`import type`) count too: no `viaOnly`/`dependencyTypesNot` lets them through, and
      // `tsPreCompilationDeps` below keeps them in the graph.
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports, type-only ones included: break it (docs/architecture.md).",
      from: {},
      to: { circular: true },
    },

    // 2. The packages' directions: one rule per package, from the LAYERS table.
    ...Object.entries(LAYERS).flatMap(([dir, { src, tests }]) => [
      {
        name: `${dir}-imports-only-${named(src)}`,
        severity: "error",
        comment:
          `packages/${dir} may import, of the @loom packages, only itself and the ones its ` +
          "package.json dependencies/peerDependencies list (LAYERS in .dependency-cruiser.cjs).",
        from: { path: `^packages/${dir}/src/`, pathNot: TEST_FILE },
        to: { path: "^packages/[^/]+/", pathNot: `^packages/(${either([dir, ...src])})/` },
      },
      {
        name: `${dir}-tests-import-only-${named([...src, ...tests])}`,
        severity: "error",
        comment:
          `The tests of packages/${dir} may import, of the @loom packages, only itself and the ` +
          "ones its package.json lists, devDependencies included.",
        from: { path: [`^packages/${dir}/src/.*${TEST_FILE}`] },
        to: {
          path: "^packages/[^/]+/",
          pathNot: `^packages/(${either([dir, ...src, ...tests])})/`,
        },
      },
    ]),

    // 3. A package's internals stay inside it: others reach it only through its `exports`.
    {
      name: "no-relative-import-out-of-a-package",
      severity: "error",
      comment:
        "A relative import that leaves its package reaches another one's internals, and breaks " +
        "once published: import the other package by name (@loom/...).",
      from: { path: "^packages/([^/]+)/" },
      to: {
        path: "^packages/",
        pathNot: "^packages/$1/",
        dependencyTypes: ["local"],
        // @loom/... imports resolve to sources too (tsconfig.depcruise.json): those are fine.
        dependencyTypesNot: ["aliased"],
      },
    },
    {
      name: "no-deep-import",
      severity: "error",
      comment:
        "Only a package's `exports` entry points may be imported (@loom/llm-providers/internal " +
        "is one), never its src/ or dist/ files.",
      from: {},
      to: { path: "^@loom/[^/]+/", couldNotResolve: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to nothing: a typo, or a package not installed.",
      from: {},
      to: { couldNotResolve: true, pathNot: "^@loom/[^/]+/" },
    },

    // 4. What ships never needs what does not.
    {
      name: "production-imports-no-test-code",
      severity: "error",
      comment:
        "Production code never imports tests or fixtures: they are not built (tsconfig.build.json) " +
        "and would pull test tooling into the package.",
      from: { path: "^packages/[^/]+/src/", pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
    {
      name: "production-imports-no-dev-dependency",
      severity: "error",
      comment:
        "Production code never imports a devDependency (type-only imports too: they end up in " +
        "the published .d.ts): users do not install those. A peer dependency also listed in " +
        "devDependencies (for the package's own tests) is fine.",
      from: { path: "^packages/[^/]+/src/", pathNot: TEST_FILE },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["npm-peer"] },
    },
    {
      name: "production-imports-only-declared-packages",
      severity: "error",
      comment:
        "Production code imports only npm packages its own package.json declares: anything else " +
        "is found here only because the workspace installed it.",
      from: { path: "^packages/[^/]+/src/", pathNot: TEST_FILE },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Import-only-for-types dependencies are dependencies: keep them in the graph.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.depcruise.json" },
    // Resolve npm packages the way Node does (their `exports`); for @loom packages that also
    // makes any path outside their `exports` unresolvable (no-deep-import).
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "require", "node", "default"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {},
  },
};
