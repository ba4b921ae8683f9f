/**
 * CRA, certified robustness abstain training (paper 001, Eq. 9-11):
 *   L_CRA = beta · CE(f(x + eta), y) + (1/k) sum_j (1 − f(x + eta_j)_y) · CR(x),
 *   CR(x) = sigma/2 · (Phi^-1(pbar_A) − Phi^-1(pbar_B)),  pbar = (1/k) sum_j softmax(Gamma · z(x + eta_j)),
 * with eta, eta_1..eta_k ~ N(0, sigma² I) i.i.d. (Eq. 10 draws its own eta), k = 16 and Gamma = 4
 * by default. The soft qualifier uses the untempered softmax; Gamma acts inside CR only.
 *
 * Reading of Eq. 11 (Zhai et al.'s differentiable radius): as printed, CR compares the label y
 * with the best other class. For an inaccurate input that difference is negative, and minimising
 * it would make the wrong smoothed prediction *more* robust — the opposite of the stated aim,
 * "directly minimizing the certified radius of the smoothed classifier G" (Section 4.2). So CR is
 * taken as the radius of G's own prediction: pbar_A and pbar_B are the largest and second-largest
 * entries of pbar, as in the authors' code (ymerkli/robust-abstain, robustabstain/loss/revcert.py).
 * On inputs where G predicts y both readings agree.
 * Gradients flow through both factors, the qualifier and CR, as Eq. 9 is written (the authors'
 * code detaches neither). Unlike MACER, paper 001 neither restricts CR to correctly classified
 * inputs nor hinges it: the soft qualifier does that weighting. Phi^-1 is clamped at 1e-6 from 0
 * and 1 (normInvTensor.ts; the code shifts by 1e-6).
 * Deviation from the authors' code (not from the paper): their first term is the CE of the logits
 * averaged over the k draws; here it is Eq. 10, the CE at one further draw eta.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { logits } from '../models/forward';
import type { TrainingMethod } from './method';
import { drawNoise, meanOverDraws, repeatCopies } from '../noise/draws';
import { normInv } from './normInvTensor';
import { type CraConfig, smoothedParams } from './smoothedTrainingConfig';

/**
 * The differentiable certified radius of the smoothed prediction, sigma/2 · (Phi^-1(top) −
 * Phi^-1(runner-up)) of each row of class probabilities pbar [n, C] (≥ 0).
 */
export function smoothedRadius(pbar: tf.Tensor2D, sigma: number): tf.Tensor1D {
  return tf.tidy(() => {
    const topMask = tf.oneHot(tf.argMax(pbar, 1), pbar.shape[1]);
    const top = tf.sum(tf.mul(pbar, topMask), 1);
    // The runner-up: the maximum once the top entry is pushed below every probability.
    const second = tf.max(tf.sub(pbar, tf.mul(topMask, 2)), 1);
    return tf.mul(sigma / 2, tf.sub(normInv(top), normInv(second))) as tf.Tensor1D;
  });
}

/** Per-example CRA loss at given noise: `noise0` [n, ...] for Eq. 10, `noise` [k·n, ...] (draw-major) for the rest. */
export function craLossPerExample(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D,
  noise0: tf.Tensor,
  noise: tf.Tensor,
  sigma: number,
  cra: CraConfig,
): tf.Tensor1D {
  return tf.tidy(() => {
    const k = noise.shape[0] / x.shape[0];
    const augmentation = crossEntropy(logits(model, tf.add(x, noise0)), y);
    const z = logits(model, tf.add(repeatCopies(x, k), noise));
    const onehot = tf.oneHot(tf.cast(y, 'int32'), z.shape[1]);
    const qualifier = tf.sub(1, tf.sum(tf.mul(meanOverDraws(tf.softmax(z), k), onehot), 1));
    const radius = smoothedRadius(meanOverDraws(tf.softmax(tf.mul(z, cra.gamma)), k), sigma);
    return tf.add(tf.mul(cra.beta, augmentation), tf.mul(qualifier, radius)) as tf.Tensor1D;
  });
}

export const cra: TrainingMethod = {
  prepare: (_model, x, _y, p, seed) => {
    const { sigma, cra: c } = smoothedParams(p);
    return { noise0: drawNoise(x, 1, sigma, seed, 'cra-augmentation'), noise: drawNoise(x, c.k, sigma, seed, 'cra') };
  },
  loss: (model, x, y, prepared, p) => {
    const { sigma, cra: c } = smoothedParams(p);
    return tf.tidy(() => tf.mean(craLossPerExample(model, x, y, prepared.noise0, prepared.noise, sigma, c)) as tf.Scalar);
  },
};
