// An SVG chart of the ratios to the floor (raw undici; on Bun and Deno their own fetch): one
// group of bars per scenario, a line at 1.0 and the target. Written by hand: a few rectangles.

export interface ChartRow {
  scenario: string;
  target: number | undefined;
  ratios: { driver: string; ratio: number }[];
}

const COLORS: Record<string, string> = {
  "raw-undici": "#9aa5b1",
  fetch: "#b7a57a",
  openai: "#10a37f",
  "vercel-ai": "#222222",
  loom: "#d9480f",
  "loom (no telemetry)": "#f08c00",
  // The import scenario's rows, named by the module imported.
  undici: "#9aa5b1",
  "@loom/llm": "#d9480f",
};

/** `floor` names the floor beside the line at 1.0. */
export function chart(rows: readonly ChartRow[], title: string, floor: string): string {
  const barHeight = 14;
  const gap = 4;
  const left = 190;
  const width = 860;
  const plot = width - left - 70;
  const max = Math.max(2, ...rows.flatMap((r) => r.ratios.map((x) => x.ratio))) * 1.05;
  const x = (ratio: number) => left + (Math.min(ratio, max) / max) * plot;
  const parts: string[] = [];
  let y = 50;
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${row.scenario}</text>`);
    y += 20;
    for (const { driver, ratio } of row.ratios) {
      parts.push(`<text x="20" y="${y + 11}">${escapeXml(driver)}</text>`);
      parts.push(
        `<rect x="${left}" y="${y}" width="${(x(ratio) - left).toFixed(1)}" height="${barHeight}" fill="${COLORS[driver] ?? "#555"}"/>`,
      );
      parts.push(
        `<text x="${(x(ratio) + 6).toFixed(1)}" y="${y + 11}">${ratio.toFixed(2)}×</text>`,
      );
      y += barHeight + gap;
    }
    if (row.target !== undefined) {
      const tx = x(row.target).toFixed(1);
      const top = y - row.ratios.length * (barHeight + gap) - 2;
      parts.push(
        `<line x1="${tx}" y1="${top}" x2="${tx}" y2="${y}" stroke="#d9480f" stroke-dasharray="4 3"/>`,
      );
      parts.push(
        `<text x="${tx}" y="${top - 2}" font-size="10" fill="#d9480f">target ${row.target}</text>`,
      );
    }
    y += 14;
  }
  const one = x(1).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${one}" y1="36" x2="${one}" y2="${y}" stroke="#9aa5b1"/>`,
    `<text x="${one}" y="46" font-size="10" fill="#555">1.0 = ${escapeXml(floor)}</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
