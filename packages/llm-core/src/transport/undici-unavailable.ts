import {
  ConfigError,
  type Transport,
  type TransportOptions,
  type TransportRequest,
  type TransportResponse,
} from "@loom/llm-types";

// What `#undici-transport` is on every runtime but Node (the conditions of package.json
// `imports`), so that the package's one entry point exports the same names everywhere without
// loading undici where it has no use: undici's pool needs Node's sockets, and these runtimes'
// own fetch pools connections already. Using it is a `ConfigError` that says so, at the client's
// construction, before anything is sent.

function unavailable(): ConfigError {
  return new ConfigError({
    message:
      "undiciTransport needs Node.js; on this runtime the default transport is its own fetch (fetchTransport)",
    issues: [{ path: "transport", message: "undiciTransport needs Node.js" }],
  });
}

/** Undici's transport, which needs Node.js: constructing it elsewhere is a `ConfigError`. */
export class UndiciTransport implements Transport {
  constructor(_origin: string, _options: TransportOptions) {
    throw unavailable();
  }

  send(_request: TransportRequest): Promise<TransportResponse> {
    return Promise.reject(unavailable());
  }

  close(_options: { readonly drain: boolean; readonly reason: Error }): Promise<void> {
    return Promise.resolve();
  }
}

/** Undici's transport factory, which needs Node.js: calling it elsewhere is a `ConfigError`. */
export function undiciTransport(origin: string, options: TransportOptions): Transport {
  return new UndiciTransport(origin, options);
}
