/** Weight snapshots: copies taken before a run, put back after a cancelled or diverged one. */
import * as tf from '@tensorflow/tfjs';

/** Copies of the model's weights (to restore them after a cancelled or diverged run). */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

export function restoreWeights(model: tf.LayersModel, snapshot: tf.Tensor[]): void {
  model.setWeights(snapshot);
}

/**
 * The weights of a training run's last completed epoch (at first, the initial ones): `save` at
 * the end of each epoch, `restore` after a cancelled, diverged or failed run, `dispose` when done.
 */
export function epochCheckpoint(model: tf.LayersModel): { save(): void; restore(): void; dispose(): void } {
  let snapshot = snapshotWeights(model);
  return {
    save: () => {
      disposeAll(snapshot);
      snapshot = snapshotWeights(model);
    },
    restore: () => restoreWeights(model, snapshot),
    dispose: () => disposeAll(snapshot),
  };
}

export function disposeAll(tensors: tf.Tensor[]): void {
  for (const t of tensors) t.dispose();
}
