/**
 * The worker's trained models by id: 2-D playground models and image models, each with the
 * summary the page sees. Models (and their tensors) never leave the worker. One store type for
 * both kinds; they differ only in their summary and in the message for a missing id.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageModelSummary } from './protocol/images';
import type { ModelSummary } from './protocol/playground';

export interface StoredModel<S> {
  model: tf.LayersModel;
  summary: S;
}

export interface ModelStore<S extends { id: string }> {
  get(id: string): StoredModel<S>;
  has(id: string): boolean;
  /** Stores a model under its summary's id, disposing the model it replaces (unless it is the same one). */
  put(model: tf.LayersModel, summary: S): void;
  delete(id: string): void;
  summaries(): S[];
}

function modelStore<S extends { id: string }>(missing: (id: string) => string): ModelStore<S> {
  const store = new Map<string, StoredModel<S>>();
  return {
    get(id) {
      const e = store.get(id);
      if (!e) throw new Error(missing(id));
      return e;
    },
    has: (id) => store.has(id),
    put(model, summary) {
      const old = store.get(summary.id);
      if (old && old.model !== model) old.model.dispose();
      store.set(summary.id, { model, summary });
    },
    delete(id) {
      store.get(id)?.model.dispose();
      store.delete(id);
    },
    summaries: () => [...store.values()].map((e) => e.summary),
  };
}

export const playgroundModels = modelStore<ModelSummary>((id) => `No trained model "${id}": train one first.`);
export const imageModels = modelStore<ImageModelSummary>((id) => `No image model "${id}": train or import one first.`);
