/**
 * How many noisy copies fit in one forward pass: a batch's memory is estimated from the model's
 * layer output sizes before anything is drawn, so an oversized --batch is refused with the largest
 * batch that fits instead of crashing the WASM heap part-way through a run.
 */
import type * as tf from '@tensorflow/tfjs';
import { MAX_BATCH_BYTES } from '../limits';

const size = (shape: Array<number | null>) => shape.reduce<number>((a, d) => a * (d ?? 1), 1);

/**
 * Bytes one classified copy takes at the peak of a batch: the input three times (the repeated
 * input, the noise and their sum) and every layer's output twice (kept inside the forward pass's
 * tidy next to its pre-activation), as float32.
 */
export function bytesPerCopy(model: tf.LayersModel): number {
  let floats = 3 * size(model.inputs[0].shape.slice(1));
  for (const layer of model.layers) {
    const out = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
    const shapes = Array.isArray(out[0]) ? (out as Array<Array<number | null>>) : [out as Array<number | null>];
    for (const s of shapes) floats += 2 * size(s.slice(1));
  }
  return 4 * floats;
}

/** Throws a RangeError naming the batch size and the largest that fits when `batchSize` copies exceed the budget. */
export function checkBatchFits(perCopy: number | undefined, batchSize: number, budget = MAX_BATCH_BYTES): void {
  if (!perCopy || batchSize * perCopy <= budget) return;
  const largest = Math.max(1, Math.floor(budget / perCopy));
  throw new RangeError(
    `batch size ${batchSize.toLocaleString('en')} needs about ${((batchSize * perCopy) / 1e9).toFixed(1)} GB for this model (${perCopy.toLocaleString('en')} bytes per noisy copy); the largest batch that fits in ${(budget / 2 ** 30).toFixed(0)} GiB is ${largest.toLocaleString('en')}`,
  );
}
