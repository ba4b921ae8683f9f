/**
 * CAT-RS, confidence-aware training of smoothed classifiers (paper 002, Algorithm 1, Eq. 7, 8, 10):
 *   delta_1..delta_M ~ N(0, sigma² I);  p_hat = (1/M) sum_i 1[f(x + delta_i) = y];
 *   K ~ Bin(M, p_hat), K+ = max(1, K);
 *   L_low  = (1/M) (sum_{i <= K+} CE_(i) + sum_{i > K+} [CE_(i) + log p0]^+)   (CE sorted ascending)
 *   L_high = max_i max_{||d*_i − delta_i||_2 <= eps} CE(f(x + d*_i), y)
 *   L      = L_low + lambda · 1[p_hat = 1] · L_high.
 * The inner maximum: T steps of PGD from each delta_i, step 2·eps/T along the l2-normalised
 * gradient, projected onto the l2 ball of radius eps around delta_i, and after every step the
 * noise is re-normalised to the mean and standard deviation (over its coordinates) of its delta_i
 * (Section 3.2: "normalizing the mean and standard deviation of delta* to follow those of the
 * original delta"; the paper does not say where, the authors' code does it after every step).
 * Two variants (CatRsVariant in smoothedTrainingConfig.ts): 'paper', the default, is the above;
 * 'released' follows the authors' code (alinlab/smoothing-catrs): no p0 term (draws beyond K+
 * dropped), KL to smoothed soft labels in L_high, indicator 1[K+ = M], re-normalisation by the
 * root mean square. Defaults (M, T, eps, lambda, p0): CAT_RS_DEFAULTS there.
 *
 * Split between prepare and loss (outside / inside the gradient tape): prepare draws the noise,
 * estimates p_hat, samples K (seeded), ranks the M cross-entropies (argsort carries no gradient,
 * so the ranking is fixed there as 0/1 weights; the loss recomputes the same CEs with the same
 * weights), sets the indicator and runs the worst-case search; the loss differentiates L through
 * the CEs at delta_i and d*_i.
 * PGD starts at delta_i itself (no random start, as in the code); noise is never clipped to the
 * input box (randomized smoothing adds it to the raw input).
 * Note: on 2-D inputs fixing the mean and std of a noise vector leaves only delta_i or its
 * coordinate swap, so the worst-case search matters on images, not in the playground.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy, featureAxes, project, steepestDirection } from '../attacks/common';
import { logits } from '../models/forward';
import { deriveSeed } from '../random';
import type { TrainingMethod } from './method';
import { drawNoise, meanOverDraws, perInput, repeatCopies } from '../noise/draws';
import { type CatRsConfig, smoothedParams } from './smoothedTrainingConfig';
import { klFromProbs } from './trades';


/** K ~ Bin(M, p_hat) per input, as the number of M seeded uniforms below p_hat. */
export function sampleK(pHat: tf.Tensor1D, m: number, seed: number): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.cast(tf.less(tf.randomUniform([pHat.shape[0], m], 0, 1, 'float32', seed), tf.expandDims(pHat, 1)), 'float32'), 1) as tf.Tensor1D);
}

/** Per row of ce [n, M]: 1 at the K+ smallest entries, 0 elsewhere (the sorted sum of Eq. 7 as weights). */
export function bottomKWeights(ce: tf.Tensor2D, kPlus: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = ce.shape[1];
    const ascending = tf.topk(tf.neg(ce), m).indices; // [n, M]: the draw at each rank
    const keepRank = tf.cast(tf.less(tf.range(0, m), tf.expandDims(kPlus, 1)), 'float32'); // [n, M]
    return tf.sum(tf.mul(tf.oneHot(ascending, m), tf.expandDims(keepRank, 2)), 1) as tf.Tensor2D;
  });
}

/** L_low per input from ce [n, M] and the bottom-K weights; `p0` null drops the draws beyond K+ (the released code). */
export function bottomKLoss(ce: tf.Tensor2D, weights: tf.Tensor2D, p0: number | null): tf.Tensor1D {
  return tf.tidy(() => {
    const kept = tf.mul(weights, ce);
    const total = p0 === null ? kept : tf.add(kept, tf.mul(tf.sub(1, weights), tf.relu(tf.add(ce, Math.log(p0)))));
    return tf.div(tf.sum(total, 1), ce.shape[1]) as tf.Tensor1D;
  });
}

/**
 * d with each example's mean and spread (over its coordinates) set to those of d0: 'std' the
 * standard deviation (the paper), 'rms' the root mean square (the authors' code).
 */
export function matchMoments(d: tf.Tensor, d0: tf.Tensor, spread: 'std' | 'rms'): tf.Tensor {
  return tf.tidy(() => {
    const axes = featureAxes(d);
    const moments = (v: tf.Tensor) => {
      const mean = tf.mean(v, axes, true);
      return { mean, spread: tf.sqrt(tf.mean(tf.square(spread === 'std' ? tf.sub(v, mean) : v), axes, true)) };
    };
    const a = moments(d);
    const b = moments(d0);
    return tf.add(tf.mul(tf.div(tf.sub(d, a.mean), tf.maximum(a.spread, 1e-12)), b.spread), b.mean);
  });
}

/** Per-row objective of the worst-case term: from logits [M·n, C] to [M·n]. */
type RowObjective = (z: tf.Tensor2D) => tf.Tensor1D;

/** The worst-case noise of Eq. 8 for noise [M·n, ...] (draw-major), see the file comment. */
export function worstCaseNoise(
  model: tf.LayersModel,
  x: tf.Tensor,
  noise: tf.Tensor,
  objective: RowObjective,
  opts: { eps: number; steps: number; spread: 'std' | 'rms' },
): tf.Tensor {
  const xr = repeatCopies(x, noise.shape[0] / x.shape[0]);
  const alpha = (2 * opts.eps) / opts.steps;
  let d = noise.clone();
  for (let s = 0; s < opts.steps; s++) {
    const next = tf.tidy(() => {
      const g = tf.grad((dd: tf.Tensor) => tf.sum(objective(logits(model, tf.add(xr, dd)))))(d);
      const moved = project(tf.add(d, tf.mul(alpha, steepestDirection(g, 'l2'))), noise, { norm: 'l2', eps: opts.eps });
      return matchMoments(moved, noise, opts.spread);
    });
    d.dispose();
    d = next;
  }
  xr.dispose();
  return d;
}

/**
 * The worst-case objective per row of the M·n noisy copies: CE to y (paper) or KL(q || f) to the
 * soft labels q [n, C] (released).
 */
function highObjective(variant: CatRsConfig['variant'], y: tf.Tensor1D, soft: tf.Tensor | undefined, m: number): RowObjective {
  return variant === 'paper'
    ? (z) => tf.tidy(() => crossEntropy(z, repeatCopies(y, m)))
    : (z) => tf.tidy(() => klFromProbs(repeatCopies(soft as tf.Tensor2D, m), z));
}

export const catRs: TrainingMethod = {
  prepare: async (model, x, y, p, seed) => {
    const { sigma, catRs: c } = smoothedParams(p);
    const paper = c.variant === 'paper';
    const noise = drawNoise(x, c.m, sigma, seed, 'cat-rs');
    const stats = tf.tidy(() => {
      const yRep = repeatCopies(y, c.m);
      const z = logits(model, tf.add(repeatCopies(x, c.m), noise));
      const correctCount = tf.sum(perInput(tf.cast(tf.equal(tf.argMax(z, 1), tf.cast(yRep, 'int32')), 'float32') as tf.Tensor1D, c.m), 1);
      const kPlus = tf.maximum(sampleK(tf.div(correctCount, c.m) as tf.Tensor1D, c.m, deriveSeed(seed, 'cat-rs-k')), 1) as tf.Tensor1D;
      const out: Record<string, tf.Tensor> = {
        kPlus,
        lowWeight: bottomKWeights(perInput(crossEntropy(z, yRep), c.m), kPlus),
        active: tf.cast(paper ? tf.equal(correctCount, c.m) : tf.equal(kPlus, c.m), 'float32'),
      };
      // The released code's soft labels: here the vote frequencies of the current model over the M draws.
      if (!paper) out.soft = meanOverDraws(tf.oneHot(tf.argMax(z, 1), z.shape[1]) as tf.Tensor2D, c.m);
      return out;
    });
    // Skip the search when no input is active (the term is masked by `active`, so the loss is the same).
    let anyActive = c.lambda > 0;
    if (anyActive) {
      const activeCount = tf.sum(stats.active);
      anyActive = (await activeCount.data())[0] > 0;
      activeCount.dispose();
    }
    if (anyActive) {
      const objective = highObjective(c.variant, y, stats.soft, c.m);
      stats.dStar = worstCaseNoise(model, x, noise, objective, { eps: c.eps, steps: c.steps, spread: paper ? 'std' : 'rms' });
    }
    return { noise, ...stats };
  },
  loss: (model, x, y, prepared, p) => {
    const { catRs: c } = smoothedParams(p);
    return tf.tidy(() => {
      const m = prepared.noise.shape[0] / x.shape[0];
      const xr = repeatCopies(x, m);
      const yRep = repeatCopies(y, m);
      const ce = perInput(crossEntropy(logits(model, tf.add(xr, prepared.noise)), yRep), m);
      const low = bottomKLoss(ce, prepared.lowWeight as tf.Tensor2D, c.variant === 'paper' ? c.p0 : null);
      if (!prepared.dStar || c.lambda === 0) return tf.mean(low) as tf.Scalar;
      const objective = highObjective(c.variant, y, prepared.soft, m);
      const high = tf.max(perInput(objective(logits(model, tf.add(xr, prepared.dStar))), m), 1);
      return tf.mean(tf.add(low, tf.mul(c.lambda, tf.mul(prepared.active, high)))) as tf.Scalar;
    });
  },
};
