/**
 * The most of `times` (milliseconds, any clock) that fall within any window of `windowMs`:
 * what a rate limit promises never to exceed, checked on what a server received
 * (`server.requests.map((r) => r.receivedAt)`).
 */
export function mostInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
