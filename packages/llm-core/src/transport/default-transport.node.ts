// What `#default-transport` is on Node (the `node` condition of package.json `imports`):
// undici's pooled keep-alive connections. Other runtimes get `default-transport.fetch.ts`, and
// never load undici.
export { undiciTransport as defaultTransport } from "./undici-transport.js";
