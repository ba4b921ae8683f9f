/**
 * Fast gradient sign method (Goodfellow et al. 2015): one step of size eps along the
 * steepest-ascent direction of the cross-entropy, sign(g) for l_inf and g/||g||_2 for l_2 (the
 * "fast gradient method"), then projection onto the input box.
 */
import * as tf from '@tensorflow/tfjs';
import { type ThreatModel, crossEntropy, inputGradient, project, steepestDirection } from './common';
import { type Attack, type AttackSettings, attackFunction } from './runner';

export function fgsmBatch(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, threat: ThreatModel): tf.Tensor {
  return tf.tidy(() => {
    const g = inputGradient(model, x, labels, crossEntropy);
    return project(tf.add(x, tf.mul(threat.eps, steepestDirection(g, threat.norm))), x, threat);
  });
}

export const fgsmAttack: Attack<AttackSettings> = {
  id: 'fgsm',
  label: 'FGSM',
  defaults: { norm: 'linf', box: null, seed: 0 },
  problems: () => [],
  // One step: nothing to interrupt.
  // eslint-disable-next-line require-yield
  *steps(model, x, y, c) {
    return fgsmBatch(model, x, y, c);
  },
};

/** FGSM over any number of inputs, chunked; returns the adversarial inputs. */
export const fgsm = attackFunction(fgsmAttack);
