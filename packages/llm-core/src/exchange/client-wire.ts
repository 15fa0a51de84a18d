import { ConfigError, type LLMConfig, type ProtocolName, type WireProtocol } from "@loom/llm-types";
import { loadedProtocol, loadProtocol } from "../wire/protocols.js";

/**
 * A client's wire protocol, with the headers its config sends in it. The default protocol is
 * bundled with the client and ready at once; another starts loading when the client is made,
 * and the first exchange waits for it (`load`): an app ships and loads only what it speaks.
 */
export class ClientWire {
  #protocol: WireProtocol | undefined;
  #headers: Readonly<Record<string, string>> = {};
  #streamHeaders: Readonly<Record<string, string>> = {};
  /** Settled once the protocol is loaded; rejects with the `ConfigError` of a failed load. */
  readonly #loading: Promise<void> | undefined;

  constructor(
    config: LLMConfig,
    load: (name: ProtocolName) => Promise<WireProtocol> = loadProtocol,
  ) {
    const ready = loadedProtocol(config.protocol);
    if (ready !== undefined) {
      this.#use(ready, config);
      return;
    }
    this.#loading = load(config.protocol).then(
      (protocol) => this.#use(protocol, config),
      (cause: unknown) => {
        throw new ConfigError({
          message: `the ${config.protocol} wire protocol could not be loaded (is its module missing from the bundle?): ${cause instanceof Error ? cause.message : String(cause)}`,
          issues: [{ path: "protocol", message: "could not be loaded" }],
          provider: config.provider,
          model: config.model,
          cause,
        });
      },
    );
    // Seen by the first exchange; a client that never makes one leaves no unhandled rejection.
    this.#loading.catch(() => {});
  }

  /** Whether the protocol is loaded: then `protocol` and `headers` may be read. */
  get ready(): boolean {
    return this.#protocol !== undefined;
  }

  /** Resolves once the protocol is loaded; rejects with a `ConfigError` when it cannot be. */
  load(): Promise<void> {
    return this.#loading ?? Promise.resolve();
  }

  /** The protocol; read only once `ready` (the exchange awaits `load()` before its first attempt). */
  get protocol(): WireProtocol {
    if (this.#protocol === undefined) throw new Error("the wire protocol is not loaded yet");
    return this.#protocol;
  }

  /** The headers of every request (`stream`: of every stream) the protocol and config make. */
  headers(stream: boolean): Readonly<Record<string, string>> {
    return stream ? this.#streamHeaders : this.#headers;
  }

  #use(protocol: WireProtocol, config: LLMConfig): void {
    this.#headers = protocol.headers(config, false);
    this.#streamHeaders = protocol.headers(config, true);
    this.#protocol = protocol;
  }
}
