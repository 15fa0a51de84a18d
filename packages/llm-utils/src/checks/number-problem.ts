import { showGot } from "../text/show-value.js";

/** What a number option accepts. */
export interface NumberRule {
  readonly min: number;
  /** `Number.MAX_VALUE` for no bound but finiteness. */
  readonly max: number;
  readonly integer: boolean;
  /** What the message says it must be, when the range alone does not say it well. */
  readonly what?: string | undefined;
}

/**
 * What is wrong with a number option (`must be a positive integer, got the string "5"`), or
 * `undefined` when it is right: the one check behind every numeric option of the limits,
 * budgets and stores, so their messages read alike. NaN and the infinities are never right.
 */
export function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  if (
    typeof value === "number" &&
    value >= rule.min &&
    value <= rule.max &&
    (rule.integer ? Number.isInteger(value) : Number.isFinite(value))
  )
    return undefined;
  return `must be ${rule.what ?? describeRule(rule)}, got ${showGot(value)}`;
}

function describeRule({ min, max, integer }: NumberRule): string {
  const unbounded = max >= (integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE);
  const upTo = unbounded ? "" : ` up to ${max}`;
  if (min === 1 && integer) return `a positive integer${upTo}`;
  if (min === 0) return `a non-negative ${integer ? "integer" : "number"}${upTo}`;
  const kind = integer ? "an integer" : "a number";
  return unbounded ? `${kind} of at least ${min}` : `${kind} from ${min} to ${max}`;
}
