/**
 * The worker's side of the library (storage.ts): saving a trained model from the worker's store,
 * loading one back into it, saving run records, listing, renaming and deleting.
 */
import { modelFromArtifacts, modelToArtifacts } from '../src/core/index';
import { getEntry, putModel } from './models';
import type { ModelSummary } from './protocol';
import { type LibraryItem, type LibraryKind, deleteItem, getPayload, listItems, newItemId, putItem, renameItem } from './storage';

interface ModelPayload {
  modelJson: unknown;
  weights: ArrayBuffer;
  summary: ModelSummary;
}

export const libraryApi = {
  library: (kind: LibraryKind): Promise<LibraryItem[]> => listItems(kind),

  async saveModel(modelId: string, name: string): Promise<LibraryItem> {
    const { model, summary } = getEntry(modelId);
    const { modelJson, weights } = await modelToArtifacts(model, { workbench: { summary } });
    const item: LibraryItem = {
      id: newItemId(),
      name: name.trim() || summary.name,
      createdAt: Date.now(),
      bytes: weights.byteLength + JSON.stringify(modelJson).length,
      info: { method: summary.method, data: summary.config.data.kind, epochs: summary.epochsCompleted, numClasses: summary.numClasses },
    };
    return putItem('models', item, { modelJson, weights, summary } satisfies ModelPayload);
  },

  /** Loads a saved model into the worker under `asModelId`; returns its summary. */
  async loadSavedModel(storedId: string, asModelId: string): Promise<ModelSummary> {
    const items = await listItems('models');
    const item = items.find((i) => i.id === storedId);
    const payload = await getPayload<ModelPayload>('models', storedId);
    const model = await modelFromArtifacts(payload.modelJson, payload.weights);
    const summary: ModelSummary = { ...payload.summary, id: asModelId, name: item?.name ?? payload.summary.name };
    putModel(model, summary);
    return summary;
  },

  saveRun: (name: string, info: Record<string, unknown>, data: unknown): Promise<LibraryItem> =>
    putItem('runs', { id: newItemId(), name, createdAt: Date.now(), bytes: JSON.stringify(data ?? null).length, info }, data),

  runRecord: (storedId: string): Promise<unknown> => getPayload('runs', storedId),
  renameSaved: (kind: LibraryKind, id: string, name: string): Promise<LibraryItem> => renameItem(kind, id, name),
  deleteSaved: (kind: LibraryKind, id: string): Promise<void> => deleteItem(kind, id),
};
