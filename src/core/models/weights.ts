/** Weight snapshots: copies taken before a run, put back after a cancelled or diverged one. */
import * as tf from '@tensorflow/tfjs';

/** Copies of the model's weights (to restore them after a cancelled or diverged run). */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

export function restoreWeights(model: tf.LayersModel, snapshot: tf.Tensor[]): void {
  model.setWeights(snapshot);
}

export function disposeAll(tensors: tf.Tensor[]): void {
  for (const t of tensors) t.dispose();
}
