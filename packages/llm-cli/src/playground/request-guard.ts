import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Why a request to the playground is refused: the status and what the page is told. */
export interface Refusal {
  status: 400 | 401 | 403;
  message: string;
}

/**
 * Who may talk to the playground: a page it served, on this machine, holding its token. The
 * server listens on loopback only; this checks the rest of every request:
 * - `Host` names the server itself (127.0.0.1, localhost or [::1] with its port): a page of
 *   another site whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name;
 * - `Origin`, when sent, is the server's own: no other page may post to it (and no CORS header
 *   is ever sent, so no other page may read an answer);
 * - the token, random per start, in the `x-loom-token` header (the query's `token` for the
 *   page itself, `GET /`, and nothing else), compared in constant time.
 */
export class RequestGuard {
  readonly #token: Buffer;
  readonly #hosts: ReadonlySet<string>;
  readonly #origins: ReadonlySet<string>;

  constructor(token: string, port: number) {
    this.#token = Buffer.from(token);
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    this.#hosts = new Set(hosts);
    this.#origins = new Set(hosts.map((host) => `http://${host}`));
  }

  /** Why `request` is refused, or `undefined` when it may go on. */
  check(request: IncomingMessage, url: URL): Refusal | undefined {
    const host = request.headers.host?.toLowerCase();
    if (host === undefined || !this.#hosts.has(host))
      return {
        status: 403,
        message: "this server answers requests to 127.0.0.1 or localhost only",
      };
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#origins.has(origin.toLowerCase()))
      return { status: 403, message: "requests from other origins are refused" };
    const header = request.headers["x-loom-token"];
    // The address printed carries the token for the page itself; its requests send the header.
    const given =
      typeof header === "string"
        ? header
        : url.pathname === "/" && request.method === "GET"
          ? url.searchParams.get("token")
          : null;
    if (given === null || !this.#matches(given))
      return {
        status: 401,
        message: "missing or wrong token: open the URL loom-llm playground printed",
      };
    return undefined;
  }

  #matches(given: string): boolean {
    const bytes = Buffer.from(given);
    return bytes.length === this.#token.length && timingSafeEqual(bytes, this.#token);
  }
}
