/**
 * The width of a model's first output, read from its shape: the classes of a classifier, the
 * abstain-extended logits of a verified network, the K heads of the noise rejectors.
 */
import type * as tf from '@tensorflow/tfjs';

/** The last axis of the model's first output; null when the shape leaves it open. */
export function outputWidth(model: tf.LayersModel): number | null {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1];
}

/** outputWidth for a model that must fix it: throws an Error with `message` when it is open. */
export function fixedOutputWidth(model: tf.LayersModel, message: string): number {
  const width = outputWidth(model);
  if (width == null) throw new Error(message);
  return width;
}
