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

/** Per weight of the model, whether all its values are finite (one flag a weight is read back, not the weights). */
export async function finiteWeightFlags(model: tf.LayersModel): Promise<boolean[]> {
  if (!model.weights.length) return [];
  const flags = tf.tidy(() => tf.stack(model.weights.map((w) => tf.all(tf.isFinite(w.read())))));
  const values = await flags.data();
  flags.dispose();
  return Array.from(values, (v) => v === 1);
}

/**
 * Refuses a model with a NaN or ±Infinity weight, naming the weight: such a model gives no finite
 * output, and bounds or votes computed from it would mean nothing.
 */
export async function assertFiniteWeights(model: tf.LayersModel): Promise<void> {
  const bad = (await finiteWeightFlags(model)).indexOf(false);
  if (bad < 0) return;
  // Only the offending weight is read back, to say how many values and where the first is.
  const w = model.weights[bad];
  const values = await w.read().data();
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      count++;
      if (first < 0) first = i;
    }
  }
  throw new RangeError(`weight "${w.originalName ?? w.name}" has ${count} non-finite value${count === 1 ? '' : 's'} (NaN or ±Infinity; the first at index ${first}): refusing the model`);
}
