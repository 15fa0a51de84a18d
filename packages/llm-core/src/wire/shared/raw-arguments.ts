/**
 * A tool call's arguments as the text the server sent: a string as it is, nothing as `""`, and
 * an object (some servers send one where the API says a JSON string) as its JSON.
 */
export function rawArguments(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value) ?? "";
}
