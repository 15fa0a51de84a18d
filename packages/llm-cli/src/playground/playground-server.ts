import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProjectConfig } from "@loom/llm-providers";
import type { ChatRequest, Message, TextMasking } from "@loom/llm-types";
import { CREDENTIAL_HEADER, isStackOverflow, Redactor } from "@loom/llm-utils";
import type { CliArgs } from "../cli-args.js";
import { CliError } from "../exit-codes.js";
import { playgroundPage } from "../playground-page.js";
import { providerEntries } from "../providers-command.js";
import { parseTranscript } from "../recorded-turns.js";
import { cliProjectConfig } from "../resolve-cli-provider.js";
import { fillTemplate } from "../template-variables.js";
import { wordDiff } from "../word-diff.js";
import { exportSnippets } from "./export-snippets.js";
import { RequestGuard } from "./request-guard.js";
import { type PlaygroundEvent, runContenders } from "./run-contenders.js";
import { RunHistory } from "./run-history.js";
import { PlaygroundInputError, parseRunRequest, type RunRequest } from "./run-request.js";

/** The largest request body the page may send (a prompt, its variables, the contenders). */
export const MAX_BODY_BYTES: number = 1024 * 1024;

/** A running playground. */
export interface Playground {
  /** The page's address, token included: what `loom-llm playground` prints. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What the playground serves with: the command line's options and the process's environment. */
export interface PlaygroundOptions {
  args: CliArgs;
  env: NodeJS.ProcessEnv;
  /** 0 (the default): a free port. */
  port?: number | undefined;
  /** The JSON Lines file each answer is appended to (`replay` reads it); none when not given. */
  historyPath?: string | undefined;
  /** Said when something goes wrong that does not stop the playground (the history file). */
  onWarning?: ((message: string) => void) | undefined;
}

/** Headers on every answer: nothing cached, sniffed, framed or referred (the URL holds the token). */
const SAFE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
} as const;

/**
 * Starts the playground's server on 127.0.0.1: the page, the providers it may pick, and runs
 * streamed to it as server-sent events. Keys stay here: the page is told whether a provider's
 * key is set, never the key, and everything sent to it is masked with every key this process
 * holds (its environment's and loom.toml's). See `RequestGuard` for who may talk to it.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { args, env } = options;
  const token = randomBytes(24).toString("base64url");
  const runs = new Set<AbortController>();
  const history = new RunHistory(options.historyPath, options.onWarning ?? (() => {}));
  await history.open();
  let masking: { secrets: string; redactor: Redactor } | undefined;
  /**
   * What masks what the page gets, from the keys as they are now: loom.toml is read again by
   * every run, so a key or header added to it since the start is masked too.
   */
  function redactorNow(project = projectOf(args)): Redactor {
    const secrets = knownSecrets(project, env);
    const joined = secrets.join("\0");
    if (masking?.secrets !== joined) masking = { secrets: joined, redactor: new Redactor(secrets) };
    return masking.redactor;
  }
  let guard: RequestGuard | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Whatever went wrong, the page gets an answer and the server goes on: input nested
      // deeper than the stack goes is the page's to fix, anything else the server's.
      if (res.headersSent) res.destroy();
      else if (isStackOverflow(error))
        send(res, 400, { error: "the request is nested too deeply to read" });
      else send(res, 500, { error: redactorNow().redact(String(error)) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target is a path: anything else (`//`, `*`, an absolute URL) is no route here.
    const target = req.url ?? "/";
    if (!target.startsWith("/") || !URL.canParse(`http://127.0.0.1${target}`))
      return send(res, 400, { error: "the request target is not a path" });
    const url = new URL(`http://127.0.0.1${target}`);
    const refusal = guard?.check(req, url);
    if (refusal !== undefined) return send(res, refusal.status, { error: refusal.message });
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /") {
      const nonce = randomBytes(16).toString("base64");
      res.writeHead(200, {
        ...SAFE_HEADERS,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      });
      res.end(playgroundPage(nonce));
      return;
    }
    if (route === "GET /api/providers") {
      const providers = providerEntries(args, env).map((entry) => ({
        name: entry.name,
        model: entry.model,
        baseUrl: entry.baseUrl,
        source: entry.source,
        // Whether a key is set, never the key (not even its masked ends).
        key: entry.key.state,
        keyEnv: entry.key.env ?? null,
      }));
      return send(res, 200, redactorNow().redactValue({ providers, offline: args.offline }));
    }
    if (route === "POST /api/run") return run(req, res);
    if (route === "POST /api/export") return exported(req, res);
    if (route === "POST /api/diff") return diff(req, res);
    if (route === "POST /api/transcript") return transcript(req, res);
    if (url.pathname === "/" || url.pathname.startsWith("/api/"))
      return send(res, 405, { error: `${req.method} is not allowed here` });
    return send(res, 404, { error: `nothing at ${url.pathname}` });
  }

  /** The body of a request, checked by `parse`; else the page is answered (4xx) and `undefined`. */
  async function input<T>(
    req: IncomingMessage,
    res: ServerResponse,
    parse: (body: unknown) => T,
  ): Promise<T | undefined> {
    try {
      if (!/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? ""))
        throw new PlaygroundInputError("send it as application/json");
      return parse(await readJson(req));
    } catch (error) {
      // The rest of the body is not read: the connection is closed after the answer.
      if (error instanceof BodyTooLarge) send(res, 413, { error: error.message }, true);
      else if (error instanceof PlaygroundInputError) send(res, 400, { error: error.message });
      else throw error;
      return undefined;
    }
  }

  /** A run's request and its messages, `{{variables}}` filled. */
  function runInput(body: unknown): { request: RunRequest; messages: Message[] } {
    const request = parseRunRequest(body);
    const messages =
      request.messages ?? runMessages(request.system, request.prompt, request.variables);
    return { request, messages };
  }

  async function transcript(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = await input(req, res, (body) => {
      const { text, name } = (body ?? {}) as { text?: unknown; name?: unknown };
      if (typeof text !== "string")
        throw new PlaygroundInputError("a transcript is the text of a JSON Lines file");
      try {
        return parseTranscript(text, typeof name === "string" ? name : "transcript");
      } catch (error) {
        // Where the file is wrong (its line and field), as `loom-llm replay` says it.
        if (error instanceof CliError) throw new PlaygroundInputError(error.message);
        throw error;
      }
    });
    if (given === undefined) return;
    const turns = given.map((turn) => ({
      messages: turn.messages,
      model: turn.model,
      answer: turn.answer,
      usage: turn.usage ?? null,
    }));
    send(res, 200, redactorNow().redactValue({ turns }));
  }

  async function exported(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const project = projectOf(args);
    // Inside `input`: an export the page cannot have (an unknown provider) is its 400 too.
    const snippets = await input(req, res, (body) => {
      const { request, messages } = runInput(body);
      return exportSnippets(messages, request, project);
    });
    if (snippets !== undefined) send(res, 200, redactorNow(project).redactValue(snippets));
  }

  async function diff(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = await input(req, res, (body) => {
      const { before, after } = (body ?? {}) as { before?: unknown; after?: unknown };
      if (typeof before !== "string" || typeof after !== "string")
        throw new PlaygroundInputError("a diff takes two texts, before and after");
      return { before, after };
    });
    if (given === undefined) return;
    send(res, 200, { parts: wordDiff(given.before, given.after) });
  }

  async function run(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = await input(req, res, runInput);
    if (given === undefined) return;
    const { request, messages } = given;
    const redactor = redactorNow();
    const number = history.nextRun();
    const labels = new Map<number, string>();
    const saved: Promise<void>[] = [];
    const stop = new AbortController();
    runs.add(stop);
    // The page stopped the run (or went away): every stream of it is cut.
    res.on("close", () => stop.abort(new Error("stopped from the page")));
    res.writeHead(200, {
      ...SAFE_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
    });
    res.flushHeaders();
    // Each contender's text is masked as a stream: a secret split across two pieces is masked
    // too (an end that could begin one is held until the next piece says), not piece by piece.
    const maskings = new Map<number, TextMasking>();
    const write = (event: PlaygroundEvent): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`data: ${JSON.stringify(redactor.redactValue(event))}\n\n`);
    };
    const emit = (event: PlaygroundEvent): void => {
      if (event.type === "start") labels.set(event.contender, event.label);
      if (event.type === "text") {
        let masking = maskings.get(event.contender);
        if (masking === undefined) {
          masking = redactor.streaming();
          maskings.set(event.contender, masking);
        }
        const text = masking.push(event.text);
        if (text !== "") write({ ...event, text });
        return;
      }
      if (event.type === "done" || event.type === "error") {
        // What was held back goes out before the contender's end.
        const held = maskings.get(event.contender)?.end() ?? "";
        maskings.delete(event.contender);
        if (held !== "") write({ type: "text", contender: event.contender, text: held });
      }
      if (event.type === "done")
        saved.push(
          history.record(number, labels.get(event.contender) ?? "", messages, event, redactor),
        );
      write(event);
    };
    try {
      emit({ type: "run", run: number });
      const extra: Pick<ChatRequest, "tools" | "responseFormat"> = {};
      if (request.tools !== undefined) extra.tools = request.tools;
      if (request.responseSchema !== undefined)
        extra.responseFormat = {
          type: "json_schema",
          name: "answer",
          schema: request.responseSchema,
        };
      await runContenders(args, env, messages, request.contenders, extra, stop.signal, emit);
      // The history holds the run before the page hears it ended.
      await Promise.all(saved);
      emit({ type: "end", run: number });
    } finally {
      runs.delete(stop);
      res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  guard = new RequestGuard(token, port);
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: async () => {
      for (const stop of runs) stop.abort(new Error("the playground was closed"));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The run's messages: the system message and the prompt, their `{{variables}}` filled. */
function runMessages(
  system: string | undefined,
  prompt: string,
  variables: Record<string, string>,
): Message[] {
  const filledSystem = system === undefined ? undefined : fillTemplate(system, variables);
  const filledPrompt = fillTemplate(prompt, variables);
  // The body's bound holds for what its variables expand to: `{{x}}` a thousand times over a
  // long value is sent to every contender.
  if ((filledSystem?.text.length ?? 0) + filledPrompt.text.length > MAX_BODY_BYTES)
    throw new PlaygroundInputError(
      `the prompt and system message, their variables filled, are longer than ${MAX_BODY_BYTES / 1024 / 1024} MB: use shorter values or fewer {{variables}}`,
    );
  const missing = [...new Set([...(filledSystem?.missing ?? []), ...filledPrompt.missing])];
  if (missing.length > 0)
    throw new PlaygroundInputError(
      `no value for ${missing.map((name) => `{{${name}}}`).join(", ")}: fill it in the variables table`,
    );
  const messages: Message[] = [];
  if (filledSystem !== undefined) messages.push({ role: "system", content: filledSystem.text });
  messages.push({ role: "user", content: filledPrompt.text });
  return messages;
}

/**
 * Every key this process holds: environment variables named as credentials, loom.toml's keys
 * and header values.
 */
function knownSecrets(project: ProjectConfig | undefined, env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && CREDENTIAL_HEADER.test(name)) secrets.push(value);
  for (const table of Object.values(project?.llm ?? {})) {
    if (table.apiKey !== undefined) secrets.push(table.apiKey);
    // A gateway's credential may come in a header of any name (`Helicone-Auth`): every header
    // value of loom.toml counts as a secret for the page.
    for (const value of Object.values(table.headers ?? {})) secrets.push(value);
  }
  return secrets;
}

/** The project's loom.toml, or none: one that does not load is reported when a run uses it. */
function projectOf(args: CliArgs): ProjectConfig | undefined {
  try {
    return cliProjectConfig(args);
  } catch {
    return undefined;
  }
}

class BodyTooLarge extends Error {}

/** The request's body as JSON, at most `MAX_BODY_BYTES`. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new PlaygroundInputError("the request is not JSON");
  }
}

function tooLarge(): BodyTooLarge {
  return new BodyTooLarge(
    `the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB: shorten the prompt or its variables`,
  );
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SAFE_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(text);
}
