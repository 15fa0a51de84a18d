import { describe, expect, it } from "vitest";
import { noteReachedServer, reachedServer } from "./reached-server.js";

describe("reachedServer", () => {
  it("only the error it was told of", () => {
    const noted = new Error("the server closed the connection");
    noteReachedServer(noted);
    expect(reachedServer(noted)).toBe(true);
    expect(reachedServer(new Error("other"))).toBe(false);
    expect(reachedServer(undefined)).toBe(false);
    expect(reachedServer("closed")).toBe(false);
  });
});
