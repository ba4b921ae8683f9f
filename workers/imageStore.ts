/** The worker's image datasets and image models, by id. Pixels and tensors stay in the worker. */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../src/core/settings';
import type { ImageModelSummary } from './protocol';

export interface StoredImageDataset {
  id: string;
  name: string;
  train: ImageDataset;
  test: ImageDataset;
  /** How the test part was obtained. */
  testSource: 'file' | 'held out';
}

const datasets = new Map<string, StoredImageDataset>();
const models = new Map<string, { model: tf.LayersModel; summary: ImageModelSummary }>();

/** The worker keeps one image dataset at a time (the page shows one): a new one replaces it. */
export function putImageDataset(d: StoredImageDataset): void {
  datasets.clear();
  datasets.set(d.id, d);
}

export function getImageDataset(id: string): StoredImageDataset {
  const d = datasets.get(id);
  if (!d) throw new Error('This dataset is no longer loaded: import it again.');
  return d;
}

export function putImageModel(model: tf.LayersModel, summary: ImageModelSummary): void {
  const old = models.get(summary.id);
  if (old && old.model !== model) old.model.dispose();
  models.set(summary.id, { model, summary });
}

export function getImageModel(id: string): { model: tf.LayersModel; summary: ImageModelSummary } {
  const m = models.get(id);
  if (!m) throw new Error(`No image model "${id}": train or import one first.`);
  return m;
}

export function hasImageModel(id: string): boolean {
  return models.has(id);
}

export function dropImageModel(id: string): void {
  models.get(id)?.model.dispose();
  models.delete(id);
}
