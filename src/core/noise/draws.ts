/**
 * Noise draws for a batch, shared by the smoothed-classifier losses (training/gaussian.ts,
 * catRs.ts, cra.ts), the sample-rejection training and the smoothing attack, in the
 * "draw-major" layout they use. With `copies` draws per
 * input, a batch x of n inputs becomes copies·n rows: row i·n + j is input j under draw i (the
 * layout of the authors' CAT-RS code, torch.cat over draws). The noise is not clipped to the input
 * box: randomized smoothing (Cohen et al. 2019) adds it to the raw input.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianNoise } from './gaussianNoise';
import { deriveSeed } from '../random';

/**
 * sigma·N(0, I) noise for `copies` draws of every input of x, shaped [copies·n, ...x.shape[1:]],
 * from the Philox stream keyed by (deriveSeed(seed, purpose), 0): the same seed and purpose give
 * the same noise on every backend.
 */
export function drawNoise(x: tf.Tensor, copies: number, sigma: number, seed: number, purpose: string): tf.Tensor {
  return gaussianNoise([copies * x.shape[0], ...x.shape.slice(1)], { sigma, seed: deriveSeed(seed, purpose), stream: 0 });
}

/** x repeated `copies` times along the batch axis (draw-major). */
export function repeatCopies<T extends tf.Tensor>(x: T, copies: number): T {
  return (copies === 1 ? x.clone() : tf.tile(x, [copies, ...x.shape.slice(1).map(() => 1)])) as T;
}

/** Per-row values [copies·n] regrouped per input: [n, copies]. */
export function perInput(v: tf.Tensor1D, copies: number): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(tf.reshape(v, [copies, v.shape[0] / copies])) as tf.Tensor2D);
}

/** Per-row class probabilities [copies·n, C] averaged over the draws: [n, C]. */
export function meanOverDraws(p: tf.Tensor2D, copies: number): tf.Tensor2D {
  return tf.tidy(() => tf.mean(tf.reshape(p, [copies, p.shape[0] / copies, p.shape[1]]), 0) as tf.Tensor2D);
}
