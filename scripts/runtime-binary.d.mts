/** See runtime-binary.mjs. */
export declare function runtimeBinary(
  pkg: string,
  path: string,
  manifest: string,
): { file: string; version: string } | string;
