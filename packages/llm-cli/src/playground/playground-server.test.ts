// The playground's server over real HTTP on loopback: who may talk to it, what bad input gets,
// runs streamed from real fake servers, and keys never reaching the page.
import { readFile, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { type FakeServer, providerStream, textStream } from "@loom/llm-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCliArgs } from "../cli-args.js";
import { parseTranscript } from "../recorded-turns.js";
import { type EchoPlayground, startEchoPlayground } from "./echo-playground.fixture.js";
import { type Playground, startPlayground } from "./playground-server.js";
import type { PlaygroundEvent } from "./run-contenders.js";

const KEY = "sk-playground-SECRET-0123456789abcdef";
const ENV_KEY = "sk-env-OTHER-SECRET-9876543210fedcba";
/** A gateway's credential in a header whose name says nothing of it. */
const GATEWAY_KEY = "sk-helicone-7Hq2xLp9Vd3Rk8Wm";

let echo: EchoPlayground | undefined;
let fake: FakeServer;
let dir: string;
let playground: Playground;
let token: string;
let history: string;

beforeAll(async () => {
  echo = await startEchoPlayground({
    // Echoes the request's Authorization header into its answer, a word at a time: a hostile
    // server handing the key back.
    reply: (request) => {
      const auth = String(request.headers.authorization ?? "none");
      const gateway = String(request.headers["helicone-auth"] ?? "");
      // The gateway's credential split across two pieces: masked only as a stream is.
      const half = Math.floor(gateway.length / 2);
      return textStream(
        [
          "You ",
          "sent ",
          auth,
          ` ${gateway.slice(0, half)}`,
          gateway.slice(half),
          " and ",
          "more ",
          "words.",
        ],
        {
          delayMs: 20,
          model: "fake-model",
        },
      );
    },
    env: { ECHO_KEY: KEY, OPENAI_API_KEY: ENV_KEY },
    tomlExtra: `headers = { "Helicone-Auth" = "Bearer ${GATEWAY_KEY}" }\n`,
  });
  ({ fake, dir, playground, history } = echo);
  token = new URL(playground.url).searchParams.get("token") ?? "";
});

afterAll(() => echo?.close());

/** A raw HTTP request to the playground: any Host, any headers. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: playground.port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const authed = (extra: Record<string, string> = {}) => ({ "x-loom-token": token, ...extra });

/** Posts a run and reads its events to the end. */
async function runEvents(body: unknown): Promise<PlaygroundEvent[]> {
  const res = await raw("/api/run", {
    method: "POST",
    headers: authed({ "content-type": "application/json" }),
    body: JSON.stringify(body),
  });
  expect(res.status, res.text).toBe(200);
  return res.text
    .split("\n\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as PlaygroundEvent);
}

describe("loom-llm playground's server", () => {
  it("listens on 127.0.0.1 and prints an address with a long random token", () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it("serves the page with the token, under a CSP allowing only its own inline script", async () => {
    const page = await raw(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    const csp = String(page.headers["content-security-policy"]);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(page.text).toContain(`<script type="module" nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.headers["access-control-allow-origin"]).toBeUndefined();
    expect(page.text).not.toContain(KEY);
  });

  it("refuses a request without the token, or with a wrong one (401)", async () => {
    expect((await raw("/")).status).toBe(401);
    // The query's token opens the page alone: the API takes it in its header only.
    expect((await raw(`/api/providers?token=${token}`)).status).toBe(401);
    const queried = await raw(`/api/run?token=${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hi", contenders: [{ provider: "echo" }] }),
    });
    expect(queried.status).toBe(401);
    expect((await raw(`/?token=${token.slice(1)}x`)).status).toBe(401);
    expect((await raw("/api/providers", { headers: { "x-loom-token": "nope" } })).status).toBe(401);
  });

  it("refuses a foreign Host (DNS rebinding) and a foreign Origin (403), token or not", async () => {
    const rebound = await raw(`/?token=${token}`, {
      headers: { host: `attacker.example:${playground.port}` },
    });
    expect(rebound.status).toBe(403);
    const foreign = await raw("/api/run", {
      method: "POST",
      headers: authed({ origin: "http://attacker.example", "content-type": "application/json" }),
      body: "{}",
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    const own = await raw("/api/providers", {
      headers: authed({ origin: `http://localhost:${playground.port}` }),
    });
    expect(own.status).toBe(200);
  });

  it("lists the providers with whether their key is set, never a key or its ends", async () => {
    const res = await raw("/api/providers", { headers: authed() });
    const { providers } = JSON.parse(res.text) as {
      providers: { name: string; key: string; model: string }[];
    };
    expect(providers.find((p) => p.name === "echo")).toMatchObject({
      key: "set",
      model: "echo-model",
    });
    expect(providers.find((p) => p.name === "openai")?.key).toBe("set");
    for (const secret of [KEY, ENV_KEY]) {
      expect(res.text).not.toContain(secret);
      expect(res.text).not.toContain(secret.slice(-4));
    }
  });

  it("a request target that is not a path is a 400, not a 500; an odd path is refused as any", async () => {
    expect((await raw("*")).status).toBe(400);
    expect((await raw("//")).status).toBe(401);
    expect((await raw("//", { headers: authed() })).status).toBe(404);
  });

  it("answers bad input with a clear 4xx, and keeps serving", async () => {
    const post = (body: string, type = "application/json") =>
      raw("/api/run", { method: "POST", headers: authed({ "content-type": type }), body });
    const cases: [string, number, RegExp][] = [
      ["{not json", 400, /not JSON/],
      ["[]", 400, /must be an object/],
      [JSON.stringify({ prompt: "hi" }), 400, /add at least one/],
      [JSON.stringify({ prompt: " ", contenders: [{ provider: "echo" }] }), 400, /prompt/],
      [
        JSON.stringify({ prompt: "hi", contenders: [{ provider: "echo", baseUrl: "http://x" }] }),
        400,
        /not both/,
      ],
      [
        JSON.stringify({ prompt: "hi {{who}}", contenders: [{ provider: "echo" }] }),
        400,
        /no value for \{\{who\}\}/,
      ],
      [
        JSON.stringify({ prompt: "hi", contenders: Array(9).fill({ provider: "echo" }) }),
        400,
        /at most 8/,
      ],
      [
        JSON.stringify({ prompt: "hi", contenders: [{ provider: "echo", temperature: "hot" }] }),
        400,
        /temperature: must be a number/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      expect(res.status, body).toBe(status);
      expect(JSON.parse(res.text).error, body).toMatch(message);
    }
    expect((await post("{}", "text/plain")).status).toBe(400);
    expect((await post("{}", "application/json-patch+json")).status).toBe(400);
    // The body's bound holds for the prompt its variables expand to.
    const expanding = await post(
      JSON.stringify({
        prompt: "{{x}}".repeat(300),
        variables: { x: "a".repeat(5_000) },
        contenders: [{ provider: "echo" }],
      }),
    );
    expect(expanding.status).toBe(400);
    expect(JSON.parse(expanding.text).error).toMatch(/variables filled, are longer than 1 MB/);
    const huge = await post(JSON.stringify({ prompt: "x".repeat(1_100_000), contenders: [] }));
    expect(huge.status).toBe(413);
    expect((await raw("/api/providers", { headers: authed() })).status).toBe(200);
    expect((await raw("/nothing", { headers: authed() })).status).toBe(404);
  });

  it("runs contenders at once, streamed, with timings, tokens and cost (or null, unknown)", async () => {
    const events = await runEvents({
      system: "Be {{tone}}.",
      prompt: "Say hi to {{who}}",
      variables: { tone: "brief", who: "Ada" },
      contenders: [{ provider: "echo" }, { baseUrl: fake.baseUrl, model: "other" }],
    });
    expect(events.at(-1)).toMatchObject({ type: "end", run: expect.any(Number) });
    for (const contender of [0, 1]) {
      const texts = events.filter((e) => e.type === "text" && e.contender === contender);
      expect(texts.length).toBeGreaterThan(3);
      const done = events.find((e) => e.type === "done" && e.contender === contender);
      expect(done).toMatchObject({ type: "done", finishReason: "stop", costUsd: null });
      if (done?.type !== "done") throw new Error("no done event");
      expect(done.ttftMs).toBeGreaterThan(0);
      expect(done.totalMs).toBeGreaterThanOrEqual(done.ttftMs ?? 0);
      expect(done.completionTokens).toBeGreaterThan(0);
    }
    const asked = fake.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(asked.messages.map((m) => m.content)).toEqual(["Be brief.", "Say hi to Ada"]);
  });

  it("never hands the page a key, even when a server echoes it into the answer", async () => {
    const events = await runEvents({ prompt: "hi", contenders: [{ provider: "echo" }] });
    const text = JSON.stringify(events);
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests.at(-1)?.headers["helicone-auth"]).toBe(`Bearer ${GATEWAY_KEY}`);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(ENV_KEY);
    expect(text).not.toContain(GATEWAY_KEY);
    // Nor any of its halves, joined as the page joins the pieces.
    const joined = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
    expect(joined).not.toContain(GATEWAY_KEY.slice(-8));
    expect(joined).toMatch(/^You sent .* and more words\.$/);
    // The base URL contender was asked without any key.
    await runEvents({ prompt: "hi", contenders: [{ baseUrl: fake.baseUrl }] });
    expect(fake.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("a contender that fails is its own error; the others answer", async () => {
    const events = await runEvents({
      prompt: "hi",
      contenders: [{ provider: "no-such-provider" }, { provider: "echo" }],
    });
    const failed = events.find((e) => e.type === "error");
    expect(failed).toMatchObject({ contender: 0 });
    expect(events.some((e) => e.type === "done" && e.contender === 1)).toBe(true);
  });

  it("stopping a run (the page drops the request) cuts every stream at the servers", async () => {
    fake.reset();
    const body = JSON.stringify({
      prompt: "hi",
      contenders: [{ provider: "echo" }, { baseUrl: fake.baseUrl }],
    });
    const firstText = await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: playground.port,
          path: "/api/run",
          method: "POST",
          headers: authed({ "content-type": "application/json" }),
        },
        (res) => {
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (chunk.includes('"type":"text"')) {
              req.destroy();
              resolve();
            }
          });
          res.on("error", () => {});
        },
      );
      req.on("error", () => {});
      req.end(body);
      setTimeout(() => reject(new Error("no text within 5 s")), 5_000);
    });
    await firstText;
    await expect.poll(() => fake.openConnections, { timeout: 5_000 }).toBe(0);
    expect(fake.requests.length).toBe(2);
  });

  it("keeps every answer in the history file, which replay reads, with no key in it", async () => {
    const before = (await readFile(history, "utf8").catch(() => "")).split("\n").length;
    await runEvents({ prompt: "for the record", contenders: [{ provider: "echo" }] });
    const text = await readFile(history, "utf8");
    const lines = text.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(before);
    const last = JSON.parse(lines.at(-1) ?? "{}") as {
      playground: { run: number; contender: string; costUsd: number | null };
    };
    expect(last.playground).toMatchObject({ contender: "echo", costUsd: null });
    const turns = parseTranscript(text, history);
    expect(turns.at(-1)?.messages.at(-1)?.content).toBe("for the record");
    expect(turns.at(-1)?.answer).toContain("You sent");
    expect(text).not.toContain(KEY);
  });

  it("exports the prompt and contenders as loom.toml tables and a TypeScript program", async () => {
    const res = await raw("/api/export", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({
        system: "Be brief.",
        prompt: "Name {{thing}}",
        variables: { thing: "a colour" },
        contenders: [
          { provider: "echo", temperature: 0.2 },
          { provider: "echo", model: "other-model" },
          { baseUrl: fake.baseUrl, model: "m", maxTokens: 64 },
        ],
      }),
    });
    expect(res.status, res.text).toBe(200);
    const { toml, typescript } = JSON.parse(res.text) as { toml: string; typescript: string };
    // The tables load as a project config: each contender a provider of its own.
    const { parseProjectConfig } = await import("@loom/llm-providers");
    const project = parseProjectConfig(toml);
    // A bare server's table is named after its host, never after a preset (whose key it gets).
    const host = `url-${new URL(fake.baseUrl).host.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
    expect(Object.keys(project.llm)).toEqual(["echo", "echo-2", host]);
    expect(project.llm.echo).toMatchObject({
      baseUrl: fake.baseUrl,
      model: "echo-model",
      apiKeyEnv: "ECHO_KEY",
      temperature: 0.2,
    });
    expect(project.llm["echo-2"]?.model).toBe("other-model");
    expect(project.llm[host]).toMatchObject({ baseUrl: fake.baseUrl, model: "m", maxTokens: 64 });
    expect(typescript).toContain('"content": "Name a colour"');
    expect(typescript).toContain(`["echo","echo-2","${host}"]`);
    expect(res.text).not.toContain(KEY);
  });

  it("diffs two answers word by word", async () => {
    const res = await raw("/api/diff", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ before: "a red fox", after: "a blue fox" }),
    });
    expect(JSON.parse(res.text)).toEqual({
      parts: [
        { kind: "same", text: "a " },
        { kind: "removed", text: "red " },
        { kind: "added", text: "blue " },
        { kind: "same", text: "fox" },
      ],
    });
    const bad = await raw("/api/diff", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ before: 1 }),
    });
    expect(bad.status).toBe(400);
  });

  it("reads a recorded transcript into turns, and asks a turn's messages again", async () => {
    const text = await readFile(history, "utf8");
    const res = await raw("/api/transcript", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ name: "history.jsonl", text }),
    });
    expect(res.status, res.text).toBe(200);
    const { turns } = JSON.parse(res.text) as {
      turns: { messages: { role: string; content: string }[]; answer: string }[];
    };
    expect(turns.length).toBeGreaterThan(0);
    expect(res.text).not.toContain(KEY);
    const events = await runEvents({
      messages: turns[0]?.messages,
      contenders: [{ provider: "echo" }],
    });
    expect(events.some((e) => e.type === "done")).toBe(true);
    const bad = await raw("/api/transcript", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ name: "t.jsonl", text: "not json\n" }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/^t\.jsonl:1: not JSON/);
  });

  it("offers tools and asks for a schema: tool calls and the parsed answer shown, a bad answer its error", async () => {
    fake.when({ model: "json-answer" }, textStream(['{"colour": ', '"red"}']));
    fake.when(
      { model: "tool-answer" },
      providerStream("openai", {
        toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
      }),
    );
    const schema = {
      type: "object",
      properties: { colour: { type: "string" } },
      required: ["colour"],
    };
    const structured = await runEvents({
      prompt: "a colour",
      responseSchema: schema,
      contenders: [
        { baseUrl: fake.baseUrl, model: "json-answer" },
        { baseUrl: fake.baseUrl, model: "words" },
      ],
    });
    expect(structured.find((e) => e.type === "done" && e.contender === 0)).toMatchObject({
      parsed: { colour: "red" },
    });
    // Words are not the JSON asked for: the contender's error says so, inline.
    const failed = structured.find((e) => e.type === "error" && e.contender === 1);
    expect(failed).toMatchObject({
      message: expect.stringMatching(/InvalidResponseError.*not JSON/),
    });
    const tools = [
      {
        name: "get_weather",
        description: "The weather in a city",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    ];
    const called = await runEvents({
      prompt: "weather?",
      tools,
      contenders: [{ baseUrl: fake.baseUrl, model: "tool-answer" }],
    });
    expect(called.find((e) => e.type === "done")).toMatchObject({
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
      parsed: null,
    });
    const sent = fake.requests.at(-1)?.body as { tools?: { function: { name: string } }[] };
    expect(sent.tools?.map((t) => t.function.name)).toEqual(["get_weather"]);
    const bad = await raw("/api/run", {
      method: "POST",
      headers: authed({ "content-type": "application/json" }),
      body: JSON.stringify({ prompt: "x", tools: [{}], contenders: [{ provider: "echo" }] }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/tools\.0\.name/);
  });

  it("refuses a schema with a regular expression (a slow one stalls the server), not a property named so", async () => {
    const post = (responseSchema: unknown) =>
      raw("/api/run", {
        method: "POST",
        headers: authed({ "content-type": "application/json" }),
        body: JSON.stringify({ prompt: "x", responseSchema, contenders: [{ provider: "echo" }] }),
      });
    const slow = await post({ type: "string", pattern: "^(a+)+$" });
    expect(slow.status).toBe(400);
    expect(JSON.parse(slow.text).error).toMatch(/responseSchema\.pattern: regular expressions/);
    const nested = await post({
      type: "object",
      properties: { a: { type: "object", patternProperties: { "^x": {} } } },
    });
    expect(JSON.parse(nested.text).error).toMatch(/properties\.a\.patternProperties/);
    // A property named "pattern" is a name, not the keyword.
    const named = await post({ type: "object", properties: { pattern: { type: "string" } } });
    expect(named.status).toBe(200);
  });

  it("masks a key added to loom.toml after the start, as the runs read it again", async () => {
    const late = "late-gateway-SECRET-4f7Kq9Zx2";
    const config = join(dir, "loom.toml");
    await writeFile(
      config,
      `${await readFile(config, "utf8")}\n[llm.late]\nbase_url = "${fake.baseUrl}"\nmodel = "late-model"\nheaders = { "Helicone-Auth" = "${late}" }\n`,
    );
    const events = await runEvents({ prompt: "hi", contenders: [{ provider: "late" }] });
    expect(fake.requests.at(-1)?.headers["helicone-auth"]).toBe(late);
    expect(events.some((e) => e.type === "done")).toBe(true);
    expect(JSON.stringify(events)).not.toContain(late);
    expect(await readFile(history, "utf8")).not.toContain(late);
  });

  it("keeps a conversation's tool calls in the history, as replay reads them", async () => {
    await runEvents({
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: "call_7", name: "get_weather", arguments: { city: "Rome" } }],
        },
        { role: "tool", toolCallId: "call_7", content: "sunny" },
        { role: "user", content: "thanks" },
      ],
      contenders: [{ provider: "echo" }],
    });
    const turns = parseTranscript(await readFile(history, "utf8"), history);
    expect(turns.at(-1)?.messages).toMatchObject([
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        toolCalls: [{ id: "call_7", name: "get_weather", arguments: { city: "Rome" } }],
      },
      { role: "tool", toolCallId: "call_7", content: "sunny" },
      { role: "user", content: "thanks" },
    ]);
  });

  it("export: an unknown provider is a 400; input nested too deep a 400, not a 500", async () => {
    const post = (body: unknown) =>
      raw("/api/export", {
        method: "POST",
        headers: authed({ "content-type": "application/json" }),
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const unknown = await post({ prompt: "x", contenders: [{ provider: "nosuch" }] });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).error).toMatch(/no provider named "nosuch"/);
    const deep = `{"messages":[{"role":"user","content":${"[".repeat(100_000)}${"]".repeat(100_000)}}],"contenders":[{"provider":"echo"}]}`;
    const nested = await post(deep);
    expect(nested.status).toBe(400);
    expect((await raw("/api/providers", { headers: authed() })).status).toBe(200);
  });
});

describe("the playground's history file", () => {
  /** An offline playground saving to `historyPath`, its warnings, and a run of `contenders`. */
  async function offline(historyPath: string) {
    const warnings: string[] = [];
    const playground = await startPlayground({
      args: parseCliArgs(["playground", "--offline"]),
      env: {},
      historyPath,
      onWarning: (message) => warnings.push(message),
    });
    const own = new URL(playground.url).searchParams.get("token") ?? "";
    const run = async (contenders: number) => {
      const res = await fetch(new URL("/api/run", playground.url), {
        method: "POST",
        headers: { "content-type": "application/json", "x-loom-token": own },
        body: JSON.stringify({
          prompt: "hi",
          contenders: Array(contenders).fill({ provider: "local" }),
        }),
      });
      expect(await res.text()).toContain('"type":"end"');
    };
    return { playground, warnings, run };
  }

  it("cut short (no line break at its end): the next run is a line of its own, numbered on from the file's last", async () => {
    const file = join(dir, "cut.jsonl");
    await writeFile(file, '{"playground":{"run":7}}\n{"playground":{"run":9}}\n{"partial":');
    const { playground: again, warnings, run } = await offline(file);
    try {
      await run(1);
    } finally {
      await again.close();
    }
    const lines = (await readFile(file, "utf8")).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe('{"partial":');
    expect(JSON.parse(lines[3] ?? "")).toMatchObject({ playground: { run: 10 } });
    expect(lines[4]).toBe("");
    expect(warnings).toEqual([]);
  });

  it("a folder, or in a folder that does not exist: said when the playground starts", async () => {
    for (const path of [dir, join(dir, "no", "such", "runs.jsonl")]) {
      const { playground: started, warnings } = await offline(path);
      await started.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot be written/);
    }
  });

  it("that cannot be written: said once, and the runs go on", async () => {
    // A folder: every append fails.
    const { playground: broken, warnings, run } = await offline(dir);
    try {
      for (let i = 0; i < 2; i++) await run(3);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot be written/);
    } finally {
      await broken.close();
    }
  });
});
