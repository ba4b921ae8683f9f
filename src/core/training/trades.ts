/**
 * TRADES (Zhang et al. 2019; paper 001 Eq. 7):
 *   L = CE(f(x), y) + beta · max_{x' in B} KL(f(x) || f(x')),
 * the inner maximum by PGD on the KL from x + 0.001·N(0, I) (TRADES' own start), step size
 * eps/4 unless set. The KL's gradient flows through both f(x) and f(x'), as in TRADES.
 */
import * as tf from '@tensorflow/tfjs';
import { type Objective, crossEntropy } from '../attacks/common';
import { pgdBatch } from '../attacks/pgd';
import { logits } from '../models/forward';
import type { LossParams, TrainingMethod } from './method';

/** Per-example KL(p || softmax(zAdv)) for fixed probabilities p. */
export function klFromProbs(p: tf.Tensor2D, zAdv: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.log(tf.maximum(p, 1e-12));
    return tf.sum(tf.mul(p, tf.sub(logp, tf.logSoftmax(zAdv))), 1) as tf.Tensor1D;
  });
}

/** Per-example KL(softmax(zNat) || softmax(zAdv)), differentiable in both. */
export function klLogits(zNat: tf.Tensor2D, zAdv: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logpNat = tf.logSoftmax(zNat);
    return tf.sum(tf.mul(tf.exp(logpNat), tf.sub(logpNat, tf.logSoftmax(zAdv))), 1) as tf.Tensor1D;
  });
}

/**
 * KL(p || softmax(z)) as an attack objective, with its logit gradient softmax(z) · Σp − p (what
 * tfjs's logSoftmax gradient gives; Σp = 1 up to rounding).
 */
export function klObjective(p: tf.Tensor2D): Objective {
  return Object.assign((z: tf.Tensor2D) => klFromProbs(p, z), {
    logitGradient: (z: tf.Tensor2D) => tf.tidy(() => tf.sub(tf.mul(tf.softmax(z), tf.sum(p, 1, true)), p) as tf.Tensor2D),
  });
}

/** x' ≈ argmax_{x' in B} KL(f(x) || f(x')). */
export function tradesAdversary(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, p: LossParams, seed: number): tf.Tensor {
  const probs = tf.tidy(() => tf.softmax(logits(model, x)) as tf.Tensor2D);
  const objective = klObjective(probs);
  try {
    return pgdBatch(model, x, y, {
      norm: p.attack.norm,
      eps: p.attack.eps,
      steps: p.attack.steps,
      stepSize: p.attack.stepSize > 0 ? p.attack.stepSize : p.attack.eps / 4,
      restarts: 1,
      randomStart: false,
      initStd: 0.001,
      seed,
      box: p.box,
      objective,
    });
  } finally {
    probs.dispose();
  }
}

/** Per-example TRADES loss at given adversarial inputs. */
export function tradesLossPerExample(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, xAdv: tf.Tensor, beta: number): tf.Tensor1D {
  return tf.tidy(() => {
    const zNat = logits(model, x);
    const zAdv = logits(model, xAdv);
    return tf.add(crossEntropy(zNat, y), tf.mul(beta, klLogits(zNat, zAdv))) as tf.Tensor1D;
  });
}

export const trades: TrainingMethod = {
  prepare: (model, x, y, p, seed) => ({ xAdv: tradesAdversary(model, x, y, p, seed) }),
  loss: (model, x, y, prepared, p) => tf.tidy(() => tf.mean(tradesLossPerExample(model, x, y, prepared.xAdv, p.tradesBeta)) as tf.Scalar),
};
