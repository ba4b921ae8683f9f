/**
 * Training a model into a model store, shared by the 2-D playground and the image workflow: the
 * new model replaces the stored one of its id once it has completed an epoch; a run that
 * completes none is disposed and leaves the earlier model in place.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EpochStats, TrainProgress, TrainResult, TrainStatus } from '../src/core/settings';
import type { ModelStore } from './modelStore';

/** Refuses a config that has field errors, naming each. */
export function assertNoErrors(errors: Record<string, string>): void {
  const keys = Object.keys(errors);
  if (keys.length) throw new Error(`Invalid settings: ${keys.map((k) => `${k} ${errors[k]}`).join('; ')}`);
}

interface TrainedSummary {
  id: string;
  history: EpochStats[];
  epochsCompleted: number;
}

/**
 * Runs `train` on `model` (its progress goes through `onProgress` after each epoch is stored).
 * Returns the outcome and the summary stored under the id afterwards (null: none), with `kept`
 * telling whether that is the new model.
 */
export async function trainIntoStore<S extends TrainedSummary>(
  store: ModelStore<S>,
  model: tf.LayersModel,
  summary: S,
  onProgress: (p: TrainProgress) => void | Promise<void>,
  train: (onProgress: (p: TrainProgress) => Promise<void>) => Promise<{ result: TrainResult }>,
): Promise<{ status: TrainStatus; message: string; model: S | null; kept: boolean }> {
  let committed = false;
  try {
    const { result } = await train(async (p) => {
      if (p.kind === 'epoch') {
        summary.history = [...summary.history, p.stats];
        summary.epochsCompleted = p.epoch;
        store.put(model, { ...summary });
        committed = true;
      }
      await onProgress(p);
    });
    if (!committed) {
      model.dispose();
      return { status: result.status, message: result.message, model: store.has(summary.id) ? store.get(summary.id).summary : null, kept: false };
    }
    // Cancelled or diverged runs were rolled back to the last completed epoch by the trainer.
    summary.history = result.history;
    summary.epochsCompleted = result.epochsCompleted;
    store.put(model, { ...summary });
    return { status: result.status, message: result.message, model: { ...summary }, kept: true };
  } catch (e) {
    if (!committed) model.dispose();
    throw e;
  }
}
