/** What the CLI's `verify` command writes: the per-input TSV rows and the table on stderr. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AbstainErrorTable, AbstainVerdicts, BoundMethod } from '../core';
import { CliError } from './errors';
import { wholeLines } from './files';
import { f32, status } from './session';
import type { ChunkedVerification, ResumedRows } from './verifyChunks';

export const roundMs = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

export const share = (a: Uint8Array) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN);

/** The header row of the per-input table (tab-separated, with its newline). */
export function perInputHeader(bounds: BoundMethod[], K: number): string {
  const head = ['idx', 'label', 'prediction', 'abstained'];
  for (const b of bounds) head.push(`certified_${b}`, `verified_${b}`, `margin_${b}`);
  for (const b of bounds) for (let t = 0; t < K; t++) head.push(`lambda_${b}_t${t}`);
  return head.join('\t') + '\n';
}

/**
 * Rows of the per-input table for the verdicts of one chunk (its input i is input start + i of
 * the run: test-set index indices[start + i], label labels[start + i]), each with its newline.
 */
export function perInputRows(indices: ArrayLike<number>, labels: ArrayLike<number>, start: number, verdicts: Partial<Record<BoundMethod, AbstainVerdicts>>, bounds: BoundMethod[]): string {
  const first = verdicts[bounds[0]]!;
  const K = first.numClasses;
  const M = first.abstainClasses;
  const T = K - 1;
  let text = '';
  for (let i = 0; i < first.n; i++) {
    const row: Array<string | number> = [indices[start + i], labels[start + i], first.cleanPrediction[i], first.cleanPrediction[i] >= K ? 1 : 0];
    for (const b of bounds) {
      const v = verdicts[b]!;
      row.push(v.certified[i], v.verified[i], f32(v.margin[i]));
    }
    for (const b of bounds) {
      const v = verdicts[b]!;
      const byTarget = new Map<number, string>();
      for (let j = 0; j < T; j++) {
        const at = (i * T + j) * (M + 1);
        byTarget.set(v.targets[i * T + j], Array.from(v.lambda.subarray(at, at + M + 1), f32).join(','));
      }
      for (let t = 0; t < K; t++) row.push(byTarget.get(t) ?? '-');
    }
    text += row.join('\t') + '\n';
  }
  return text;
}

/** Appends text to a file (the per-input table, chunk by chunk), or writes it to stdout for "-". */
export function appendText(text: string, path: string): void {
  if (path === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    appendFileSync(path, text);
  } catch (e) {
    throw new CliError(`Cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const pct = (v: number) => (Number.isNaN(v) ? '-' : `${(100 * v).toFixed(1)}%`);
export const ms = (v: number) => (!Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

export function logTable(r: ChunkedVerification, bounds: BoundMethod[], pgd: (AbstainErrorTable & { msPerInput: number }) | null, pgdSteps: number): void {
  const rows = [['bound', 'verified err', 'certified', 'standard err', 'abstain clean', 'non-finite', 'ms/input']];
  for (const b of bounds) {
    const run = r.runs[b]!;
    const v = run.verdicts;
    rows.push([b, pct(v.verifiedError), pct(share(v.certified)), pct(v.standardError), pct(v.abstainClean), String(v.nonFinite), ms(run.totalMs / v.n)]);
  }
  if (pgd) rows.push([`PGD-${pgdSteps}`, pct(pgd.pgdError), '', pct(pgd.standardError), pct(pgd.abstainClean), '', ms(pgd.msPerInput)]);
  const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  for (const row of rows) status.log(row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
  if (pgd) {
    status.log(
      `PGD-${pgdSteps}: attack success ${pct(pgd.attackSuccess)}, detected (adversarial output in an abstain class) ${pct(pgd.detected)}` +
        (pgd.numAbstain > 0 ? `; detections per abstain class (clean-correct inputs): ${pgd.detectedPerClass.join(', ')}` : ''),
    );
  }
}

/**
 * Reads back the per-input TSV of an interrupted run for --resume: the header must be this run's,
 * each row's idx and label this run's input at that place (else the settings differ), a row cut
 * off mid-write is dropped, and only whole batches are kept, so the resumed run verifies the
 * same batches as an uninterrupted one. Rewrites the file to what is kept and returns it.
 */
export function resumePerInput(path: string, bounds: BoundMethod[], K: number, indices: ArrayLike<number>, labels: ArrayLike<number>, batch: number): ResumedRows {
  const header = perInputHeader(bounds, K);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = wholeLines(text).split('\n').slice(0, -1);
  if (lines.length === 0) {
    writeFileSync(path, header);
    return { done: 0, verdicts: {} };
  }
  if (lines[0] + '\n' !== header) throw new CliError(`--resume: ${path} has other columns than this run writes (a different --bound or dataset?); header ${JSON.stringify(lines[0].slice(0, 80))}`);
  const rows = lines.slice(1);
  if (rows.length > indices.length) throw new CliError(`--resume: ${path} has ${rows.length} rows but this run verifies ${indices.length} inputs: the settings differ`);
  const done = Math.floor(rows.length / batch) * batch;
  const n = done;
  const verdicts: ResumedRows['verdicts'] = {};
  for (const b of bounds) verdicts[b] = { cleanPrediction: new Int32Array(n), certified: new Uint8Array(n), verified: new Uint8Array(n), margin: new Float32Array(n) };
  for (let i = 0; i < done; i++) {
    const cells = rows[i].split('\t');
    const line = i + 2;
    if (Number(cells[0]) !== indices[i] || Number(cells[1]) !== labels[i]) {
      throw new CliError(`--resume: ${path} line ${line} is input ${cells[0]} (label ${cells[1]}), but this run's input ${i} is ${indices[i]} (label ${labels[i]}): the settings differ`);
    }
    bounds.forEach((b, j) => {
      const v = verdicts[b]!;
      v.cleanPrediction[i] = Number(cells[2]);
      v.certified[i] = Number(cells[4 + 3 * j]);
      v.verified[i] = Number(cells[5 + 3 * j]);
      v.margin[i] = cells[6 + 3 * j] === 'NaN' ? Number.NaN : Number(cells[6 + 3 * j]);
    });
  }
  writeFileSync(path, [header.trimEnd(), ...rows.slice(0, done)].join('\n') + '\n');
  return { done, verdicts };
}
