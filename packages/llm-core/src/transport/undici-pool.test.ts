import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { Pool } from "./undici-pool.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

describe("undici-pool", () => {
  it("imports the very Pool and request undici's entry point exports", () => {
    // The same module instances: an undici that moved or renamed these files fails here.
    const undici = require("undici") as typeof import("undici");
    expect(Pool).toBe(undici.Pool);
    expect(require("undici/lib/api/api-request.js")).toBe(undici.Dispatcher.prototype.request);
  });

  it("leaves undici's entry point unloaded when the built client is imported and made", async () => {
    // What an app's start pays: the built package (tests run after `pnpm build`), a client made.
    const dist = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
    const script = `
      import { createRequire } from "node:module";
      const { ChatClient } = await import(${JSON.stringify(dist)});
      const client = new ChatClient({}, { baseUrl: "http://127.0.0.1:9/v1", model: "m" });
      const loaded = Object.keys(createRequire(${JSON.stringify(dist)}).cache);
      await client.close();
      console.log(JSON.stringify({
        pool: loaded.some((f) => f.endsWith("/undici/lib/dispatcher/pool.js")),
        entry: loaded.some((f) => f.endsWith("/undici/index.js")),
      }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script]);
    expect(JSON.parse(stdout)).toEqual({ pool: true, entry: false });
  });
});
