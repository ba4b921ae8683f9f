/** Running jobs of the worker: one AbortController per job id, and progress with a time-left estimate. */
import type { ProgressFn } from './protocol/common';

const controllers = new Map<string, AbortController>();
/**
 * Job ids the page cancelled. Cancellation is sticky: a cancel that arrives between two parts of
 * a job (e.g. the preset's three trainings share one id) or before the job started still stops it.
 */
const cancelled = new Set<string>();
const MAX_REMEMBERED = 1000;

export function startJob(jobId: string): AbortSignal {
  controllers.get(jobId)?.abort();
  const c = new AbortController();
  controllers.set(jobId, c);
  if (cancelled.has(jobId)) c.abort();
  return c.signal;
}

export function endJob(jobId: string): void {
  controllers.delete(jobId);
}

export function cancelJob(jobId: string): void {
  cancelled.add(jobId);
  if (cancelled.size > MAX_REMEMBERED) cancelled.delete(cancelled.values().next().value as string);
  controllers.get(jobId)?.abort();
}

/** Runs fn as a job: the signal aborts on cancelJob(jobId); the job is forgotten afterwards. */
export async function runJob<T>(jobId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = startJob(jobId);
  try {
    return await fn(signal);
  } finally {
    endJob(jobId);
  }
}

/**
 * Wraps a ProgressFn so that callers report plain fractions over one or more stages and the
 * page receives the overall fraction with an estimate of the time left (linear extrapolation).
 */
export function stagedProgress(onProgress: ProgressFn, stages: number[]): (stage: number) => (fraction: number) => void {
  const total = stages.reduce((a, b) => a + b, 0);
  const start = Date.now();
  let last = 0;
  return (stage: number) => (fraction: number) => {
    const before = stages.slice(0, stage).reduce((a, b) => a + b, 0);
    const overall = Math.min(1, (before + stages[stage] * fraction) / total);
    const now = Date.now();
    if (now - last < 100 && overall < 1) return;
    last = now;
    const elapsed = now - start;
    onProgress(overall, overall > 0 ? (elapsed * (1 - overall)) / overall : null);
  };
}
