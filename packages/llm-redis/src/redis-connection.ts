import { createHash } from "node:crypto";
import { ConfigError, ConnectionError, type LLMLogger } from "@loom/llm-types";
import { redactUrl, showGot } from "@loom/llm-utils";
import { createClient, ErrorReply, type RedisClientType } from "redis";
import { RedisScriptError } from "./redis-script-error.js";

/** How the shared limits reach Redis. */
export interface RedisConnectionOptions {
  /** `redis://host:port` (or `rediss://` for TLS). @default "redis://127.0.0.1:6379" */
  url?: string | undefined;
  /**
   * Put before every key, so several fleets can share one Redis: a non-empty string without `{`
   * or `}` (the cluster hash tag of each limit's keys follows it). @default "loom"
   */
  prefix?: string | undefined;
  /**
   * What a request does while Redis cannot be reached: `"open"` goes through without the
   * shared limit (with a warning through `logger` and the `unavailable` count), `"closed"` is
   * refused with a `ConnectionError`. Either way the client reconnects on its own, and the
   * limit holds again once Redis is back. @default "open"
   */
  whenUnavailable?: "open" | "closed" | undefined;
  /** Where the warnings go. @default console */
  logger?: LLMLogger | undefined;
}

// How long a request waits for a first connection, or for a reply, before Redis counts as
// unreachable: a Redis stopped (SIGSTOP, a long DEBUG SLEEP, a host gone without a reset) keeps
// its connection open and answers nothing, and node-redis bounds no command once it is written.
const REDIS_WAIT_MS = 1_500;
// How long `close()` lets replies on their way arrive before it drops the connection.
const CLOSE_WAIT_MS = 1_000;

/**
 * `promise`, or a rejection once `ms` have passed (`what` says what did not come) or `signal`
 * aborted (its reason): the promise keeps running.
 */
function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new LateReply(`${what} within ${ms} ms`))),
      ms,
    );
    const onAbort = () => finish(() => reject(signal?.reason));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/** Nothing came in time: the one failure that says Redis took a command and went quiet. */
class LateReply extends Error {}

/**
 * Errors that no outage policy may let through and no retry can fix: a script's bug, a Redis
 * Cluster node, credentials refused. Kept by identity, so the gates and stores rethrow them as
 * they are instead of counting an outage.
 */
const FINAL = new WeakSet<object>();

/**
 * Whether `run` failed for good (a `RedisScriptError`, a Redis Cluster, refused credentials):
 * the request is refused with it, whatever `whenUnavailable` says.
 * @internal
 */
export function isFinal(error: unknown): boolean {
  return (
    RedisScriptError.isInstance(error) ||
    (typeof error === "object" && error !== null && FINAL.has(error))
  );
}

/**
 * A limit's or a budget's name as the hash tag of its keys (`{name}`): Redis hashes only what
 * is between the first `{` and the next `}`, so a `}` inside the name (or an empty name) would
 * split one limit's keys over several slots. `%`, `{` and `}` are percent-encoded (`%` too, so
 * two names never share a tag); any other name is its own tag, as before.
 * @internal
 */
export function hashTag(name: string): string {
  return `{${name.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

/** A script and its keys and arguments, to run as an undo. @internal */
export type Undo = readonly [script: Script, keys: string[], args: (string | number)[]];

/**
 * What `run` may be told besides the script.
 * @internal
 */
export interface RunOptions {
  /** Ends the wait for the reply (the caller's abort or deadline): rejects with its reason. */
  signal?: AbortSignal | undefined;
  /**
   * What undoes a reply that came after the wait for it ended (a claim granted to a request that
   * went unaccounted, or never went): the script to run then, in the background (even as the
   * connection closes: `close()` waits a moment for such replies), failures reported.
   */
  undo?: ((reply: unknown) => Undo | undefined) | undefined;
}

/**
 * One Redis client for a gate or a store: connected on first use, reconnecting on its own with
 * a bounded backoff, failing fast (no offline queue) while Redis is away, scripts sent once and
 * run by their digest.
 */
export class RedisConnection {
  readonly prefix: string;
  readonly whenUnavailable: "open" | "closed";
  /** Requests let through (or refused) while Redis was away, since this connection was made. */
  unavailable = 0;
  readonly #url: string;
  readonly #logger: LLMLogger;
  readonly #client: RedisClientType;
  #connecting: Promise<unknown> | undefined;
  /** Whether the outage being reported was reported already: one warning per outage. */
  #warned = false;
  #closed = false;
  /** The one `close()` under way: every call of it waits for the same. */
  #closeDone: Promise<void> | undefined;
  /**
   * Replies still to come for requests that may stop waiting for them, each with its undo:
   * `close()` lets them arrive (a moment) so what they granted is given back.
   */
  readonly #undoable = new Set<Promise<unknown>>();
  /** The first connection did not come in time: requests stop waiting for it. */
  #gaveUp = false;
  /**
   * A reply did not come in time on an open connection: requests fail fast (an outage) until a
   * reply comes, or the connection is made again.
   */
  #stalled = false;
  /** Aborted by `close()`: the gates sharing this connection end their waits on it. */
  readonly #closing = new AbortController();
  /**
   * Aborted, with the error to throw, when Redis refused the URL's credentials as the client
   * connected: requests fail at once (not after the wait for a connection) until it accepts
   * them. Replaced by a fresh one when the client is ready again.
   */
  #refusal = new AbortController();

  constructor(options: RedisConnectionOptions = {}) {
    const given: unknown = options.url;
    // Not a string (null, a number, a URL object): named here, not a TypeError from inside.
    if (given !== undefined && typeof given !== "string") {
      throw new ConfigError({
        issues: [
          {
            path: "url",
            message: `must be a redis:// or rediss:// URL string, got ${showGot(given)}`,
          },
        ],
      });
    }
    this.#url = given ?? "redis://127.0.0.1:6379";
    // Checked here, masked: the client would throw a TypeError holding the whole URL.
    const url = URL.canParse(this.#url) ? new URL(this.#url) : null;
    if (
      url === null ||
      (url.protocol !== "redis:" && url.protocol !== "rediss:") ||
      !/^\d*$/.test(url.port) ||
      !/^\/?\d*$/.test(url.pathname) ||
      // A Redis URL has no query or fragment: a `#`, `?` or `@` there is a password's raw
      // character (`redis://u:p@ss#word@host` is host `ss` to a parser), never a place to go.
      url.search !== "" ||
      url.hash !== "" ||
      // node-redis decodes both: a stray `%` would be its URIError, not ours.
      !decodes(url.username) ||
      !decodes(url.password)
    ) {
      throw new ConfigError({
        issues: [
          {
            path: "url",
            message: `must be redis://[user:password@]host[:port][/db] (or rediss://; a password's @, #, ? or % written %40, %23, %3F, %25), got ${JSON.stringify(redactUrl(this.#url))}`,
          },
        ],
      });
    }
    const when: unknown = options.whenUnavailable;
    // A misspelt "closed" must not quietly fail open (or the reverse).
    if (when !== undefined && when !== "open" && when !== "closed") {
      throw new ConfigError({
        issues: [
          {
            path: "whenUnavailable",
            message: `must be "open" or "closed", got ${typeof when === "string" ? JSON.stringify(when.slice(0, 40)) : typeof when}`,
          },
        ],
      });
    }
    const prefix: unknown = options.prefix;
    // Empty, it would write keys that share the root with everything else; with a brace, it
    // would move the hash tag that keeps each limit's keys in one cluster slot.
    if (
      prefix !== undefined &&
      (typeof prefix !== "string" || prefix.trim() === "" || /[{}]/.test(prefix))
    ) {
      throw new ConfigError({
        issues: [
          {
            path: "prefix",
            message: `must be a non-empty string without { or }, got ${showGot(prefix)}`,
          },
        ],
      });
    }
    this.prefix = (prefix as string | undefined) ?? "loom";
    this.whenUnavailable = options.whenUnavailable ?? "open";
    this.#logger = options.logger ?? console;
    this.#client = createClient({
      url: this.#url,
      // Fail at once while Redis is away rather than queue: the request decides what to do.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 1_000,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
      },
    }) as RedisClientType;
    // Without a listener an error event would crash the process: it is reported, not thrown.
    this.#client.on("error", (error: unknown) => {
      // Credentials refused as the client connected: not an outage to wait out or let
      // through. The client keeps trying them (a rotated password may be accepted later).
      if (refusesCredentials(error) && !this.#refusal.signal.aborted)
        this.#refusal.abort(this.#credentialsError(error));
      this.#away(error);
    });
    this.#client.on("ready", () => {
      if (this.#refusal.signal.aborted) this.#refusal = new AbortController();
      this.#gaveUp = false;
      this.#back();
    });
  }

  /**
   * Redis answers again (ready after a reconnect, or a reply after a stall or an error reply):
   * the outage is over, so the next one is warned about again.
   */
  #back(): void {
    this.#stalled = false;
    if (this.#warned) this.#logger.info?.(`loom: Redis at ${this.#where()} is back`);
    this.#warned = false;
  }

  /** The error of a request Redis refused the credentials for: the password never in it. */
  #credentialsError(reply: unknown): ConnectionError {
    const error = new ConnectionError({
      message: `loom: Redis at ${this.#where()} refused the credentials in the URL (${replyCode(reply)}); check the user and password of \`url\`. The request was refused, whatever whenUnavailable says`,
      retryable: false,
      code: replyCode(reply),
      // Redis's own reply: it names the refusal, never the password.
      cause: reply,
    });
    FINAL.add(error);
    return error;
  }

  /**
   * Runs a script (by its digest, sending it once) with keys and arguments.
   * @internal
   */
  async run(
    script: Script,
    keys: string[],
    args: (string | number)[],
    options: RunOptions = {},
  ): Promise<unknown> {
    if (this.#closed)
      throw new ConnectionError({ message: "loom: the Redis connection is closed" });
    if (this.#refusal.signal.aborted) throw this.#refusal.signal.reason;
    // The caller's abort, or `close()`: either ends the wait.
    const signal =
      options.signal === undefined
        ? this.#closing.signal
        : AbortSignal.any([options.signal, this.#closing.signal]);
    if (!this.#client.isOpen) {
      this.#connecting ??= this.#client.connect().catch((error: unknown) => {
        this.#connecting = undefined;
        throw error;
      });
    }
    // The first connection keeps trying in the background; a request waits for it briefly,
    // once an outage: after that, requests fail fast until Redis is back.
    if (!this.#client.isReady && this.#connecting !== undefined && !this.#gaveUp) {
      try {
        // Credentials refused end the wait at once, with their own error.
        await within(
          this.#connecting,
          REDIS_WAIT_MS,
          "not connected",
          AbortSignal.any([signal, this.#refusal.signal]),
        );
      } catch (error) {
        if (!signal.aborted) this.#gaveUp = true;
        throw error;
      }
    }
    if (!this.#client.isReady && this.#gaveUp)
      throw new Error("not connected (still trying in the background)");
    if (this.#stalled) throw new Error(`not answering (no reply within ${REDIS_WAIT_MS} ms)`);
    const command = this.#eval(script, { keys, arguments: args.map(String) });
    let waited = true;
    // Whatever the reply, once it comes Redis answers again; one nobody waited for is undone.
    const settled = command.then(
      (reply) => {
        // A reply: Redis is back (after a stall, SIGSTOP then SIGCONT, no `ready` comes).
        this.#back();
        const undo = waited ? undefined : options.undo?.(reply);
        if (undo === undefined) return undefined;
        const [undoScript, undoKeys, undoArgs] = undo;
        return this.#eval(undoScript, { keys: undoKeys, arguments: undoArgs.map(String) }).catch(
          (error: unknown) => this.report(error, "shared limits"),
        );
      },
      () => {
        this.#stalled = false;
      },
    );
    if (options.undo !== undefined) {
      this.#undoable.add(settled);
      void settled.finally(() => this.#undoable.delete(settled));
    }
    try {
      return await within(command, REDIS_WAIT_MS, "no reply", signal);
    } catch (error) {
      if (isFinal(error)) throw error;
      waited = false;
      // Redis took the command and said nothing: an outage for the requests after this one too,
      // until that reply comes. (An error reply, a refused connection: Redis did answer.)
      if (error instanceof LateReply && this.#client.isReady) this.#stalled = true;
      throw error;
    }
  }

  /** The script by its digest, sent whole the first time Redis does not know it. */
  async #eval(script: Script, options: { keys: string[]; arguments: string[] }): Promise<unknown> {
    try {
      try {
        return await this.#client.evalSha(script.sha, options);
      } catch (error) {
        if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
        return await this.#client.eval(script.source, options);
      }
    } catch (error) {
      // The script failed, in a Redis that answered: a bug, never an outage to fail open on.
      if (isScriptFailure(error)) throw new RedisScriptError({ script: script.name, cause: error });
      // A cluster node sends keys elsewhere (MOVED, ASK) or refuses keys of several slots: this
      // client cannot follow, and treating it as an outage would let the fleet run unlimited.
      if (error instanceof ErrorReply && CLUSTER_REPLY.test(error.message)) {
        const refusal = new ConfigError({
          message: `loom: Redis at ${this.#where()} is a node of a Redis Cluster (it answered ${replyCode(error)}), which @loom/llm-redis does not support; point \`url\` at a standalone Redis (a primary, or one run by Sentinel). The request was refused, whatever whenUnavailable says`,
          issues: [
            { path: "url", message: "is a Redis Cluster node; Redis Cluster is not supported" },
          ],
          cause: error,
        });
        FINAL.add(refusal);
        throw refusal;
      }
      // Credentials refused for this command (NOAUTH: the URL has no password, Redis wants one).
      if (refusesCredentials(error)) throw this.#credentialsError(error);
      throw error;
    }
  }

  /**
   * A step nobody waits for (a commit, a correction) that failed: a script failure is logged as
   * the bug it is; anything else is an outage, counted and warned about.
   * @internal
   */
  report(error: unknown, what: string): void {
    // Closed on purpose while the step was on its way: no outage to warn about.
    if (this.#closed && !isFinal(error)) return;
    if (isFinal(error)) this.#logger.error?.((error as Error).message);
    else this.unreachable(error, what);
  }

  /**
   * What a request does when Redis failed it: with `"open"`, nothing (the caller lets it
   * through); with `"closed"`, a `ConnectionError` to throw. Counted, and warned once an outage.
   * @internal
   */
  unreachable(error: unknown, what: string): ConnectionError | undefined {
    this.unavailable++;
    this.#away(error);
    if (this.whenUnavailable === "open") return undefined;
    return new ConnectionError({
      message: `loom: Redis at ${this.#where()} is unreachable, so the ${what} cannot be checked; the request was refused (whenUnavailable: "closed")`,
      retryable: true,
      cause: error,
    });
  }

  #away(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    if (refusesCredentials(error)) {
      this.#logger.warn?.(
        `loom: Redis at ${this.#where()} refused the credentials in the URL (${replyCode(error)}); requests are refused until it accepts them`,
      );
      return;
    }
    this.#logger.warn?.(
      `loom: Redis at ${this.#where()} is unreachable (${(error as Error)?.message ?? String(error)}); ${this.whenUnavailable === "open" ? "requests go through without the shared limits until it is back" : "requests are refused until it is back"}`,
    );
  }

  /** The URL without its credentials. */
  #where(): string {
    return redactUrl(this.#url);
  }

  /** Whether `close()` was called: gates and stores refuse from then on. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Aborted when `close()` is called: what waits on this connection stops waiting.
   * @internal
   */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /**
   * Closes the client; the gates using it fail their waiting requests at once, unsent. Replies
   * on their way (a commit) get a moment to arrive; a Redis that answers nothing (stopped, or
   * gone as it was being closed) is dropped after it, so `close()` always settles.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    this.#closeDone ??= this.#close();
    return this.#closeDone;
  }

  async #close(): Promise<void> {
    // Replies on their way may grant places and claims to requests that stopped waiting: given
    // back before the connection goes, or they would hold until they lapse (a claim: minutes).
    if (this.#undoable.size > 0 && this.#client.isOpen)
      await within(Promise.allSettled([...this.#undoable]), CLOSE_WAIT_MS, "", undefined).catch(
        () => {},
      );
    if (this.#client.isOpen) {
      try {
        await within(this.#client.close(), CLOSE_WAIT_MS, "not closed", undefined);
        return;
      } catch {
        // Dropped below.
      }
    }
    this.#client.destroy();
  }
}

/** Whether a URL's user or password part decodes (`%zz` does not). */
function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/** A Lua script, its digest, and its name for errors. */
export interface Script {
  readonly source: string;
  readonly sha: string;
  readonly name: string;
}

export function script(source: string, name = "script"): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex"), name };
}

// Replies that mean Redis cannot serve now (loading, busy, failing over, full, an ACL that
// lacks a permission): an outage, even when a script's own command got them.
const UNAVAILABLE_REPLY =
  /^(BUSY|LOADING|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM|NOAUTH|WRONGPASS|NOPERM)\b/;
// Replies of a Redis Cluster node: the key is on another node, or the keys on several slots.
// CLUSTERDOWN: a node of a cluster that has failed, a cluster node all the same.
const CLUSTER_REPLY = /^(MOVED|ASK|CROSSSLOT|CLUSTERDOWN)\b/;
// Replies that refuse the credentials: a wrong user or password, none given where one is
// needed, or one given where none is set (Redis 6+ and older wordings). None holds the password.
const CREDENTIALS_REPLY =
  /^(WRONGPASS|NOAUTH)\b|^ERR (AUTH <password> called without|Client sent AUTH, but no password|invalid password)/;

/** Whether Redis refused the credentials. */
function refusesCredentials(error: unknown): boolean {
  return error instanceof ErrorReply && CREDENTIALS_REPLY.test(error.message);
}

/** The code a reply begins with (`WRONGPASS`, `MOVED`): never anything it was sent. */
function replyCode(reply: unknown): string {
  return /^[A-Z]+/.exec((reply as Error | undefined)?.message ?? "")?.[0] ?? "refused";
}

/**
 * Whether Redis answered that a script failed: an argument it refused (`LOOM_BAD_ARGUMENT`), or
 * an error while it ran (Redis names the `user_script` and its line).
 */
function isScriptFailure(error: unknown): boolean {
  if (!(error instanceof ErrorReply)) return false;
  const message = error.message;
  if (UNAVAILABLE_REPLY.test(message)) return false;
  return message.includes("LOOM_BAD_ARGUMENT") || message.includes("user_script");
}
