/**
 * Whether a gradient tape is recording: ops run now will be differentiated, so the fused kernels
 * and in-place shortcuts that have no gradient of their own are avoided. Its own file because the
 * kernel replacements (kernels.ts) and the forward pass (models/forward.ts) both ask.
 */
import * as tf from '@tensorflow/tfjs';

/** True while a gradient tape records. */
export function isTaped(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}
