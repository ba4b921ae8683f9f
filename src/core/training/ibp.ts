/**
 * IBP training of a network with K regular and M abstain outputs (paper 004, Section 4,
 * Eq. 7 and 15, Theorem 3, Algorithm 3; Gowal et al. 2018 for the IBP loss and its schedule;
 * M = 1 is Sheikholeslami et al. 2021, M = 0 plain IBP training):
 *
 *   L = kappa · L_nat + (1 − kappa) · L_robust + lambda · L_robust-abstain
 *
 *  - L_nat: cross-entropy of the clean logits over all K + M outputs (an abstain output on a
 *    clean input is an error).
 *  - L_robust: Gowal et al.'s IBP worst-case cross-entropy "without considering the abstain
 *    class", with the last layer elided into the specification (Gowal et al., Section 3): with
 *    J_t(e_y) = min over the IBP box of h of z_y − z_t (verify/abstainSimplex.ts),
 *    L_robust = log(1 + sum_{t ∉ {y} ∪ A} exp(−J_t(e_y))).
 *  - L_robust-abstain (Theorem 3): log(1 + sum_{t ∉ {y} ∪ A} exp(−J_t(lambda*))), the
 *    cross-entropy whose normaliser leaves out the abstain classes, at the simplex weights lambda*
 *    found by mirror ascent (Algorithm 1). lambda* is found outside the gradient tape, at the
 *    current weights (`prepare`), and held fixed in the loss: by Danskin's theorem the gradient
 *    of max_lambda J_t is that of J_t at the maximiser. Training takes the last iterate, not the
 *    best one: the best is often exactly e_y while the abstain logits are still low, which gives
 *    the abstain outputs no gradient at all, and whether a run ever starts using them then
 *    depends on the seed (found by review; measured in experiments/abstainPreset.ts). With Eq. 16's regulariser (mu > 0)
 *    lambda* solves the regularised, batch-coupled problem, which spreads the weight over all
 *    abstain classes; the penalty itself does not depend on the network's weights.
 *
 * Schedule (Gowal et al.; paper 004 Section 5.1): warm-up with eps = 0 and kappa = 1 (natural
 * loss only), then eps, kappa (1 → kappaEnd) and lambda (0 → lambdaEnd) ramp linearly, then stay.
 * The training eps is the training attack's eps; the region is the l_inf ball ∩ the box. With the
 * l2 norm chosen, the same box is used: it contains the l2 ball of that radius, so the loss still
 * bounds it (loosely).
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { logits } from '../models/forward';
import { outputWidth } from '../models/outputWidth';
import { inputBox, penultimateBox } from '../verify/ibp';
import { boxSpecBound, maximiseOverSimplex, specVectors, successSetOneHot, targetClasses } from '../verify/abstainSimplex';
import { IBP_DEFAULTS, ibpSchedule, regulariserThreshold, type IbpConfig, type IbpScheduleValues } from './ibpConfig';
import type { LossParams, TrainingMethod } from './method';

function settings(model: tf.LayersModel, params: LossParams): { c: IbpConfig; K: number; M: number; s: IbpScheduleValues; eps: number } {
  const c = params.ibp ?? IBP_DEFAULTS;
  const C = outputWidth(model) as number;
  const M = c.abstainClasses;
  const K = C - M;
  if (K < 2) throw new Error(`IBP training: the model has ${C} outputs, too few for ${M} abstain classes and at least 2 regular ones`);
  const progress = params.progress ?? { step: 0, totalSteps: 1 };
  const s = ibpSchedule(c, progress.step, progress.totalSteps);
  return { c, K, M, s, eps: params.attack.eps * s.epsScale };
}

/** log(1 + sum_t exp(−J_t)) per row: Theorem 3's bound (and Gowal's elided IBP loss at lambda = e_y). */
export function abstainCrossEntropy(bounds: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.logSumExp(tf.concat([tf.zeros([bounds.shape[0], 1]), tf.neg(bounds)], 1), 1) as tf.Tensor1D);
}

export const ibp: TrainingMethod = {
  prepare(model, x, y, params) {
    const { c, K, M, s, eps } = settings(model, params);
    if (M === 0 || s.lambda === 0) return {};
    return tf.tidy(() => {
      const { lower, upper } = inputBox(x, eps, params.box);
      const { h, kernel, bias } = penultimateBox(model, lower, upper);
      const regulariser = c.regulariserMu > 0 ? { mu: c.regulariserMu, threshold: regulariserThreshold(c, K) } : null;
      const res = maximiseOverSimplex(h, kernel, bias, y, K, M, { iterations: c.iterations, regulariser, keep: 'last' });
      return { lambda: res.lambda };
    });
  },
  loss(model, x, y, prepared, params) {
    const { K, M, s, eps } = settings(model, params);
    return tf.tidy(() => {
      const natural = tf.mean(crossEntropy(logits(model, x), y));
      // Warm-up (kappa = 1, lambda = 0): the natural loss alone; the bounds would get weight 0.
      if (s.kappa === 1 && s.lambda === 0) return natural as tf.Scalar;
      const { lower, upper } = inputBox(x, eps, params.box);
      const { h, kernel, bias } = penultimateBox(model, lower, upper);
      const sHot = successSetOneHot(y, K, M);
      const tHot = tf.oneHot(targetClasses(y, K), K + M) as tf.Tensor3D;
      const B = y.shape[0];
      const plain = tf.concat([tf.ones([B, K - 1, 1]), tf.zeros([B, K - 1, M])], 2) as tf.Tensor3D;
      const robust = tf.mean(abstainCrossEntropy(boxSpecBound(specVectors(plain, sHot, tHot), h, kernel, bias)));
      let total = tf.add(tf.mul(s.kappa, natural), tf.mul(1 - s.kappa, robust));
      if (prepared.lambda && s.lambda > 0) {
        const ra = tf.mean(abstainCrossEntropy(boxSpecBound(specVectors(prepared.lambda as tf.Tensor3D, sHot, tHot), h, kernel, bias)));
        total = tf.add(total, tf.mul(s.lambda, ra));
      }
      return total as tf.Scalar;
    });
  },
};
