/** Where the CLI writes: folders made one level at a time, and output paths checked before a run. */
import { closeSync, existsSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, describeFsError } from './errors';

/**
 * Creates the missing folders of `dir` one level at a time, from the nearest one that exists.
 * (Node's recursive mkdir loops forever where a level cannot be created but its parent exists,
 * as under /proc; one level at a time, the first failure is reported.)
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/**
 * Checks that `out` can be written, before a run that ends by writing it: its folders are made and
 * the file opened for appending (a file that did not exist is removed again).
 */
export function checkWritable(out: string | undefined): void {
  if (!out || out === '-') return;
  try {
    makeDirs(dirname(resolve(out)));
    const existed = existsSync(out);
    closeSync(openSync(out, 'a'));
    if (!existed) unlinkSync(out);
  } catch (e) {
    throw new CliError(`Cannot write ${out}: ${describeFsError(e)}`);
  }
}

