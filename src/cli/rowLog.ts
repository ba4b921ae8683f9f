/**
 * A certification log written as its rows come: the header at once, then each input's row the
 * moment it is done, so that Ctrl-C, SIGTERM, kill -9 or a crash keeps every finished row. With
 * --resume an existing log is read back (a row cut off mid-write is dropped) and the run goes on
 * after it; since each input's noise comes from a seed derived from --seed and its index, the
 * resumed log holds the same rows as an uninterrupted run (all but the time column).
 */
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type CertificationRow, formatCertificationLog, parseCertificationLog } from '../core';
import { CliError } from './errors';
import { makeDirs } from './outPath';
import { wholeLines } from './files';

export interface RowLog {
  /** The rows already in the log (from the run that --resume continues). */
  done: CertificationRow[];
  write(row: CertificationRow): void;
  close(): void;
}

const rowLine = (row: CertificationRow, mode: 'certify' | 'predict') => formatCertificationLog([row], mode).split('\n')[1] + '\n';

/** Opens the log (stdout without --out), checking that it can be written before anything runs. */
export function openRowLog(out: string | undefined, mode: 'certify' | 'predict', resume: boolean): RowLog {
  const header = formatCertificationLog([], mode);
  if (!out || out === '-') {
    if (resume) throw new CliError('--resume needs --out FILE: the log of the run to continue');
    process.stdout.write(header);
    return { done: [], write: (row) => void process.stdout.write(rowLine(row, mode)), close: () => undefined };
  }
  let done: CertificationRow[] = [];
  let fd: number;
  try {
    makeDirs(dirname(resolve(out)));
    let kept = '';
    if (resume && existsSync(out)) {
      // A row cut off by the interruption is computed again.
      kept = wholeLines(readFileSync(out, 'utf8'));
    }
    if (kept.trim()) {
      const parsed = parseCertificationLog(kept, out);
      if (parsed.kind !== mode) throw new CliError(`--resume: ${out} is a ${parsed.kind} log, not a ${mode} log`);
      done = parsed.rows;
    } else kept = header;
    writeFileSync(out, kept);
    fd = openSync(out, 'a');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`Cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    done,
    write: (row) => void writeSync(fd, rowLine(row, mode)),
    close: () => closeSync(fd),
  };
}
