import { redactSecret } from "../redact/redact-secret.js";

/** A value as it may appear in a message: short, and never a secret (callers make sure). */
export function showValue(value: unknown): string {
  // Objects are named, never printed: they may hold secrets, and one without a prototype
  // (from a TOML parser) cannot even be turned into a string.
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  // A long string without spaces in a field that wanted a number or a name may be a key
  // pasted in the wrong place: shown like a key.
  if (typeof value === "string" && value.trim().length >= 16 && !/\s/.test(value.trim()))
    return JSON.stringify(redactSecret(value.trim()));
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * A value as a number check names it: a number as written, anything else with its type
 * (`the string "5"`), so that a wrong type never reads like a valid value (`got 5`).
 */
export function showGot(value: unknown): string {
  switch (typeof value) {
    case "number":
      return String(value);
    case "string":
      return value.trim() === "" ? "an empty string" : `the string ${showValue(value)}`;
    case "boolean":
      return `the boolean ${value}`;
    case "bigint":
      return `the bigint ${value}n`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return value === null ? "null" : showValue(value);
  }
}
