/** The page's side of the library: saved models and runs, listed from the worker's IndexedDB. */
import type { LibraryItem, LibraryKind } from '../../../workers/protocol';
import { worker } from '../workerClient';
import { loadDataset } from './actions';
import { useStore } from './store';

async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
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

export async function saveModelToLibrary(modelId: string): Promise<void> {
  const summary = useStore.getState().models[modelId];
  if (!summary) return;
  const name = `${summary.name} · ${new Date().toLocaleString()}`;
  const item = await attempt(`Saving "${summary.name}"`, () => worker().saveModel(modelId, name));
  if (item) useStore.getState().pushMessage('info', `Saved "${item.name}" in this browser.`);
  await refreshLibrary();
}

export async function loadModelFromLibrary(item: LibraryItem): Promise<void> {
  const asId = `lib-${item.id}`;
  const summary = await attempt(`Loading "${item.name}"`, () => worker().loadSavedModel(item.id, asId));
  if (!summary) return;
  await loadDataset(summary.config.data);
  const grid = await attempt('Drawing its decision regions', () => worker().predictGrid(asId));
  const s = useStore.getState();
  useStore.setState({
    models: { ...s.models, [asId]: summary },
    histories: { ...s.histories, [asId]: summary.history },
    ...(grid ? { grids: { ...s.grids, [asId]: grid } } : {}),
    activeModelId: asId,
  });
}

export async function renameLibraryItem(kind: LibraryKind, id: string, name: string): Promise<boolean> {
  const ok = await attempt('Renaming', () => worker().renameSaved(kind, id, name));
  await refreshLibrary();
  return ok !== null;
}

export async function deleteLibraryItem(kind: LibraryKind, id: string): Promise<void> {
  await attempt('Deleting', () => worker().deleteSaved(kind, id));
  await refreshLibrary();
}

/** Records an evaluation in the library (metrics only, not the per-point arrays). */
export async function recordRun(name: string, info: Record<string, unknown>, data: unknown): Promise<void> {
  const ok = await attempt('Recording the run', () => worker().saveRun(name, info, data));
  if (ok) await refreshLibrary();
}
