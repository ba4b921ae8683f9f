/**
 * The worker's side of the library (storage.ts): saving a trained model (2-D or image) from the
 * worker's stores and loading it back, saving and loading image datasets, saving run records,
 * listing, renaming and deleting.
 */
import { type ImageDataset, modelFromArtifacts, modelToArtifacts } from '../src/core/index';
import { getImageDataset, newDatasetId, putImageDataset, type StoredImageDataset, viewOf } from './imageDatasets';
import { type ModelStore, type StoredModel, imageModels, playgroundModels } from './modelStore';
import type { LibraryItem, LibraryWorkerApi } from './protocol/library';
import { deleteItem, getPayload, listItems, newItemId, putItem, renameItem } from './storage';

interface ModelPayload<S> {
  modelJson: unknown;
  weights: ArrayBuffer;
  summary: S;
}

/** Saves a stored model with its summary (also in the model.json's metadata, under `metadataKey`). */
export async function saveModelItem<S extends { name: string }>({ model, summary }: StoredModel<S>, metadataKey: 'summary' | 'imageSummary', name: string, info: Record<string, unknown>): Promise<LibraryItem> {
  const { modelJson, weights } = await modelToArtifacts(model, { workbench: { [metadataKey]: summary } });
  const item: LibraryItem = { id: newItemId(), name: name.trim() || summary.name, createdAt: Date.now(), bytes: weights.byteLength + JSON.stringify(modelJson).length, info };
  return putItem('models', item, { modelJson, weights, summary } satisfies ModelPayload<S>);
}

/** Loads a saved model into `store` under `asModelId`, named as its library item; returns its summary. */
async function loadModelItem<S extends { id: string; name: string }>(store: ModelStore<S>, storedId: string, asModelId: string): Promise<S> {
  const item = (await listItems('models')).find((i) => i.id === storedId);
  const payload = await getPayload<ModelPayload<S>>('models', storedId);
  const model = await modelFromArtifacts(payload.modelJson, payload.weights);
  const summary: S = { ...payload.summary, id: asModelId, name: item?.name ?? payload.summary.name };
  store.put(model, summary);
  return summary;
}

/** Pixels as bytes when they are exactly k/255 (every 8-bit source), else as floats. */
function packPixels(images: Float32Array): Uint8Array | Float32Array {
  const bytes = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const v = images[i] * 255;
    const r = Math.round(v);
    if (Math.abs(v - r) > 1e-3) return images;
    bytes[i] = r;
  }
  return bytes;
}

function unpackPixels(p: Uint8Array | Float32Array): Float32Array {
  if (p instanceof Float32Array) return p;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] / 255;
  return out;
}

interface DatasetPayload {
  name: string;
  testSource: 'file' | 'held out';
  parts: Record<'train' | 'test', { images: Uint8Array | Float32Array; labels: Int32Array; shape: ImageDataset['shape']; numClasses: number; classNames?: string[]; source: string }>;
}

export const libraryApi: LibraryWorkerApi = {
  library: (kind) => listItems(kind),

  async saveModel(modelId, name) {
    const stored = playgroundModels.get(modelId);
    const { summary } = stored;
    return saveModelItem(stored, 'summary', name, { method: summary.method, data: summary.config.data.kind, epochs: summary.epochsCompleted, numClasses: summary.numClasses });
  },

  loadSavedModel: (storedId, asModelId) => loadModelItem(playgroundModels, storedId, asModelId),

  async saveImageModel(modelId, name) {
    const stored = imageModels.get(modelId);
    const { summary } = stored;
    return saveModelItem(stored, 'imageSummary', name, { kind: 'image', method: summary.method ?? 'imported', data: summary.datasetName, epochs: summary.epochsCompleted, numClasses: summary.numClasses });
  },

  loadSavedImageModel: (storedId, asModelId) => loadModelItem(imageModels, storedId, asModelId),

  async saveImageDataset(datasetId, name) {
    const d = getImageDataset(datasetId);
    const part = (ds: ImageDataset) => ({ images: packPixels(ds.images), labels: ds.labels, shape: ds.shape, numClasses: ds.numClasses, classNames: ds.classNames, source: ds.source });
    const payload: DatasetPayload = { name: d.name, testSource: d.testSource, parts: { train: part(d.train), test: part(d.test) } };
    const bytes = payload.parts.train.images.byteLength + payload.parts.test.images.byteLength;
    const item: LibraryItem = { id: newItemId(), name: name.trim() || d.name, createdAt: Date.now(), bytes, info: { kind: 'image-dataset', shape: d.train.shape.join('×'), train: d.train.labels.length, test: d.test.labels.length, classes: d.train.numClasses } };
    return putItem('datasets', item, payload);
  },

  async loadSavedImageDataset(storedId) {
    const p = await getPayload<DatasetPayload>('datasets', storedId);
    const item = (await listItems('datasets')).find((i) => i.id === storedId);
    const part = (q: DatasetPayload['parts']['train']): ImageDataset => ({ ...q, images: unpackPixels(q.images) });
    const d: StoredImageDataset = { id: newDatasetId(), name: item?.name ?? p.name, train: part(p.parts.train), test: part(p.parts.test), testSource: p.testSource };
    putImageDataset(d);
    return viewOf(d, []);
  },

  saveRun: (name, info, data) => putItem('runs', { id: newItemId(), name, createdAt: Date.now(), bytes: JSON.stringify(data ?? null).length, info }, data),
  runRecord: (storedId) => getPayload('runs', storedId),
  renameSaved: (kind, id, name) => renameItem(kind, id, name),
  deleteSaved: (kind, id) => deleteItem(kind, id),
};
