// The `loom-llm` command line, as a module: what the binary (main.ts) runs, for a program or a
// test that drives the CLI in process with its own streams and environment. Most users want
// the binary, not this.
export type { CliIo } from "./cli-io.js";
export { EXIT } from "./exit-codes.js";
export { runCli } from "./run-cli.js";
