// What the playground's tests start: a fake server answering as `reply` says, and a playground
// whose loom.toml names it as the provider `echo` (key from ECHO_KEY), with its own history.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeServer, type FakeReply, type FakeServer } from "@loom/llm-testing";
import { parseCliArgs } from "../cli-args.js";
import { type Playground, startPlayground } from "./playground-server.js";

export interface EchoPlayground {
  fake: FakeServer;
  playground: Playground;
  /** The folder of loom.toml and the history. */
  dir: string;
  /** The playground's loom.toml. */
  config: string;
  /** The playground's history file. */
  history: string;
  /** Stops both servers and removes the folder of loom.toml and the history. */
  close(): Promise<void>;
}

/**
 * Starts the fake server and the playground. `env` holds ECHO_KEY and whatever else the
 * process is to have; `tomlExtra` is added to the `[llm.echo]` table (a `headers` line).
 */
export async function startEchoPlayground(options: {
  reply: FakeReply;
  env: Record<string, string>;
  tomlExtra?: string;
}): Promise<EchoPlayground> {
  const fake = await createFakeServer({ fallback: options.reply });
  const dir = await mkdtemp(join(tmpdir(), "loom-playground-"));
  const close = async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const config = join(dir, "loom.toml");
    await writeFile(
      config,
      `[llm.echo]\nbase_url = "${fake.baseUrl}"\nmodel = "echo-model"\napi_key_env = "ECHO_KEY"\n${options.tomlExtra ?? ""}`,
    );
    const history = join(dir, "history.jsonl");
    const playground = await startPlayground({
      args: parseCliArgs(["playground", "--config", config]),
      env: options.env,
      historyPath: history,
    });
    return {
      fake,
      playground,
      dir,
      config,
      history,
      close: async () => {
        await playground.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
