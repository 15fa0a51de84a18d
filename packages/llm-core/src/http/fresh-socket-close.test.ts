import { describe, expect, it } from "vitest";
import { isFreshSocketClose, noteFreshSocketClose } from "./fresh-socket-close.js";

/** The typed error for an undici `SocketError` with these counters (or none). */
function noted(socket?: unknown): object {
  const error = new Error("the server closed the connection");
  noteFreshSocketClose(error, { socket });
  return error;
}

describe("noteFreshSocketClose", () => {
  it("a socket that read nothing and wrote the request: fresh, the request went", () => {
    expect(isFreshSocketClose(noted({ bytesRead: 0, bytesWritten: 180 }))).toBe(true);
  });

  it("a socket that had read an earlier response: a reused keep-alive socket", () => {
    expect(isFreshSocketClose(noted({ bytesRead: 512, bytesWritten: 360 }))).toBe(false);
  });

  it("a socket that wrote nothing, or a failure without counters: nothing went", () => {
    expect(isFreshSocketClose(noted({ bytesRead: 0, bytesWritten: 0 }))).toBe(false);
    expect(isFreshSocketClose(noted())).toBe(false);
    expect(isFreshSocketClose(noted(null))).toBe(false);
    expect(isFreshSocketClose(noted({ bytesRead: "0", bytesWritten: "9" }))).toBe(false);
  });

  it("only the error it was told of", () => {
    noted({ bytesRead: 0, bytesWritten: 180 });
    expect(isFreshSocketClose(new Error("other"))).toBe(false);
    expect(isFreshSocketClose(undefined)).toBe(false);
    expect(isFreshSocketClose("closed")).toBe(false);
  });
});
