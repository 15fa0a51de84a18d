// `loom-llm replay` reading a transcript: every malformed line, whatever its shape, is a usage
// error (exit 2) naming the file, the line and what is wrong, never a crash (exit 1).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cli } from "./cli.fixture.js";

const dir = mkdtempSync(join(tmpdir(), "loom-transcript-"));

/** A well-formed exchange, as the recorder writes it. */
const exchange = () => ({
  request: {
    method: "POST",
    path: "/v1/chat/completions",
    headers: {},
    body: { model: "deepseek-chat", messages: [{ role: "user", content: "Hi?" }] },
  },
  response: {
    status: 200,
    headers: {},
    body: JSON.stringify({ choices: [{ message: { content: "Hello." } }] }),
  },
});

/** Replays a transcript whose second line is `line` (the first is a good exchange). */
async function replayWith(line: string, name = "t.jsonl") {
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(exchange())}\n${line}\n`);
  return { file, run: await cli(["replay", file, "--offline"]) };
}

/** `exchange()` with one field set to `value` (`undefined` deletes it). */
function withField(path: readonly (string | number)[], value: unknown): string {
  const entry: Record<string | number, unknown> = exchange();
  let at = entry;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return JSON.stringify(entry);
}

describe("replay: a malformed transcript line", () => {
  it.each([
    ["null", "null", "expected an exchange {request, response}, got null"],
    ["a number", "42", "expected an exchange {request, response}, got 42"],
    ["a string", '"hello"', "expected an exchange {request, response}, got a string"],
    ["an array", "[1, 2]", "expected an exchange {request, response}, got an array"],
    ["an empty object", "{}", "request: expected an object {path, body}, got nothing"],
    ["request null", '{"request": null}', "request: expected an object {path, body}, got null"],
    ["a path not a string", '{"request": {"path": 5}}', "request.path: expected a string, got 5"],
    [
      "no body",
      withField(["request", "body"], undefined),
      "request.body: expected a JSON object, got nothing",
    ],
    [
      "messages not a list",
      withField(["request", "body", "messages"], "Hi?"),
      "request.body.messages: expected an array, got a string",
    ],
    [
      "a null message",
      withField(["request", "body", "messages"], [null]),
      "request.body.messages[0]: expected a message object, got null",
    ],
    [
      "a message without a role",
      withField(["request", "body", "messages"], [{ content: "Hi?" }]),
      "request.body.messages[0].role: expected a string, got nothing",
    ],
    [
      "content neither text nor parts",
      withField(["request", "body", "messages"], [{ role: "user", content: 7 }]),
      "request.body.messages[0].content: expected a string or an array of parts, got 7",
    ],
    [
      "a content part that is not an object",
      withField(["request", "body", "messages"], [{ role: "user", content: [null] }]),
      "request.body.messages[0].content[0]: expected a content part object, got null",
    ],
    [
      "tool calls not a list",
      withField(["request", "body", "messages"], [{ role: "assistant", tool_calls: {} }]),
      "request.body.messages[0].tool_calls: expected an array, got an object",
    ],
    [
      "a null tool call",
      withField(["request", "body", "messages"], [{ role: "assistant", tool_calls: [null] }]),
      "request.body.messages[0].tool_calls[0]: expected a tool call object, got null",
    ],
    [
      "a tool call without a function",
      withField(["request", "body", "messages"], [{ role: "assistant", tool_calls: [{}] }]),
      "request.body.messages[0].tool_calls[0].function: expected an object {name, arguments}, got nothing",
    ],
    [
      "a tool call id not a string",
      withField(
        ["request", "body", "messages"],
        [{ role: "assistant", tool_calls: [{ id: 1, function: { name: "f" } }] }],
      ),
      "request.body.messages[0].tool_calls[0].id: expected a string, got 1",
    ],
    [
      "a model not a string",
      withField(["request", "body", "model"], ["m"]),
      "request.body.model: expected a string, got an array",
    ],
    ["no response", withField(["response"], undefined), "response: expected an object"],
    [
      "a response body not text",
      withField(["response", "body"], { choices: [] }),
      "response.body: expected a string, got an object",
    ],
    ["not JSON", "{request:", "not JSON"],
  ])("%s: exit 2, naming the file, the line and the fault", async (_, line, fault) => {
    const { file, run } = await replayWith(line);
    expect(run.stderr).toContain(`loom-llm: ${file}:2: ${fault}`);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.code).toBe(2);
  });

  it("lines replay does not need are still read: other endpoints, null fields, a query", async () => {
    const file = join(dir, "lenient.jsonl");
    const models = { ...exchange(), request: { ...exchange().request, path: "/v1/models" } };
    const azure = withField(["request", "path"], "/openai/chat/completions?api-version=1");
    const tools = withField(
      ["request", "body", "messages"],
      [
        { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image_url" }] },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", function: { name: "get", arguments: "{" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "rain" },
      ],
    );
    writeFileSync(file, [JSON.stringify(models), azure, tools, ""].join("\n"));
    const run = await cli(["replay", file, "--offline"]);
    expect(run.stderr).toMatch(/^2 turns replayed: /);
    expect(run.code).toBe(0);
  });

  it("any line at all: a usage error naming the file, or a replay; never a crash", async () => {
    const file = join(dir, "random.jsonl");
    const json = fc.jsonValue();
    const message = fc.record(
      {
        role: fc.oneof(fc.constantFrom("system", "user", "assistant", "tool"), json),
        content: fc.oneof(fc.string(), fc.array(fc.oneof(fc.record({ text: json }), json)), json),
        tool_calls: fc.oneof(
          fc.array(
            fc.oneof(
              fc.record(
                { id: json, function: fc.oneof(fc.record({ name: json, arguments: json }), json) },
                { requiredKeys: [] },
              ),
              json,
            ),
          ),
          json,
        ),
        tool_call_id: json,
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      json.map((value) => JSON.stringify(value)),
      fc.array(json).map((chunks) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("")),
      fc.string(),
    );
    const field = fc.constantFrom<(string | number)[]>(
      ["request"],
      ["request", "path"],
      ["request", "body"],
      ["request", "body", "model"],
      ["request", "body", "messages", 0],
      ["request", "body", "messages", 0, "role"],
      ["request", "body", "messages", 0, "content"],
      ["response"],
      ["response", "body"],
    );
    const line = fc.oneof(
      json.map((value) => JSON.stringify(value)),
      fc.tuple(field, json).map(([path, value]) => withField(path, value)),
      fc.array(message).map((messages) => withField(["request", "body", "messages"], messages)),
      body.map((text) => withField(["response", "body"], text)),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        writeFileSync(file, `${JSON.stringify(exchange())}\n${text}\n`);
        const run = await cli(["replay", file, "--offline"]);
        expect(run.stderr).not.toMatch(/TypeError|Cannot read|is not a function|is not iterable/);
        expect(run.code).not.toBe(1);
        if (run.code === 2) expect(run.stderr).toMatch(new RegExp(`^loom-llm: ${file}:2: `));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe("replay -", () => {
  it("reads the transcript from standard input, and names it <stdin> in errors", async () => {
    const run = await cli(["replay", "-", "--offline"], {
      stdin: `${JSON.stringify(exchange())}\n`,
    });
    expect(run.stdout).toContain("── turn 1 of 1 ──");
    expect(run.code).toBe(0);
    const bad = await cli(["replay", "-", "--offline"], { stdin: "null\n" });
    expect(bad.stderr).toBe(
      "loom-llm: <stdin>:1: expected an exchange {request, response}, got null\n",
    );
    expect(bad.code).toBe(2);
  });
});
