/**
 * The "noise generator check", run in the page on every backend: draws N Gaussians with `gaussianNoise`
 * (Philox4x32-10, Salmon et al. 2011, + Box–Muller; on the device where a kernel is registered)
 * on the active backend, times generation + read-back, and checks the numbers:
 *  - mean, variance and lag-1 autocorrelation within 5 standard errors of 0, 1 and 0
 *    (SEs 1/√n, √(2/(n−1)), 1/√n for i.i.d. N(0, 1));
 *  - the first 4,096 draws, and two small draws of other shapes (4 × 32 × 32, and 5 × 819, whose
 *    size is no multiple of 4: the kernels' other store path), against the float64 JavaScript
 *    reference `philoxNormals`: the largest absolute difference must stay ≤ 1e-4 (observed:
 *    2.4e-7 on SwiftShader's webgpu and webgl, up to 5e-7 in WASM SIMD, 0 in JavaScript).
 * Used by the page's bench view (in the worker, once per backend) and by the tests. Pure core.
 */
import * as tf from '@tensorflow/tfjs';
import { type NoiseSource, gaussianNoise, noiseSource } from './gaussianNoise';
import { philoxNormals } from './philox';

export const NOISE_CHECK_SEED = 20261122;
export const NOISE_CHECK_STREAM = 7;
/** Draws of the big draw compared element by element with the JavaScript reference. */
export const NOISE_CHECK_COMPARED = 4096;
/** The small draws compared in full: both store paths of the kernels, and reshaping. */
const SHAPE_CHECKS = [[4, 32, 32], [5, 819]];
export const NOISE_CHECK_MAX_DIFF = 1e-4;
/** Allowed distance of mean, variance and lag-1 correlation from 0, 1, 0, in standard errors. */
export const NOISE_CHECK_SE = 5;

export interface NoiseStats {
  mean: number;
  variance: number;
  /** Correlation of draw i with draw i + 1. */
  lag1: number;
}

export interface NoiseCheckResult extends NoiseStats {
  backend: string;
  source: NoiseSource;
  draws: number;
  /** Generation and read-back of all draws (after a warm-up draw that compiles the kernel). */
  ms: number;
  drawsPerSecond: number;
  /** Largest |device − reference| over the `compared` draws checked (first 4,096 and the small shapes). */
  maxAbsDiff: number;
  compared: number;
  /** Why the row failed (empty: passed). */
  failures: string[];
  tensorsLeaked: number;
}

/** Mean, (population) variance and lag-1 autocorrelation, in float64. */
export function noiseStats(x: ArrayLike<number>): NoiseStats {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let ss = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    ss += d * d;
    if (i + 1 < n) cross += d * (x[i + 1] - mean);
  }
  return { mean, variance: ss / n, lag1: cross / ss };
}

/** Largest |a_i − b_i| (NaN anywhere gives NaN). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** The checks of the header for n draws of N(0, 1); returns the failures (empty: passed). */
export function noiseCheckFailures(stats: NoiseStats, n: number, maxAbsDiff: number): string[] {
  const k = NOISE_CHECK_SE;
  const out: string[] = [];
  const seMean = 1 / Math.sqrt(n);
  const seVar = Math.sqrt(2 / (n - 1));
  if (!(Math.abs(stats.mean) <= k * seMean)) out.push(`mean ${stats.mean.toExponential(2)} beyond ${k} SE (${(k * seMean).toExponential(2)})`);
  if (!(Math.abs(stats.variance - 1) <= k * seVar)) out.push(`variance ${stats.variance.toFixed(5)} beyond 1 ± ${(k * seVar).toExponential(2)}`);
  if (!(Math.abs(stats.lag1) <= k * seMean)) out.push(`lag-1 correlation ${stats.lag1.toExponential(2)} beyond ${k} SE`);
  if (!(maxAbsDiff <= NOISE_CHECK_MAX_DIFF)) out.push(`differs from the JavaScript reference by ${maxAbsDiff.toExponential(2)} (> ${NOISE_CHECK_MAX_DIFF})`);
  return out;
}

/** Runs the check on the active backend. */
export async function runNoiseCheck(draws: number): Promise<NoiseCheckResult> {
  if (!(Number.isInteger(draws) && draws >= 16)) throw new Error(`draws must be an integer ≥ 16 (got ${draws})`);
  const options = { sigma: 1, seed: NOISE_CHECK_SEED, stream: NOISE_CHECK_STREAM };
  const before = tf.memory().numTensors;
  // Warm-up on another stream, big enough to compile the shader variant of the timed draw (WebGL
  // keys its programs by texture-shape class: 1 × n up to the texture size limit, square beyond).
  const warm = gaussianNoise([Math.min(draws, 65536)], { ...options, stream: options.stream + 1 });
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  const z = gaussianNoise([draws], options);
  let values: Float32Array;
  try {
    values = (await z.data()) as Float32Array;
  } finally {
    z.dispose();
  }
  const ms = performance.now() - t0;
  const head = Math.min(NOISE_CHECK_COMPARED, draws);
  let maxAbsDiff = maxAbsDifference(values.subarray(0, head), philoxNormals(new Float32Array(head), options.seed, options.stream, options.sigma));
  let compared = head;
  for (const [i, shape] of SHAPE_CHECKS.entries()) {
    const stream = options.stream + 2 + i;
    const t = gaussianNoise(shape, { ...options, stream });
    const ok = t.shape.join() === shape.join();
    const v = await t.data();
    t.dispose();
    const d = maxAbsDifference(v, philoxNormals(new Float32Array(v.length), options.seed, stream, options.sigma));
    maxAbsDiff = ok && v.length === t.size ? Math.max(maxAbsDiff, d) : NaN;
    compared += v.length;
  }
  const stats = noiseStats(values);
  return {
    backend: tf.getBackend(),
    source: noiseSource(),
    draws,
    ms,
    drawsPerSecond: (draws * 1000) / ms,
    ...stats,
    maxAbsDiff,
    compared,
    failures: noiseCheckFailures(stats, draws, maxAbsDiff),
    tensorsLeaked: tf.memory().numTensors - before,
  };
}
