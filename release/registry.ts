// The local registry of the release test: verdaccio from a config file, in a process of its own
// that the test kills when it is done. It listens on port 0, so the system picks a port no other
// test holds and nothing can take it between choosing and binding, and prints that port.
import type { Server } from "node:http";
import { runServer } from "verdaccio";

const configPath = process.argv[2];
if (configPath === undefined) throw new Error("usage: node registry.ts CONFIG.yaml");

const server = (await runServer(configPath)) as Server;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`${address.port}\n`);
});

// The test holds this process's stdin open: it closes when the test ends, even if the test dies
// before it can kill this process, so no registry outlives its test.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
