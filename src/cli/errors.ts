/**
 * Errors the CLI reports as a message (no stack trace) with a chosen exit status.
 *
 * Exit statuses: 0 success; 1 an unexpected failure (a bug: the stack is printed); 2 a problem
 * with what the user gave (arguments, a missing or malformed file, an invalid config, a model
 * that does not fit the config); 3 the training diverged (the result is still written);
 * 130 cancelled with Ctrl-C.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  diverged: 3,
  cancelled: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A file-system error in words: "no such file", "permission denied", … */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EISDIR') return 'is a directory, not a file';
  if (err?.code === 'EACCES') return 'permission denied';
  return err instanceof Error ? err.message : String(e);
}
