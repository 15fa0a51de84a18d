import { ChatClient } from "@loom/llm-core";
import { completionBody } from "@loom/llm-testing";
import { expectRequest, useFakeServer } from "@loom/llm-testing/vitest";
import { describe, expect, it } from "vitest";

const fake = useFakeServer({
  replies: [{ type: "json", body: completionBody({ content: "scripted" }) }],
});

describe("@loom/llm-testing/vitest", () => {
  it("starts a server for the file and queues the given replies before each test", async () => {
    const llm = new ChatClient(
      {},
      { baseUrl: fake.baseUrl, model: "m", apiKey: "sk-vitest-0123456789" },
    );
    expect(
      (await llm.call({ messages: [{ role: "user", content: "hi" }], temperature: 0 })).content,
    ).toBe("scripted");
    const request = expectRequest(fake.server, {
      path: "/v1/chat/completions",
      body: { model: "m", temperature: 0 },
      headers: { authorization: "Bearer sk-vitest-0123456789", "x-missing": undefined },
    });
    expect(request.index).toBe(1);
    await llm.close();
  });

  it("resets between tests", () => {
    expect(fake.server.requests).toHaveLength(0);
  });

  it("expectRequest fails clearly when nothing was received", () => {
    expect(() => expectRequest(fake.server, {})).toThrow(/received no request \(0 in all\)/);
  });
});
