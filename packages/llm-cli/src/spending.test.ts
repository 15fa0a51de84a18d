import { describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";
import { Spending } from "./spending.js";

/** A spending of finished answers (`costs`) and interrupted ones. */
function spending(costs: (number | undefined)[], interrupted: (number | undefined)[] = []) {
  const s = new Spending();
  for (const cost of costs) s.add(cost);
  for (const cost of interrupted) s.addInterrupted(cost);
  return s;
}

describe("Spending: unknown is never summed as $0", () => {
  it.each([
    [[], [], "spent nothing"],
    [[0.00012], [], "spent $0.000120 on 1 answer"],
    [[0.0001, 0.00002, undefined], [], "spent $0.000120 on 3 answers (1 of unknown cost)"],
    [[undefined, undefined], [], "spent an unknown amount on 2 answers"],
    [[0], [], "spent $0.000000 on 1 answer"],
    [[], [undefined], "spent an unknown amount on 1 answer (1 interrupted, cost unknown)"],
    [[], [0.000004], "spent $0.000004 on 1 answer (1 interrupted)"],
    [[0.0002], [undefined], "spent $0.000200 on 2 answers (1 interrupted, cost unknown)"],
    [
      [0.0002, undefined],
      [undefined, 0.0001],
      "spent $0.000300 on 4 answers (1 of unknown cost; 2 interrupted, 1 of them of unknown cost)",
    ],
  ])("%j finished, %j interrupted: %s", (costs, interrupted, text) => {
    expect(spending(costs, interrupted).spent()).toBe(text);
  });

  it("Ctrl-C: exit 130 with what was spent", () => {
    const error = spending([undefined], [undefined]).interrupted();
    expect(error.exitCode).toBe(EXIT.interrupted);
    expect(error.message).toBe(
      "interrupted; spent an unknown amount on 2 answers (1 interrupted, cost unknown)",
    );
  });
});
