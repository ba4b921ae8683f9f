/**
 * Fast gradient sign method (Goodfellow et al. 2015): one step of size eps along the
 * steepest-ascent direction of the cross-entropy, sign(g) for l_inf and g/||g||_2 for l_2 (the
 * "fast gradient method"), then projection onto the input box.
 */
import * as tf from '@tensorflow/tfjs';
import { type ThreatModel, assertInsideBox, crossEntropy, inputGradient, project, steepestDirection } from './common';
import { type RunControl, mapBatches } from './batched';

export function fgsmBatch(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, threat: ThreatModel): tf.Tensor {
  return tf.tidy(() => {
    const g = inputGradient(model, x, labels, crossEntropy);
    return project(tf.add(x, tf.mul(threat.eps, steepestDirection(g, threat.norm))), x, threat);
  });
}

export async function fgsm(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D,
  options: Partial<ThreatModel> & Pick<ThreatModel, 'eps'> & RunControl,
): Promise<tf.Tensor> {
  const threat: ThreatModel = { norm: options.norm ?? 'linf', eps: options.eps, box: options.box ?? null };
  await assertInsideBox(x, threat.box);
  return mapBatches(x, y, options, (xb, yb) => fgsmBatch(model, xb, yb, threat));
}
