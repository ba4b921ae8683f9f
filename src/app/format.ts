/** Short human-readable strings for progress and numbers. */
import type { TrainUpdate } from '../../workers/protocol';

export function formatEpochDetail(u: Exclude<TrainUpdate, { kind: 'grid' }>): string {
  if (u.kind === 'epoch') {
    const acc = u.stats.testAccuracy ?? u.stats.trainAccuracy;
    return `epoch ${u.epoch}/${u.epochs} · loss ${u.stats.objective.toFixed(4)} · accuracy ${(100 * acc).toFixed(1)}%`;
  }
  return `epoch ${u.epoch}/${u.epochs} · batch ${u.batch}/${u.batches} · loss ${u.objective.toFixed(4)}`;
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(digits)}%`;
}
