// A short secret would be half revealed by its last four characters: hide it whole.
const MIN_REVEALING_LENGTH = 12;
const VISIBLE_SUFFIX = 4;
// Vendor prefixes such as `sk-` or `sk-proj-` say which kind of key it is without revealing it.
const PREFIX = /^[A-Za-z]{2,4}-(?:[A-Za-z]{2,8}-)?/;

/**
 * Shows a secret the way a config printout should: `redactSecret("sk-abcdef123456")` is
 * `"sk-…3456"`. Short secrets become `"…"`, and so does the end of one with a backslash or a
 * percent sign in it; an empty or missing one stays as it is.
 */
export function redactSecret(secret: string): string;
export function redactSecret(secret: string | undefined): string | undefined;
export function redactSecret(secret: string | undefined): string | undefined {
  if (!secret) return secret;
  if (secret.length < MIN_REVEALING_LENGTH) return "…";
  const prefix = PREFIX.exec(secret)?.[0] ?? "";
  // Keep at least half the secret hidden whatever the prefix length.
  const shown = prefix.length + VISIBLE_SUFFIX <= secret.length / 2 ? prefix : "";
  // Characters, not UTF-16 units: half of a pair outside the BMP would be no text at all.
  const suffix = [...secret.slice(-2 * VISIBLE_SUFFIX)].slice(-VISIBLE_SUFFIX).join("");
  // An end with a backslash or a percent sign could begin an escape with the text after the
  // mask (`…ab\` then `\u0073…`), and so a written form of another secret: then none is shown.
  return `${shown}…${/[\\%]/.test(suffix) ? "" : suffix}`;
}
