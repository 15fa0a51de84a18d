// The `@loom/llm-testing/vitest` entry: vitest helpers. Only this entry imports vitest (an
// optional peer dependency); the main entry never does.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import {
  createFakeServer,
  type FakeServer,
  type FakeServerOptions,
} from "../fake-server/create-fake-server.js";
import type { RecordedRequest } from "../fake-server/recorded-request.js";

/** The fake server of the current test file. */
export interface FakeServerHandle {
  /** The running server (after `beforeAll`). */
  readonly server: FakeServer;
  /** Its `baseUrl`, for a provider's config. */
  readonly baseUrl: string;
}

/**
 * Starts a fake server before the file's tests, resets it (requests, queue, routes) before each
 * test, and closes it after the file. Call it at the top level of a test file.
 */
export function useFakeServer(options: FakeServerOptions = {}): FakeServerHandle {
  let server: FakeServer | undefined;
  beforeAll(async () => {
    server = await createFakeServer(options);
  });
  beforeEach(() => {
    server?.reset();
    if (options.replies !== undefined) server?.enqueue(...options.replies);
  });
  afterAll(async () => {
    await server?.close();
  });
  const started = (): FakeServer => {
    if (server === undefined)
      throw new Error("useFakeServer: the server starts in beforeAll; use it inside a test");
    return server;
  };
  return {
    get server() {
      return started();
    },
    get baseUrl() {
      return started().baseUrl;
    },
  };
}

/** What a recorded request is expected to contain; each given field is a partial match. */
export interface ExpectedRequest {
  path?: string;
  /** A subset of the JSON body (`toMatchObject`). */
  body?: Record<string, unknown>;
  /** Header values by lowercased name; `undefined` asserts the header is absent. */
  headers?: Record<string, string | undefined>;
}

/** Asserts the `index`-th request the server received (default: the last) matches `expected`. */
export function expectRequest(
  server: FakeServer,
  expected: ExpectedRequest,
  index?: number,
): RecordedRequest {
  const request = index === undefined ? server.lastRequest : server.requests[index];
  expect(
    request,
    `the fake server received no request${index === undefined ? "" : ` #${index + 1}`} (${server.requests.length} in all)`,
  ).toBeDefined();
  const received = request as RecordedRequest;
  if (expected.path !== undefined) expect(received.path).toBe(expected.path);
  if (expected.body !== undefined) expect(received.body).toMatchObject(expected.body);
  for (const [name, value] of Object.entries(expected.headers ?? {}))
    expect(received.headers[name.toLowerCase()]).toBe(value);
  return received;
}
