/** What the CLI's exit status says, so scripts can tell failures apart. */
export const EXIT = {
  ok: 0,
  /** Unexpected: a bug. */
  failure: 1,
  /** Bad arguments. */
  usage: 2,
  /** A config problem: no key, a bad loom.toml, an unknown provider. */
  config: 3,
  /** The API answered with an error (the status is printed). */
  api: 4,
  /**
   * Standard output or error could not be written (a full disk, `> /dev/full`): EX_IOERR of
   * sysexits.h. `main.ts` exits with it; a reader that went away (EPIPE) is no error.
   */
  output: 74,
  /** Interrupted (Ctrl-C), as shells report SIGINT. */
  interrupted: 130,
} as const;

/** A failure that carries its exit status. */
export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}
