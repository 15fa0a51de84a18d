// `loom-llm playground` as a user runs it: the address printed, the page served with its token,
// `--offline` answering every contender, Ctrl-C ending it with status 0 and its port closed.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-playground-command-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `loom-llm playground ARGS` run in process until `stop()`: its printed address, its end. */
function playground(argv: string[]): {
  address: Promise<string>;
  stop: () => void;
  done: ReturnType<typeof cli>;
} {
  const stopping = new AbortController();
  let printed: (url: string) => void = () => {};
  const address = new Promise<string>((resolve) => {
    printed = resolve;
  });
  const done = cli(["playground", ...argv], {
    signal: stopping.signal,
    onOutput: (stdout) => {
      const url = /^http:\/\/\S+/m.exec(stdout)?.[0];
      if (url !== undefined) printed(url);
    },
  });
  return { address, stop: () => stopping.abort(), done };
}

describe("loom-llm playground", () => {
  it("prints its address, serves the page and offline runs, and stops on Ctrl-C", async () => {
    const history = join(dir, "runs.jsonl");
    const { address, stop, done } = playground(["--offline", "--history", history]);
    const url = await address;
    const token = new URL(url).searchParams.get("token") ?? "";
    expect((await fetch(url)).status).toBe(200);
    const run = await fetch(new URL("/api/run", url), {
      method: "POST",
      headers: { "content-type": "application/json", "x-loom-token": token },
      body: JSON.stringify({ prompt: "hello there", contenders: [{ provider: "local" }] }),
    });
    const events = await run.text();
    expect(events).toContain("(offline: no model was called)");
    expect(events).toContain('"type":"done"');
    expect(events).toContain('"type":"end"');
    stop();
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(stderr).toContain(`runs are saved to ${history}`);
    await expect(fetch(url)).rejects.toThrow();
    // The run is in the history, which replay reads and asks again.
    expect((await readFile(history, "utf8")).trim().split("\n")).toHaveLength(1);
    const replayed = await cli(["replay", history, "--offline"]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain("hello there");
  });

  it("says which port is taken, as a usage error", async () => {
    const first = playground(["--history", join(dir, "second.jsonl")]);
    const port = new URL(await first.address).port;
    const second = await cli(["playground", "--port", port, "--history", join(dir, "x.jsonl")]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`--port ${port}: already in use`);
    first.stop();
    expect((await first.done).code).toBe(0);
    for (const bad of ["http", "0x1F90", "1e3", "70000"])
      expect((await cli(["playground", "--port", bad])).stderr, bad).toContain("--port must be");
  });

  it.skipIf(process.platform !== "linux")(
    "--open hands the opener a file only this user reads, never the token",
    async () => {
      // A stand-in for xdg-open that writes down what it was given.
      const bin = join(dir, "bin");
      const said = join(dir, "opener-args");
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, "xdg-open"), `#!/bin/sh\necho "$@" > "${said}"\n`, {
        mode: 0o755,
      });
      const path = process.env.PATH;
      process.env.PATH = `${bin}:${path}`;
      try {
        const running = playground(["--open", "--history", join(dir, "open.jsonl")]);
        const url = await running.address;
        const token = new URL(url).searchParams.get("token") ?? "";
        await expect
          .poll(() => readFile(said, "utf8").catch(() => ""), { timeout: 5_000 })
          .not.toBe("");
        const given = (await readFile(said, "utf8")).trim();
        expect(given).toMatch(/^file:\/\//);
        expect(given).not.toContain(token);
        const file = fileURLToPath(given);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(await readFile(file, "utf8")).toContain(token);
        running.stop();
        expect((await running.done).code).toBe(0);
        await expect(stat(file)).rejects.toThrow();
      } finally {
        process.env.PATH = path;
      }
    },
  );
});
