/** The page's list of the library (saved models, runs and datasets in the worker's IndexedDB), and recording runs in it. */
import { worker } from '../workerClient';
import { useStore } from './store';

/** Runs fn; a failure becomes an error message on the page and null. */
export async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    useStore.getState().pushMessage('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export async function refreshLibrary(): Promise<void> {
  const [models, runs, datasets] = await Promise.all([
    attempt('Reading saved models', () => worker().library('models')),
    attempt('Reading saved runs', () => worker().library('runs')),
    attempt('Reading saved datasets', () => worker().library('datasets')),
  ]);
  useStore.setState({ library: { models: models ?? [], runs: runs ?? [], datasets: datasets ?? [] } });
}

/** Records an evaluation in the library (metrics only, not the per-point arrays). */
export async function recordRun(name: string, info: Record<string, unknown>, data: unknown): Promise<void> {
  const ok = await attempt('Recording the run', () => worker().saveRun(name, info, data));
  if (ok) await refreshLibrary();
}
