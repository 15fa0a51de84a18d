import type { LLMConfig, LLMConfigInput, ProtocolName, RateLimitConfig } from "@loom/llm-types";
import { CONFIG_RULES, type KeyRule, type MAX_TIMER_MS, scalarDefaults } from "./config-rules.js";

/**
 * Every default, read from the config's rules (`config-rules.ts`), where each has its reason.
 */
export const CONFIG_DEFAULTS: {
  readonly provider: string;
  readonly protocol: ProtocolName;
  readonly timeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryDelayMs: number;
  readonly maxResponseBytes: number;
  readonly streamUsage: boolean;
  readonly enforcesResponseFormat: boolean;
  readonly allowInsecureHttp: boolean;
} = scalarDefaults();

/** Every key an `LLMConfigInput` may have, in the order of the config's rules. */
export const CONFIG_KEYS: readonly (keyof LLMConfigInput)[] = Object.freeze(
  Object.keys(CONFIG_RULES) as (keyof LLMConfigInput)[],
);

// The interfaces (@loom/llm-types, config/llm-config.ts) are written out for their docs; these
// fail the build if they drift from the rules (config-rules.ts): a key's type, whether it is
// required, whether it has a default.
type Rules = typeof CONFIG_RULES;
CONFIG_RULES satisfies { readonly [K in keyof LLMConfigInput]-?: KeyRule };
type ValueOf<R> = R extends { kind: "url" | "text" | "secret" | "env-name" }
  ? string
  : R extends { kind: "choice"; values: readonly (infer V)[] }
    ? V
    : R extends { kind: "number" }
      ? number
      : R extends { kind: "flag" }
        ? boolean
        : R extends { kind: "headers" }
          ? Readonly<Record<string, string>>
          : R extends { kind: "limits"; of: infer Of }
            ? { readonly [K in keyof Of]?: number | undefined }
            : never;
type Given<R> = R extends { required: true } ? true : false;
type Filled<R> = R extends { required: true } | { default: unknown } ? true : false;
type Shape<Always extends Record<keyof Rules, boolean>> = {
  readonly [K in keyof Rules as Always[K] extends true ? K : never]: ValueOf<Rules[K]>;
} & {
  readonly [K in keyof Rules as Always[K] extends true ? never : K]?: ValueOf<Rules[K]> | undefined;
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T;
type ScalarDefaults = {
  readonly [K in keyof Rules as Rules[K] extends { default: string | number | boolean }
    ? K
    : never]: Rules[K] extends { default: infer D } ? Widen<D> : never;
};
true satisfies Same<keyof Rules, keyof LLMConfigInput>;
true satisfies Same<Shape<{ [K in keyof Rules]: Filled<Rules[K]> }>, LLMConfig>;
true satisfies Same<Shape<{ [K in keyof Rules]: Given<Rules[K]> }>, LLMConfigInput>;
true satisfies Same<ValueOf<Rules["rateLimit"]>, RateLimitConfig>;
true satisfies Same<
  ScalarDefaults,
  Omit<typeof CONFIG_DEFAULTS, "protocol"> & { readonly protocol: string }
>;
true satisfies Same<Rules["protocol"]["values"][number], ProtocolName>;
true satisfies Same<
  Rules["timeoutMs" | "streamIdleTimeoutMs" | "maxRetryDelayMs"]["max"],
  typeof MAX_TIMER_MS
>;
