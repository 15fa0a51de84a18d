/** See runtime-binary.mjs. */
export declare function runtimeBinary(
  pkg: string,
  path: string,
  manifest: string,
): { file: string; version: string } | string;

/** See runtime-binary.mjs. */
export declare function runtimeCommand(
  name: "bun" | "deno",
  manifest: string,
): { file: string; args: string[]; env: Record<string, string>; version: string } | string;
