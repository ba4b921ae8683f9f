/** Short human-readable strings for progress and numbers. */
import type { TrainUpdate } from '../../../workers/protocol';

export function formatEpochDetail(u: Exclude<TrainUpdate, { kind: 'grid' }>): string {
  if (u.kind === 'epoch') {
    const acc = u.stats.testAccuracy ?? u.stats.trainAccuracy;
    return `epoch ${u.epoch}/${u.epochs} · loss ${u.stats.objective.toFixed(4)} · accuracy ${(100 * acc).toFixed(1)}%`;
  }
  return `epoch ${u.epoch}/${u.epochs} · batch ${u.batch}/${u.batches} · loss ${u.objective.toFixed(4)}`;
}

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** A share as a percentage ("12.3%"), or `missing` where there is no number (null, undefined, NaN, ±∞). */
export function pct(v: number | null | undefined, digits = 1, missing = '—'): string {
  return known(v) ? `${(100 * v).toFixed(digits)}%` : missing;
}

/** A number with `digits` decimals, or `missing` where there is none. */
export function fixed(v: number | null | undefined, digits: number, missing = '—'): string {
  return known(v) ? v.toFixed(digits) : missing;
}
