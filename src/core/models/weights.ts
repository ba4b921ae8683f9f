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

/**
 * Refuses a model with a NaN or ±Infinity weight, naming the weight: such a model gives no finite
 * output, and bounds or votes computed from it would mean nothing.
 */
export async function assertFiniteWeights(model: tf.LayersModel): Promise<void> {
  for (const w of model.weights) {
    const values = await w.read().data();
    let bad = 0;
    let first = -1;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad) throw new RangeError(`weight "${w.originalName ?? w.name}" has ${bad} non-finite value${bad === 1 ? '' : 's'} (NaN or ±Infinity; the first at index ${first}): refusing the model`);
  }
}
