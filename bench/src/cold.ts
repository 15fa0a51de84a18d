// A cold start, as an agent process has one: import the client, make it, make one call, exit.
// The parent times the whole process; nothing here is measured. Run as the JavaScript copy
// plain-js.ts makes of it, as is import.ts.
import { DRIVERS } from "./drivers/index.ts";

const [driverName = "", baseUrl = ""] = process.argv.slice(2);
const load = DRIVERS[driverName];
if (load === undefined) throw new Error(`unknown driver ${driverName}`);
const driver = (await load())(baseUrl);
const res = await driver.call("call");
if (res.promptTokens !== 14) {
  process.stderr.write(`${driverName} / cold-start: wrong answer ${JSON.stringify(res)}\n`);
  process.exit(2);
}
process.exit(0);
