/**
 * SelectiveNet (Geifman & El-Yaniv 2019, "SelectiveNet: A Deep Neural Network with an Integrated
 * Reject Option", Eq. 2-4), trained on PGD adversarial inputs: the "PGD-AT SNet" baseline of
 * paper 000 (Section 6, Tables 2-4, 7-8). On a batch of x* (PGD on the classifier's
 * cross-entropy, as pgdAt.ts):
 *
 *   phi(g)   = mean_i g(x*_i)                                   empirical coverage
 *   r(f, g)  = mean_i [CE(f(x*_i), y_i) · g(x*_i)] / phi(g)      selective risk
 *   L_(f,g)  = r(f, g) + lambda · max(0, c − phi(g))^2           (quadratic penalty Psi)
 *   L        = alpha · L_(f,g) + (1 − alpha) · mean_i CE(h(x*_i), y_i)
 *
 * with f the classifier head, g = sigmoid of the selection head and h the auxiliary prediction
 * head (models/heads.ts, createSelectiveNetModel). The loss is a ratio of batch means, not a mean
 * of per-example terms. Defaults (rejectionHeadsConfig.ts): c = 0.7, lambda = 16, alpha = 0.5,
 * the settings of paper 000's released baseline (train_cifar_SelectiveNet.py, README);
 * SelectiveNet's paper uses lambda = 32.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { assertHeads, selectiveNetOutputs } from '../models/heads';
import type { TrainingMethod } from './method';
import { pgdAt } from './pgdAt';
import { SELECTIVENET_DEFAULTS, type SelectiveNetConfig } from './rejectionHeadsConfig';

export { SELECTIVENET_DEFAULTS, type SelectiveNetConfig };

/**
 * The SelectiveNet loss of a batch from the three heads' outputs: classifier logits z [b, K],
 * selection logit [b] (g = sigmoid) and auxiliary logits [b, K].
 */
export function selectiveNetLoss(
  z: tf.Tensor2D,
  selectionLogit: tf.Tensor1D,
  auxLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  config: SelectiveNetConfig = SELECTIVENET_DEFAULTS,
): tf.Scalar {
  return tf.tidy(() => {
    const g = tf.sigmoid(selectionLogit);
    const coverage = tf.mean(g);
    const risk = tf.div(tf.mean(tf.mul(crossEntropy(z, labels), g)), tf.maximum(coverage, 1e-12));
    const penalty = tf.mul(config.lambda, tf.square(tf.relu(tf.sub(config.coverage, coverage))));
    const auxiliary = tf.mean(crossEntropy(auxLogits, labels));
    return tf.add(tf.mul(config.alpha, tf.add(risk, penalty)), tf.mul(1 - config.alpha, auxiliary)) as tf.Scalar;
  });
}

export const selectiveNetPgdAt: TrainingMethod = {
  prepare: (model, x, y, p, seed) => {
    assertHeads(model, 'selectivenet', 'PGD-AT + SelectiveNet');
    return pgdAt.prepare(model, x, y, p, seed);
  },
  loss: (model, _x, y, prepared, p) =>
    tf.tidy(() => {
      const { logits: z, selectionLogit, auxLogits } = selectiveNetOutputs(model, prepared.xAdv);
      return selectiveNetLoss(z, selectionLogit, auxLogits, y, p.selectiveNet ?? SELECTIVENET_DEFAULTS);
    }),
};
