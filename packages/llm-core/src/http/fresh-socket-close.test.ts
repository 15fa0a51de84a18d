import { describe, expect, it } from "vitest";
import { isFreshSocketClose } from "./fresh-socket-close.js";

/** Whether undici's `SocketError` with these counters (or none) closed a fresh connection. */
const fresh = (socket?: unknown): boolean => isFreshSocketClose({ socket });

describe("isFreshSocketClose", () => {
  it("a socket that read nothing and wrote the request: fresh, the request went", () => {
    expect(fresh({ bytesRead: 0, bytesWritten: 180 })).toBe(true);
  });

  it("a socket that had read an earlier response: a reused keep-alive socket", () => {
    expect(fresh({ bytesRead: 512, bytesWritten: 360 })).toBe(false);
  });

  it("a socket that wrote nothing, or a failure without counters: nothing went", () => {
    expect(fresh({ bytesRead: 0, bytesWritten: 0 })).toBe(false);
    expect(fresh()).toBe(false);
    expect(fresh(null)).toBe(false);
    expect(fresh({ bytesRead: "0", bytesWritten: "9" })).toBe(false);
  });
});
