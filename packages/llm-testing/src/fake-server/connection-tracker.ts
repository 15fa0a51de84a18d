import type { Server } from "node:http";
import type { Socket } from "node:net";

/** The TCP connections a server accepted and still has open: to count them, and to close stalled ones. */
export class ConnectionTracker {
  readonly #open = new Set<Socket>();
  #accepted = 0;

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.#accepted++;
      this.#open.add(socket);
      socket.on("close", () => this.#open.delete(socket));
    });
  }

  /** Connections accepted since the start (or the last `resetCount`). */
  get accepted(): number {
    return this.#accepted;
  }

  get open(): number {
    return this.#open.size;
  }

  /** Counts from now on, the connections still open included. */
  resetCount(): void {
    this.#accepted = this.#open.size;
  }

  /** Closes every connection at once, stalled ones included (`server.close` waits for them). */
  destroyAll(): void {
    for (const socket of this.#open) socket.destroy();
  }
}
