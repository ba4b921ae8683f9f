/** The page's library actions: save a 2-D model, load one back (with its dataset and grid), rename and delete saved items. */
import type { LibraryItem, LibraryKind } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { loadDataset } from '../../state/playgroundModels';
import { attempt, refreshLibrary } from '../../state/library';
import { useStore } from '../../state/store';

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
