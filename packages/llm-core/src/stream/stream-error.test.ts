import { completionChunk } from "@loom/llm-testing";
import { AuthenticationError, RateLimitError, ServerError } from "@loom/llm-types";
import { describe, expect, it } from "vitest";
import { data, failure, raw, serverAndClient, texts } from "../test-support.fixture.js";

const { server, llm } = await serverAndClient();

describe("errors inside a 200 stream", () => {
  it('data: {"error": ...} (OpenAI, vLLM) becomes the matching typed error', async () => {
    server.enqueue(
      raw(
        data(completionChunk({ content: "a" })),
        data({
          error: {
            message: "Rate limit reached for requests",
            type: "rate_limit_error",
            code: "rate_limit_exceeded",
          },
        }),
      ),
    );
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("error inside the stream");
    expect(error.message).toContain("Rate limit reached");
  });

  it('vLLM\'s {"object": "error"} and Gemini\'s [{"error": ...}] are errors too, not silence', async () => {
    server.enqueue(
      raw(
        data(completionChunk({ content: "a" })),
        data({
          object: "error",
          message: "This model's maximum context length is 4096 tokens",
          type: "BadRequestError",
          param: null,
          code: 400,
        }),
      ),
    );
    const vllm = await failure(() => texts(llm));
    expect(vllm.name).toBe("ContextLengthError");
    expect(vllm.message).toContain("maximum context length is 4096");

    server.enqueue(
      raw(
        data([
          {
            error: {
              code: 429,
              message: "Resource has been exhausted",
              status: "RESOURCE_EXHAUSTED",
            },
          },
        ]),
      ),
    );
    const gemini = await failure(() => texts(llm));
    expect(gemini).toBeInstanceOf(RateLimitError);
    expect(gemini.message).toContain("Resource has been exhausted");
  });

  it("the same errors answered as a whole 200 body are typed the same, not 'no choices'", async () => {
    const bodies: [unknown, string][] = [
      [{ error: { message: "Rate limit reached", type: "rate_limit_error" } }, "RateLimitError"],
      [
        { object: "error", message: "maximum context length is 4096", code: 400 },
        "ContextLengthError",
      ],
      [
        [{ error: { code: 403, message: "Permission denied", status: "PERMISSION_DENIED" } }],
        "PermissionDeniedError",
      ],
    ];
    for (const [body, name] of bodies) {
      server.enqueue({ type: "json", body });
      const error = await failure(llm.call({ messages: [{ role: "user", content: "hi" }] }));
      expect(error.name).toBe(name);
      expect(error.message).toContain("error in a 200 body");
    }
  });

  it("event: error", async () => {
    server.enqueue(
      raw(
        `event: error\ndata: ${JSON.stringify({ message: "Overloaded", type: "overloaded_error" })}\n\n`,
      ),
    );
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
  });

  it("older llama.cpp: an `error: {json}` field line, then [DONE]", async () => {
    server.enqueue(
      raw(
        `error: ${JSON.stringify({ code: 500, message: "Cannot use tools with stream", type: "server_error" })}\n\n`,
        "data: [DONE]\n\n",
      ),
    );
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain("Cannot use tools with stream");
  });

  it("newer llama.cpp: data with a numeric code and no [DONE]", async () => {
    server.enqueue(
      raw(data({ error: { code: 401, message: "Invalid API Key", type: "authentication_error" } })),
    );
    expect(await failure(() => texts(llm))).toBeInstanceOf(AuthenticationError);
  });

  it("a non-2xx status on a stream request is the same typed error as for call()", async () => {
    server.enqueue({
      type: "error",
      status: 429,
      body: { error: { message: "slow", type: "rate_limit_error" } },
      headers: { "retry-after": "2" },
    });
    const error = await failure(() => texts(llm));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(2_000);
  });
});
