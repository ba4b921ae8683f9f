/**
 * ERA, empirical robustness abstain training (paper 001, Eq. 5):
 *   L_ERA = beta · L_TRADES(x, y) + (1 − f(x)_y) · min_{x' in B} CE(f(x'), argmax_{c ≠ F(x)} f(x')_c)
 * The first term optimises robust accuracy; the soft qualifier (1 − f(x)_y) replaces the
 * indicator 1{F(x) ≠ y} of Eq. 4, so the second term acts on inaccurate inputs and pulls them to
 * the most likely other label somewhere in the ball — making robust-but-wrong predictions
 * non-robust. The min needs only one non-robust point: PGD-10 *descent* on the targeted
 * cross-entropy, the target re-chosen as argmax_{c≠F(x)} f(x')_c at each step (paper 001,
 * Section 4.1 and footnote 1). Gradients flow through both factors, as Eq. 5 is written.
 */
import * as tf from '@tensorflow/tfjs';
import { type Objective, crossEntropy } from '../attacks/common';
import { pgdBatch } from '../attacks/pgd';
import { logits } from '../models/forward';
import type { TrainingMethod } from './method';
import { trainingPgdOptions } from './pgdAt';
import { tradesAdversary, tradesLossPerExample } from './trades';

/** argmax over classes other than `exclude` (per row). */
export function bestOtherClass(z: tf.Tensor2D, exclude: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const mask = tf.oneHot(tf.cast(exclude, 'int32'), z.shape[1]);
    return tf.argMax(tf.sub(z, tf.mul(mask, 1e9)), 1) as tf.Tensor1D;
  });
}

/** Objective for PGD: maximising −CE towards the best other class = minimising the CE. */
const towardsBestOther: Objective = (z, predicted) => tf.neg(crossEntropy(z, bestOtherClass(z, predicted))) as tf.Tensor1D;

export const era: TrainingMethod = {
  prepare: (model, x, y, p, seed) => {
    const predicted = tf.tidy(() => tf.argMax(logits(model, x), 1) as tf.Tensor1D);
    try {
      const xNonRobust = pgdBatch(model, x, predicted, { ...trainingPgdOptions(p, seed + 1), objective: towardsBestOther });
      const target = tf.tidy(() => bestOtherClass(logits(model, xNonRobust), predicted));
      return { xAdv: tradesAdversary(model, x, y, p, seed), xNonRobust, target };
    } finally {
      predicted.dispose();
    }
  },
  loss: (model, x, y, prepared, p) =>
    tf.tidy(() => {
      const trades = tradesLossPerExample(model, x, y, prepared.xAdv, p.tradesBeta);
      const probs = tf.softmax(logits(model, x));
      const pTrue = tf.sum(tf.mul(probs, tf.oneHot(tf.cast(y, 'int32'), probs.shape[1])), 1);
      const qualifier = tf.sub(1, pTrue);
      const robustInaccuracy = crossEntropy(logits(model, prepared.xNonRobust), prepared.target as tf.Tensor1D);
      return tf.mean(tf.add(tf.mul(p.eraBeta, trades), tf.mul(qualifier, robustInaccuracy))) as tf.Scalar;
    }),
};
