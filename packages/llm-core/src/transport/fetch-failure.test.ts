// What fetch rejects with on each runtime, as the exchange types it. The shapes are those the
// runtimes give (Node: a coded cause; Bun: a code on the TypeError; Deno, browsers, workerd: a
// bare TypeError); Node's own are exercised over loopback in fetch-transport.test.ts.
import type { ExchangeFacts } from "@loom/llm-types";
import { Redactor } from "@loom/llm-utils";
import { describe, expect, it } from "vitest";
import { toTransportError } from "../http/to-transport-error.js";
import { FETCH_FAILED, fetchFailure } from "./fetch-failure.js";

describe("fetchFailure", () => {
  it("Node's TypeError with a coded cause, and Bun's coded TypeError, pass as they are", () => {
    const node = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
        code: "ECONNREFUSED",
      }),
    });
    const bun = Object.assign(new TypeError("ECONNRESET: The socket connection was closed"), {
      code: "ECONNRESET",
    });
    expect(fetchFailure(node)).toBe(node);
    expect(fetchFailure(bun)).toBe(bun);
  });

  it("a bare TypeError gets a code, the most specific message, and itself as the cause", () => {
    const deno = new TypeError("fetch failed", {
      cause: new Error("client error (Connect): tcp connect error: Connection refused"),
    });
    const failure = fetchFailure(deno) as Error & { code: string };
    expect(failure.code).toBe(FETCH_FAILED);
    expect(failure.message).toBe("client error (Connect): tcp connect error: Connection refused");
    expect(failure.cause).toBe(deno);
    const bare = fetchFailure(new TypeError("Failed to fetch"), "deno") as Error & { code: string };
    expect(bare).toMatchObject({ code: FETCH_FAILED, message: "Failed to fetch" });
  });

  it("in a browser, where the same words hide a CORS refusal, the message says so", () => {
    const browser = fetchFailure(new TypeError("Failed to fetch"), "browser") as Error;
    expect(browser.message).toBe(
      "Failed to fetch; a page's fetch says the same when the server refuses its origin (CORS): see the browser's console",
    );
    // A failure the browser does name is left as it is, and so is a body broken off after the
    // answer began: no origin was refused there.
    const decode = fetchFailure(new TypeError("Gzip decompression failed."), "browser") as Error;
    expect(decode.message).toBe("Gzip decompression failed.");
    const cut = fetchFailure(new TypeError("network error"), "browser") as Error;
    expect(cut.message).toBe("network error");
  });

  it("workerd's plain `Error: Network connection lost.` and `internal error` are network failures too", () => {
    const lost = new Error("Network connection lost.");
    expect(fetchFailure(lost)).toMatchObject({
      code: FETCH_FAILED,
      message: "Network connection lost.",
      cause: lost,
    });
    const internal = new Error("internal error; reference = 14rrl5ar5ofdlkb455v5u8ni");
    expect(fetchFailure(internal)).toMatchObject({ code: FETCH_FAILED, cause: internal });
    // Only workerd's words: another plain Error (a bug) passes untouched.
    const other = new Error("internal error in my hook");
    expect(fetchFailure(other)).toBe(other);
  });

  it("anything else (an abort's reason, a bug) passes untouched", () => {
    const reason = new Error("aborted by the caller");
    expect(fetchFailure(reason)).toBe(reason);
    expect(fetchFailure("text")).toBe("text");
  });
});

describe("fetch failures, typed by the exchange", () => {
  const facts: ExchangeFacts = {
    provider: "fake",
    model: "m",
    request: "POST http://127.0.0.1:1/v1/chat/completions",
    requestId: undefined,
    choices: 1,
    maxBytes: 1_000,
    timeoutMs: 300,
    tools: undefined,
    responseFormat: undefined,
    lenientJson: false,
    redactor: new Redactor([]),
    redact: (text) => text,
  };
  const context = { meta: facts, signal: undefined, delivered: false };

  it("a bare TypeError: ConnectionError, retried before the response, not after", () => {
    const failure = fetchFailure(new TypeError("Failed to fetch"));
    const before = toTransportError(failure, context);
    expect(before).toMatchObject({ name: "ConnectionError", code: FETCH_FAILED, retryable: true });
    expect((before as Error).message).toContain("failed: Failed to fetch (LOOM_FETCH_FAILED)");
    const after = toTransportError(failure, { ...context, responseStarted: true });
    expect(after).toMatchObject({ name: "ConnectionError", retryable: false });
    expect((after as Error).message).toContain("not resent");
  });

  it("Node's and Bun's coded failures: ConnectionError with the code", () => {
    const node = new TypeError("terminated", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    expect(toTransportError(node, context)).toMatchObject({
      name: "ConnectionError",
      code: "UND_ERR_SOCKET",
    });
    const bun = Object.assign(new TypeError("ECONNREFUSED: Unable to connect"), {
      code: "ECONNREFUSED",
    });
    expect(toTransportError(bun, context)).toMatchObject({
      name: "ConnectionError",
      code: "ECONNREFUSED",
    });
  });

  it("a body that does not decode: InvalidResponseError (Node's zlib code, Bun's ZlibError)", () => {
    const node = new TypeError("terminated", {
      cause: Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR" }),
    });
    const bun = Object.assign(new TypeError("ZlibError fetching"), { code: "ZlibError" });
    for (const error of [node, bun])
      expect(toTransportError(error, { ...context, responseStarted: true })).toMatchObject({
        name: "InvalidResponseError",
      });
  });

  it("Deno's words for a brotli body that is not brotli: a body that does not decode", () => {
    const deno = fetchFailure(
      new TypeError("error reading a body from connection", { cause: new Error("brotli error") }),
    );
    const error = toTransportError(deno, { ...context, responseStarted: true });
    expect(error).toMatchObject({ name: "InvalidResponseError" });
    expect((error as Error).message).toContain("could not be decoded");
  });

  it("Bun's brotli and zstd failures are bodies that do not decode too", () => {
    for (const code of ["BrotliDecompressionError", "ZstdDecompressionError"]) {
      const bun = Object.assign(new TypeError("brotli error"), { code });
      const error = toTransportError(bun, { ...context, responseStarted: true });
      expect(error).toMatchObject({ name: "InvalidResponseError" });
      expect((error as Error).message).toContain("could not be decoded");
    }
  });

  it("a header block too large (Bun's code, Deno's words): the response began, never resent", () => {
    const bun = Object.assign(new TypeError("Response headers too large"), {
      code: "ResponseHeadersTooLarge",
    });
    const deno = fetchFailure(
      new TypeError("error sending request", { cause: new Error("message head is too large") }),
    );
    for (const failure of [bun, deno]) {
      // Not said by the transport: the failure itself says the response had begun.
      const error = toTransportError(failure, context);
      expect(error).toMatchObject({ name: "ConnectionError", retryable: false });
      expect((error as Error).message).toContain("header block was too large");
      expect((error as Error).message).toContain("not resent");
    }
  });

  it("DOMExceptions: AbortError is an abort; TimeoutError a timeout of the phase it fell in", () => {
    const abort = new DOMException("This operation was aborted", "AbortError");
    expect(toTransportError(abort, context)).toMatchObject({ name: "AbortError" });
    const timeout = new DOMException("The operation timed out.", "TimeoutError");
    expect(toTransportError(timeout, context)).toMatchObject({
      name: "TimeoutError",
      phase: "headers",
      retryable: true,
    });
    expect(toTransportError(timeout, { ...context, responseStarted: true })).toMatchObject({
      name: "TimeoutError",
      phase: "idle",
      retryable: false,
    });
  });

  it("an answer that is not HTTP, or a body that does not decode: InvalidResponseError, never resent", () => {
    const cases: [string, unknown][] = [
      [
        "Bun's Malformed_HTTP_Response",
        Object.assign(new TypeError("Malformed HTTP response"), {
          code: "Malformed_HTTP_Response",
        }),
      ],
      [
        "Deno's words for a reply that is not HTTP",
        fetchFailure(
          new TypeError("error sending request", {
            cause: new Error("client error (SendRequest): invalid HTTP version parsed"),
          }),
        ),
      ],
      [
        "Deno's words for a body that does not decode",
        fetchFailure(
          new TypeError("error reading a body", {
            cause: new Error("deflate decompression error"),
          }),
        ),
      ],
      [
        "Deno's words for a body that is not in its declared gzip",
        fetchFailure(
          new TypeError("error reading a body", { cause: new Error("Invalid gzip header") }),
        ),
      ],
      [
        "workerd's words for a body that is not in its declared gzip",
        fetchFailure(new TypeError("Gzip decompression failed.")),
      ],
    ];
    for (const [name, failure] of cases) {
      const typed = toTransportError(failure, context) as { name: string; retryable: boolean };
      expect(typed.name, name).toBe("InvalidResponseError");
      expect(typed.retryable, name).toBe(false);
    }
  });
});

describe("a fetch body, aborted", () => {
  it("the caller's abort ends a read the runtime leaves waiting (Deno's, once the Response was collected)", async () => {
    const { FetchBody } = await import("./fetch-body.js");
    const { InFlightRequest } = await import("./in-flight-request.js");
    const caller = new AbortController();
    const flight = new InFlightRequest(caller.signal, () => {});
    // A body whose source never answers and ignores the request's signal, as Deno's did.
    const response = new Response(
      new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }),
    );
    const body = new FetchBody(response, flight, 60_000);
    const read = body.next();
    const reason = Object.assign(new Error("stopped"), { name: "AbortError" });
    caller.abort(reason);
    await expect(read).rejects.toBe(reason);
    expect(flight.ended).toBe(true);
  });

  it("a whole body that cannot be decoded rejects text() and ends the request (never left pending)", async () => {
    const { FetchBody } = await import("./fetch-body.js");
    const { InFlightRequest } = await import("./in-flight-request.js");
    const flight = new InFlightRequest(undefined, () => {});
    // What decoding a body longer than the longest string a runtime makes does: it throws.
    // Here the runtime's bytes are replaced by something `TextDecoder` refuses, to make it throw
    // without half a gigabyte of body.
    const response = new Response("{}");
    Object.defineProperty(response, "arrayBuffer", { value: () => Promise.resolve("not bytes") });
    const body = new FetchBody(response, flight, 60_000);
    await expect(body.text()).rejects.toThrow(TypeError);
    expect(flight.ended).toBe(true);
  });
});
