import { createFakeServer, type FakeServer } from "@loom/llm-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECK_SCRIPTS, KEY, scriptServer } from "./conformance-script.js";
import type { ConformanceRun, Runtime } from "./runtime.js";

/** Far above a run's few seconds, and below the hook's timeout. */
const RUN_LIMIT_MS = 60_000;

/** Options for `describeRuntime`. */
export interface RuntimeSuiteOptions {
  /**
   * Checks known to fail on this runtime, with the reason. They run as `it.fails`: the suite
   * stays green while the gap is open and goes red the moment the check passes, so the entry
   * is removed as the gap closes.
   */
  knownGaps?: Readonly<Record<string, string>>;
}

/**
 * The conformance suite on one runtime: the fake server in this process, scripted per check;
 * the checks run once under the runtime; then one test per check (its line says ok, and the
 * server got the requests it should), and two on the run as a whole. Without the runtime the
 * suite is skipped with one line saying why.
 */
export function describeRuntime(runtime: Runtime, options: RuntimeSuiteOptions = {}): void {
  const title = `the client on ${runtime.name}`;
  const unavailable = runtime.unavailable();
  if (unavailable !== undefined) {
    console.log(`${runtime.name} conformance skipped: ${unavailable}`);
    describe.skip(title, () => {
      it("runs the conformance checks", () => {});
    });
    return;
  }
  const gaps = options.knownGaps ?? {};
  const unknown = Object.keys(gaps).filter((name) => !CHECK_SCRIPTS.has(name));
  if (unknown.length > 0) throw new Error(`knownGaps names no check: ${unknown.join(", ")}`);

  describe(title, () => {
    let server: FakeServer | undefined;
    let run: ConformanceRun;
    beforeAll(async () => {
      server = await createFakeServer({ cors: runtime.cors === true });
      scriptServer(server);
      run = await runtime.run(server.url, RUN_LIMIT_MS);
      const failed = run.lines.filter((line) => !line.ok);
      console.log(
        `${runtime.name}: ${run.lines.length - failed.length}/${CHECK_SCRIPTS.size} checks passed in ${run.ms} ms (${run.ended})${failed.length > 0 ? `; first failure: ${failed[0]?.name}: ${failed[0]?.detail}` : ""}`,
      );
    }, RUN_LIMIT_MS + 10_000);
    afterAll(async () => {
      await server?.close();
    });

    const context = (): string => `${runtime.name} ${run.ended}; ${run.other}`;

    it("runs to the end and reports every check once, in order", () => {
      expect(run.ended, context()).toBe("exit 0");
      expect(
        run.lines.map((line) => line.name),
        context(),
      ).toEqual([...CHECK_SCRIPTS.keys()]);
    });

    it("prints the key nowhere, in any of its forms", () => {
      for (const [form, text] of [
        ["as is", KEY],
        ["URL-encoded", encodeURIComponent(KEY)],
        ["base64", btoa(KEY)],
      ]) {
        expect(run.output.includes(text as string), `the key (${form}) was printed`).toBe(false);
      }
    });

    for (const [name, script] of CHECK_SCRIPTS) {
      const gap = gaps[name];
      const test = gap === undefined ? it : it.fails;
      test(gap === undefined ? name : `${name} (known gap: ${gap})`, () => {
        const line = run.lines.find((l) => l.name === name);
        expect(line, `no line for this check: ${context()}`).toBeDefined();
        expect(line?.ok, line?.detail).toBe(true);
        const requests = server?.requests.filter((r) => r.headers["x-check"] === name) ?? [];
        const expected =
          typeof script.requests === "number"
            ? script.requests
            : script.requests(line?.detail ?? "");
        expect(requests.length, "requests the server got for this check").toBe(expected);
        if (script.header !== undefined) {
          const [header, value] = script.header;
          for (const request of requests) expect(request.headers[header], header).toBe(value);
        }
      });
    }
  });
}
