/** Raw text kept on errors is bounded: a broken server can send megabytes. */
export const MAX_RAW_CHARS = 500;

/** `text` cut to `max` characters, saying how much was cut. */
export function truncateText(text: string, max: number = MAX_RAW_CHARS): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
