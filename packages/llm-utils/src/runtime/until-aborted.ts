/**
 * `work`'s outcome, or a rejection with `aborted()` as soon as `signal` aborts, whichever comes
 * first: for a wait on something that does not watch the signal itself (a user's tool, a
 * scripted reply), which runs on, unawaited, after the abort.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  aborted: () => unknown,
): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    if (signal.aborted) {
      // Its own failure, later, is no one's to handle.
      work.catch(() => {});
      return onAbort();
    }
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
