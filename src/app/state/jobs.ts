/**
 * Runs a worker job from the page: registers it in the store (progress bar, time left, cancel
 * button), and turns failures into messages. Cancellation is a normal outcome, not an error.
 */
import { newJobId, proxy, worker } from '../workerClient';
import { useStore } from './store';
import { closeWindow, openWindow } from './responsiveness';

export type ProgressCallback = (fraction: number, etaMs: number | null, detail?: string) => void;

export function updateJob(id: string, patch: Partial<{ fraction: number; etaMs: number | null; detail: string }>): void {
  const jobs = useStore.getState().jobs;
  if (!jobs[id]) return;
  useStore.setState({ jobs: { ...jobs, [id]: { ...jobs[id], ...patch } } });
}

function isCancelledError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'CancelledError' || /cancel/i.test(e.message));
}

let jobsStopped = 0;

/** How many jobs have failed or been cancelled since the page opened: a sequence of jobs compares it before and after to know it ran through. */
export function stoppedJobCount(): number {
  return jobsStopped + cancelledJobs.size;
}

/**
 * Runs `fn` as a job labelled `label`; resolves with its result, or null when it failed or was
 * cancelled (a message says which).
 */
export async function withJob<T>(kind: string, label: string, fn: (jobId: string, progress: ProgressCallback) => Promise<T>): Promise<T | null> {
  const id = newJobId(kind);
  const { jobs, pushMessage } = useStore.getState();
  useStore.setState({ jobs: { ...jobs, [id]: { id, label, fraction: 0, etaMs: null, detail: '' } } });
  openWindow(id, label);
  try {
    return await fn(id, (fraction, etaMs, detail) => updateJob(id, { fraction, etaMs, ...(detail !== undefined ? { detail } : {}) }));
  } catch (e) {
    jobsStopped++;
    if (isCancelledError(e)) pushMessage('info', `${label}: cancelled.`);
    else pushMessage('error', `${label} failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  } finally {
    closeWindow(id);
    const rest = { ...useStore.getState().jobs };
    delete rest[id];
    useStore.setState({ jobs: rest });
  }
}

/** A comlink proxy of a progress callback for the worker. */
export function progressProxy(progress: ProgressCallback) {
  return proxy((fraction: number, etaMs: number | null) => progress(fraction, etaMs));
}

const cancelledJobs = new Set<string>();
/** Jobs that also run in a worker of their own, and how to cancel them there. */
const extraCancels = new Map<string, () => void>();

export function cancelJob(id: string): void {
  cancelledJobs.add(id);
  void worker().cancel(id);
  extraCancels.get(id)?.();
}

/** While `fn` runs, Cancel on job `id` also calls `cancel` (for a part of the job running in another worker). */
export async function alsoCancel<T>(id: string, cancel: () => void, fn: () => Promise<T>): Promise<T> {
  extraCancels.set(id, cancel);
  try {
    return await fn();
  } finally {
    extraCancels.delete(id);
  }
}

/** Whether the user pressed Cancel on this job (multi-part jobs check it between parts). */
export function jobWasCancelled(id: string): boolean {
  return cancelledJobs.has(id);
}

export function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'estimating…';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s left`;
  return `${Math.floor(s / 60)} min ${s % 60} s left`;
}
