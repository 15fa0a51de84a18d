// What `#default-transport` is on every runtime but Node (Bun, Deno, workerd, browsers: the
// conditions of package.json `imports`): the runtime's own fetch. Nothing here loads undici.
export { fetchTransport as defaultTransport } from "./fetch-transport.js";
