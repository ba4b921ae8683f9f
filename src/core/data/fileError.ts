/**
 * The error every dataset parser throws for a file it refuses (wrong format, wrong length, bad
 * labels, corrupt or truncated gzip, too large, images and labels that do not pair). Its message
 * is meant for the user as it stands; `code` lets the page and the CLI tell these expected
 * refusals from bugs (any other Error).
 */
export const DATASET_ERROR_CODES = ['format', 'truncated', 'labels', 'gzip', 'too-large', 'mismatch', 'subset'] as const;
export type DatasetErrorCode = (typeof DATASET_ERROR_CODES)[number];

export class DatasetFileError extends Error {
  constructor(
    message: string,
    readonly code: DatasetErrorCode,
  ) {
    super(message);
    this.name = 'DatasetFileError';
  }
}

export function isDatasetFileError(e: unknown): e is DatasetFileError {
  return e instanceof DatasetFileError;
}

/** A byte count for messages: "1,234 bytes" or "12.3 MB" (1 MB = 2^20 bytes). */
export function formatBytes(n: number): string {
  if (n < 1 << 20) return `${n.toLocaleString('en-US')} bytes`;
  return `${(n / (1 << 20)).toFixed(1)} MB`;
}
