import type { CliIo } from "./cli-io.js";
import { coloursOn, NO_SGR, showControls } from "./terminal-safe.js";
import type { DiffPart } from "./word-diff.js";

/**
 * Colours for a stream: ANSI only on a terminal, and never when `NO_COLOR` is set or `TERM` is
 * `dumb`.
 */
export interface Paint {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  /**
   * A model's or server's text amid the CLI's own colours: on a terminal, every escape in it
   * shown (`^[[31m`), its colours too, so it cannot paint what the CLI paints (a diff's red and
   * green); elsewhere as it is.
   */
  plain(text: string): string;
}

export function paintFor(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  env: CliIo["env"],
): Paint {
  const on = coloursOn(stream, env);
  const wrap = (code: number, reset: number) => (text: string) =>
    on ? `\u001b[${code}m${text}\u001b[${reset}m` : text;
  const tty = stream.isTTY === true;
  return {
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    plain: (text) => (tty ? showControls(text, NO_SGR) : text),
  };
}

/**
 * A diff as text: `[-removed-]` and `{+added+}`, coloured when the paint is on. The answers'
 * own escapes are shown, never acted on: a model's colour would repaint an addition as a removal.
 */
export function showDiff(parts: readonly DiffPart[], paint: Paint): string {
  return parts
    .map((part) => ({ ...part, text: paint.plain(part.text) }))
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
