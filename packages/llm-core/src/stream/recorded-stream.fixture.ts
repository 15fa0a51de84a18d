// Test fixture (not built into dist): a stream shaped like the recorded ones in wire.md.

/** A recorded-style stream: reasoning, multi-byte text, interleaved tool calls, comments, usage. */
export function recordedStream(eol: string): Buffer {
  const chunk = (delta: object, extra: object = {}) =>
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: null }],
      ...extra,
    });
  const events = [
    chunk({ role: "assistant", content: null, reasoning_content: "" }),
    chunk({ reasoning_content: "Denke… " }),
    chunk({ reasoning_content: "nach 🤔" }),
    chunk({ content: "Grüße, " }),
    chunk({ content: "世界 🦊" }),
    chunk({
      tool_calls: [
        { index: 0, id: "call_a", type: "function", function: { name: "wetter", arguments: "" } },
      ],
    }),
    chunk({
      tool_calls: [
        {
          index: 1,
          id: "call_b",
          type: "function",
          function: { name: "zeit", arguments: '{"tz":' },
        },
      ],
    }),
    chunk({ tool_calls: [{ index: 0, function: { name: null, arguments: '{"stadt":"Zü' } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: '"MEZ"}' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: 'rich"}' } }] }),
  ];
  const finish = JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }],
  });
  const usage = JSON.stringify({
    id: "chatcmpl-1",
    choices: [],
    usage: {
      prompt_tokens: 20,
      completion_tokens: 11,
      total_tokens: 31,
      completion_tokens_details: { reasoning_tokens: 4 },
    },
  });
  const text = [
    `: keep-alive${eol}${eol}`,
    ...events.map((e) => `data: ${e}${eol}${eol}`),
    `:${eol}${eol}`,
    `data:${finish}${eol}${eol}`,
    `data: ${usage}${eol}${eol}`,
    `data: [DONE]${eol}${eol}`,
  ].join("");
  return Buffer.from(text);
}
