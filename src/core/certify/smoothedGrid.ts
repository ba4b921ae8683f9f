/**
 * PREDICT (Cohen et al. 2019, Section 3.2) for many inputs at once: the smoothed classifier's
 * decision regions on a 2-D grid, with abstain where the two-sided binomial test of the top two
 * counts is not significant at alpha. Several inputs share a forward pass (n noisy copies each),
 * which is what makes a whole grid affordable; the answer for each input is that of `predict`
 * with the same number of samples (a different noise stream).
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { deriveSeed } from '../random';
import { gaussianNoise } from '../noise/gaussianNoise';
import { ABSTAIN, type BaseClassifier, provenForNoise } from './smoothing';
import { checkBatchFits } from './batchMemory';
import { type SmoothingOptions, checkSmoothingOptions } from './smoothingConfig';
import { binomTestTwoSided } from './stats';

export interface ManyPredictions {
  /** Per input: the class, or ABSTAIN (−1). */
  predictions: Int32Array;
  /** Per input: the share of the n samples that voted for the top class. */
  topShare: Float32Array;
}

/** PREDICT on each row of `x` ([count, ...shape]) with n samples each; only the first `winners` classes can be returned (all by default). */
export async function predictMany(
  base: BaseClassifier,
  x: tf.Tensor,
  options: Partial<SmoothingOptions>,
  control: { signal?: AbortSignal | null; onProgress?: (fraction: number) => void } = {},
  winners: number = base.numClasses,
): Promise<ManyPredictions> {
  const o = checkSmoothingOptions(options);
  const count = x.shape[0];
  const shape = x.shape.slice(1);
  const K = base.numClasses;
  if (!(Number.isInteger(winners) && winners >= 1 && winners <= K)) throw new Error(`predictMany: winners must be a whole number from 1 to ${K} (got ${winners})`);
  const perPass = Math.max(1, Math.floor(o.batchSize / o.n));
  checkBatchFits(base.bytesPerCopy, perPass * o.n);
  const predictions = new Int32Array(count);
  const topShare = new Float32Array(count);
  const seed = deriveSeed(o.seed, 'predict-many');
  const proven = await provenForNoise(base, x, o.sigma);
  for (let start = 0, block = 0; start < count; start += perPass, block++) {
    await checkpoint(control.signal);
    const p = Math.min(perPass, count - start);
    const counts = tf.tidy(() => {
      const xs = tf.expandDims(tf.slice(x, start, p), 1); // [p, 1, ...shape]
      const noise = gaussianNoise([p, o.n, ...shape], { sigma: o.sigma, seed, stream: block });
      const noisy = tf.reshape(tf.add(xs, noise), [p * o.n, ...shape]);
      const votes = tf.oneHot(base.classify(noisy, proven), K, 1, 0, 'int32');
      return tf.sum(tf.reshape(votes, [p, o.n, K]), 1);
    });
    const c = await counts.data();
    counts.dispose();
    for (let i = 0; i < p; i++) {
      let a = 0;
      let b = -1;
      // Only the first `winners` classes can win: paper 003's g_R counts R (class K) but never returns it.
      for (let k = 1; k < winners; k++) {
        const v = c[i * K + k];
        if (v > c[i * K + a]) {
          b = a;
          a = k;
        } else if (b < 0 || v > c[i * K + b]) b = k;
      }
      const nA = c[i * K + a];
      const nB = b >= 0 ? c[i * K + b] : 0;
      // No vote for a class that can win (every draw rejected, or lost to a non-finite output): abstain.
      predictions[start + i] = nA + nB > 0 && binomTestTwoSided(nA, nA + nB, 0.5) <= o.alpha ? a : ABSTAIN;
      topShare[start + i] = nA / o.n;
    }
    control.onProgress?.((start + p) / count);
  }
  return { predictions, topShare };
}
