import type { CliIo } from "./cli-io.js";
import type { DiffPart } from "./word-diff.js";

/** Colours for a stream: ANSI only on a terminal, and never when `NO_COLOR` is set. */
export interface Paint {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

export function paintFor(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  env: CliIo["env"],
): Paint {
  const on = stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
  const wrap = (code: number, reset: number) => (text: string) =>
    on ? `\u001b[${code}m${text}\u001b[${reset}m` : text;
  return { dim: wrap(2, 22), bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39) };
}

/** A diff as text: `[-removed-]` and `{+added+}`, coloured when the paint is on. */
export function showDiff(parts: readonly DiffPart[], paint: Paint): string {
  return parts
    .map((part) =>
      part.kind === "same"
        ? part.text
        : part.kind === "removed"
          ? paint.red(`[-${part.text}-]`)
          : paint.green(`{+${part.text}+}`),
    )
    .join("");
}

/** A table of rows, columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
