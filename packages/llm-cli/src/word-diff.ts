/** One piece of a diff: words both answers share, or that only the old or the new one has. */
export interface DiffPart {
  kind: "same" | "removed" | "added";
  text: string;
}

// The table of a longest common subsequence grows with the product of the lengths: past this
// many words on either side the answers are compared as wholes.
const MAX_WORDS = 2_000;

/**
 * What changed between two answers, word by word (whitespace kept with the word before it),
 * by their longest common subsequence: how a prompt change moved the answer.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = before.match(/\S+\s*|\s+/g) ?? [];
  const b = after.match(/\S+\s*|\s+/g) ?? [];
  if (a.length > MAX_WORDS || b.length > MAX_WORDS)
    return before === after
      ? [{ kind: "same", text: after }]
      : [
          { kind: "removed", text: before },
          { kind: "added", text: after },
        ];
  // lengths[i][j]: the common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lengths[i] as Uint16Array;
    const next = lengths[i + 1] as Uint16Array;
    for (let j = b.length - 1; j >= 0; j--)
      row[j] =
        a[i] === b[j]
          ? (next[j + 1] as number) + 1
          : Math.max(next[j] as number, row[j + 1] as number);
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push("same", a[i] as string);
      i++;
      j++;
    } else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))
      push("removed", a[i++] as string);
    else push("added", b[j++] as string);
  }
  while (i < a.length) push("removed", a[i++] as string);
  while (j < b.length) push("added", b[j++] as string);
  return parts;
}
