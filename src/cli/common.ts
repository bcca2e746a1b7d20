// Pieces every CLI command shares.

/** A mistake in how the command was called: exit code 2 and the usage text. */
export class UsageError extends Error {}

/** Where a command writes: one line at a time, stdout and stderr. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}
