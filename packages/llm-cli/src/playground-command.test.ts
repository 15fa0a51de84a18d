// `loom-llm playground` as a user runs it: the address printed, the page served with its token,
// `--offline` answering every contender, Ctrl-C ending it with status 0 and its port closed.
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

describe("loom-llm playground", () => {
  it("prints its address, serves the page and offline runs, and stops on Ctrl-C", async () => {
    const stop = new AbortController();
    let printed: (url: string) => void = () => {};
    const address = new Promise<string>((resolve) => {
      printed = resolve;
    });
    const done = cli(["playground", "--offline"], {
      signal: stop.signal,
      onOutput: (stdout) => {
        const url = /^http:\/\/\S+/m.exec(stdout)?.[0];
        if (url !== undefined) printed(url);
      },
    });
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
    stop.abort();
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(stderr).toContain("Ctrl-C to stop");
    await expect(fetch(url)).rejects.toThrow();
  });

  it("says which port is taken, as a usage error", async () => {
    const first = new AbortController();
    let printed: (url: string) => void = () => {};
    const address = new Promise<string>((resolve) => {
      printed = resolve;
    });
    const running = cli(["playground"], {
      signal: first.signal,
      onOutput: (stdout) => {
        const url = /^http:\/\/\S+/m.exec(stdout)?.[0];
        if (url !== undefined) printed(url);
      },
    });
    const port = new URL(await address).port;
    const second = await cli(["playground", "--port", port]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`--port ${port}: already in use`);
    first.abort();
    expect((await running).code).toBe(0);
    expect((await cli(["playground", "--port", "http"])).stderr).toContain("--port must be");
  });
});
