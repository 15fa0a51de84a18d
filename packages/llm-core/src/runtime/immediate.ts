type Scheduler = (callback: () => void) => unknown;

/**
 * Runs `callback` once the event loop has handled the I/O already waiting: `setImmediate`
 * where the runtime has it (Node.js, Bun, Deno), else `setTimeout(callback, 0)`, the nearest a
 * browser or a Worker offers. Looked up at each call (a test's fake timers replace it).
 */
export function immediate(callback: () => void): void {
  const native = (globalThis as { setImmediate?: Scheduler }).setImmediate;
  if (typeof native === "function") native(callback);
  else setTimeout(callback, 0);
}
