import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeServer, type FakeServer } from "../fake-server/create-fake-server.js";
import { ECHO_ENCODINGS, undisguiseEcho } from "./echo-encoding.js";
import { hostile } from "./hostile.js";

let server: FakeServer;
beforeAll(async () => {
  server = await createFakeServer();
});
afterAll(() => server.close());

interface Raw {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: Buffer;
  error?: string;
  /** Milliseconds from the request to the last byte or the error. */
  ms: number;
}

/** One POST with Node's own client: the bytes as sent, and how the connection ended. */
function post(headers: Record<string, string> = {}): Promise<Raw> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const raw: Raw = { body: Buffer.alloc(0), ms: 0 };
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      raw.body = Buffer.concat(chunks);
      raw.ms = performance.now() - started;
      if (error !== undefined) raw.error = (error as NodeJS.ErrnoException).code ?? error.message;
      resolve(raw);
    };
    const req = request(
      `${server.baseUrl}/chat/completions`,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        if (res.statusCode !== undefined) raw.status = res.statusCode;
        raw.headers = res.headers;
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => finish());
        res.on("error", finish);
      },
    );
    req.on("error", finish);
    req.end("{}");
  });
}

describe("hostile replies", () => {
  it("echoHeaders: the request's headers, disguised as asked", async () => {
    const secret = "sk-echo-0123456789";
    server.enqueue(hostile.echoHeaders("json-unicode"));
    const unicode = await post({ authorization: `Bearer ${secret}` });
    expect(unicode.status).toBe(401);
    expect(unicode.body.toString()).not.toContain(secret);
    expect(JSON.parse(unicode.body.toString()).error.message).toContain(`Bearer ${secret}`);
    server.enqueue(hostile.echoHeaders("base64"));
    const base64 = await post({ authorization: `Bearer ${secret}` });
    const encoded = JSON.parse(base64.body.toString()).error.message.split(": ")[1];
    expect(Buffer.from(encoded, "base64").toString()).toContain(`authorization: Bearer ${secret}`);
  });

  it("undisguiseEcho: every encoding's echo back to its headers; text without an echo throws", async () => {
    // `+`, `/` and `=` change in every disguise, so none lets the key through as it is.
    const secret = "sk-echo+KEY/0123456789=abcdef";
    for (const encoding of ECHO_ENCODINGS) {
      server.enqueue(hostile.echoHeaders(encoding));
      const answer = await post({ authorization: `Bearer ${secret}` });
      const message: string = JSON.parse(answer.body.toString()).error.message;
      // json-unicode's disguise is in the JSON's escapes, undone by parsing it.
      if (encoding !== "raw" && encoding !== "json-unicode") expect(message).not.toContain(secret);
      expect(undisguiseEcho(message, encoding)).toContain(`authorization: Bearer ${secret}`);
    }
    expect(() => undisguiseEcho("no echo here", "hex")).toThrow("not a hostile echo");
  });

  it("bomStream: begins with EF BB BF", async () => {
    server.enqueue(hostile.bomStream(["a"]));
    const raw = await post();
    expect([...raw.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.body.toString()).toContain("data: [DONE]");
  });

  it("endlessStream: keeps sending until its bound", async () => {
    server.enqueue(hostile.endlessStream({ everyMs: 5, forMs: 200 }));
    const raw = await post();
    expect(raw.ms).toBeGreaterThanOrEqual(190);
    // Several events, not one per 5 ms: a loaded machine fires the timer far less often.
    expect(raw.body.toString().split("data: ").length).toBeGreaterThan(3);
  });

  it("hugeLine: one line of the given size, without a line break", async () => {
    server.enqueue(hostile.hugeLine(100_000));
    const raw = await post();
    expect(raw.body.length).toBe(100_000);
    expect(raw.body.includes(0x0a)).toBe(false);
  });

  it("resetAfterHeaders: the status line arrives, then the connection is reset", async () => {
    server.enqueue(hostile.resetAfterHeaders({ how: "rst", after: "role" }));
    const raw = await post();
    expect(raw.status).toBe(200);
    expect(raw.error).toMatch(/ECONNRESET|aborted/);
  });

  it("dripBody: a byte at a time", async () => {
    server.enqueue(hostile.dripBody({ everyMs: 1, bytesPerWrite: 10 }));
    const raw = await post();
    expect(JSON.parse(raw.body.toString()).choices[0].message.content).toBe("slow");
  });

  it("gzippedBody: a gzip body nobody asked for", async () => {
    server.enqueue(hostile.gzippedBody("zipped"));
    const raw = await post();
    expect(raw.headers?.["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(raw.body).toString()).choices[0].message.content).toBe("zipped");
  });
});
