/** `{{name}}` in a prompt or system text: a word, with optional spaces inside the braces. */
const VARIABLE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/** A template filled: its text, and the names it used that had no value (left as written). */
export interface FilledTemplate {
  text: string;
  missing: string[];
}

/** Fills each `{{name}}` of `template` from `values`; one without a value is left and named. */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
): FilledTemplate {
  const missing = new Set<string>();
  const text = template.replace(VARIABLE, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { text, missing: [...missing] };
}

/** The names of the `{{name}}` variables of `template`, each once, in order. */
export function templateVariables(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(VARIABLE), (match) => match[1] ?? ""))];
}
