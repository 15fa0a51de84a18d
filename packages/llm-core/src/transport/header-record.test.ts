// Headers as fetch gives them (the runtime's own `Headers`), as the transport contract gives them.
import { describe, expect, it } from "vitest";
import { headerRecord } from "./header-record.js";

describe("headerRecord", () => {
  it("lower-case names; repeated headers joined, as fetch joins them", () => {
    const headers = new Headers([
      ["X-Request-ID", "abc"],
      ["Vary", "accept"],
      ["Vary", "origin"],
    ]);
    expect({ ...headerRecord(headers) }).toEqual({ "x-request-id": "abc", vary: "accept, origin" });
  });

  it("set-cookie: one is a string, several a list (they cannot be joined)", () => {
    expect(headerRecord(new Headers([["Set-Cookie", "a=1"]]))["set-cookie"]).toBe("a=1");
    const several = new Headers([
      ["Set-Cookie", "a=1; Path=/"],
      ["Set-Cookie", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"],
    ]);
    expect(headerRecord(several)["set-cookie"]).toEqual([
      "a=1; Path=/",
      "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
    ]);
    expect(headerRecord(new Headers())["set-cookie"]).toBeUndefined();
  });

  it("a header named __proto__ is a header, not a prototype", () => {
    const record = headerRecord(new Headers([["__proto__", "x"]]));
    expect(Object.getOwnPropertyDescriptor(record, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(record)).toBeNull();
  });
});
