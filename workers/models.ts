/** The worker's store of trained models, by id. Models (and their tensors) never leave the worker. */
import type * as tf from '@tensorflow/tfjs';
import type { ModelSummary } from './protocol';

interface Entry {
  model: tf.LayersModel;
  summary: ModelSummary;
}

const store = new Map<string, Entry>();

export function getEntry(id: string): Entry {
  const e = store.get(id);
  if (!e) throw new Error(`No trained model "${id}": train one first.`);
  return e;
}

/** Stores a model under an id, disposing the model it replaces (unless it is the same one). */
export function putModel(model: tf.LayersModel, summary: ModelSummary): void {
  const old = store.get(summary.id);
  if (old && old.model !== model) old.model.dispose();
  store.set(summary.id, { model, summary });
}

export function updateSummary(id: string, patch: Partial<ModelSummary>): void {
  const e = store.get(id);
  if (e) e.summary = { ...e.summary, ...patch };
}

export function hasModel(id: string): boolean {
  return store.has(id);
}

export function deleteModel(id: string): void {
  store.get(id)?.model.dispose();
  store.delete(id);
}

export function listModels(): ModelSummary[] {
  return [...store.values()].map((e) => e.summary);
}
