/** What the CLI's `verify` command writes: the per-input TSV rows and the table on stderr. */
import { appendFileSync } from 'node:fs';
import type { AbstainErrorTable, AbstainVerdicts, BoundMethod } from '../core';
import { CliError } from './errors';
import { f32, status } from './session';
import type { ChunkedVerification } from './verifyChunks';

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
