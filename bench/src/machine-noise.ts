// How much the machine itself moves a measurement: the same fixed work (parsing one small JSON
// event, as a stream does) timed by CPU in consecutive windows of about the length of a
// scenario's measured run, in a fresh process. On a shared virtual machine the spread between
// windows is the noise no scenario's range can be narrower than, whatever the client does.
// Prints one JSON line: the CPU milliseconds of each window.
const EVENT = JSON.stringify({
  id: "chatcmpl-0123456789abcdef0123456789",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: { content: " token" }, finish_reason: null }],
});
const WINDOWS = 12;
const PARSES = 150_000;

let sink = 0;
const windows: number[] = [];
for (let w = 0; w < WINDOWS + 2; w++) {
  const before = process.cpuUsage();
  for (let i = 0; i < PARSES; i++)
    sink += (JSON.parse(EVENT) as { choices: unknown[] }).choices.length;
  const used = process.cpuUsage(before);
  // The first two windows warm the JIT up.
  if (w >= 2) windows.push((used.user + used.system) / 1000);
}
if (sink !== (WINDOWS + 2) * PARSES) throw new Error("machine-noise: wrong parse count");
process.stdout.write(`${JSON.stringify({ windows })}\n`);
