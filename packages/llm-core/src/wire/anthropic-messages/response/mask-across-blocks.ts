import type { ExchangeFacts } from "@loom/llm-types";

type Json = Record<string, unknown>;

/** The field that holds each text-like block's text. */
const TEXT_FIELD: Readonly<Record<string, string>> = { text: "text", thinking: "thinking" };

/**
 * The content blocks with a secret cut across blocks of one kind masked too. Each block was
 * masked on its own; a key a hostile server splits over two text (or thinking) blocks is whole
 * only once they are joined, as `content` and the stream's events join them. When joining the
 * blocks of a kind shows one, their masked text goes into the first of them and the others are
 * left empty: the blocks' boundaries matter less than the secret (a thinking block's signature
 * then no longer matches, and the server refuses the turn rather than anyone reading the key).
 */
export function maskAcrossBlocks(parts: Json[], facts: ExchangeFacts): Json[] {
  if (facts.redactor.empty || parts.length < 2) return parts;
  let out: Json[] | undefined;
  for (const [type, field] of Object.entries(TEXT_FIELD)) {
    const at: number[] = [];
    parts.forEach((part, i) => {
      if (part.type === type) at.push(i);
    });
    if (at.length < 2) continue;
    const joined = at.map((i) => String(parts[i]?.[field] ?? "")).join("");
    const masked = facts.redact(joined);
    if (masked === joined) continue;
    out ??= [...parts];
    for (const i of at) out[i] = { ...(parts[i] as Json), [field]: i === at[0] ? masked : "" };
  }
  return out ?? parts;
}
