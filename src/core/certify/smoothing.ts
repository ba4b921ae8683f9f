/**
 * Randomized smoothing: Cohen, Rosenfeld & Kolter (2019), "Certified adversarial robustness via
 * randomized smoothing", Section 3.2 — PREDICT and CERTIFY (their pseudocode, and their released
 * code's behaviour), as paper 002 (CAT-RS) and paper 001 (CRA) evaluate smoothed classifiers.
 *
 *   g(x) = argmax_c P(f(x + δ) = c),  δ ~ N(0, σ² I).
 *
 * CERTIFY(f, σ, x, n0, n, α): counts0 ← n0 noisy predictions; ĉA ← argmax counts0; counts ← n
 * fresh noisy predictions; pA_lower ← one-sided (1 − α) Clopper–Pearson lower bound of
 * counts[ĉA] out of n; if pA_lower > 1/2 return (ĉA, σ Φ⁻¹(pA_lower)) else abstain.
 * PREDICT(f, σ, x, n, α): counts ← n noisy predictions; nA, nB the top two; return ĉA iff the
 * two-sided binomial test of nA out of nA + nB at 1/2 has p-value ≤ α, else abstain.
 *
 * (Cohen's code abstains when pA_lower < 1/2 and certifies radius 0 at exactly 1/2; the paper's
 * pseudocode, and METHODS.md, certify only when pA_lower > 1/2. We follow the paper: at exactly
 * 1/2 the radius would be 0 either way.)
 *
 * The base classifier is any function from a batch of noisy inputs to class indices, so the same
 * sampler serves plain models and the denoiser + rejector pipeline of paper 003
 * (noiseRejection.ts). The noise comes from `gaussianNoise` (on the device on GPU backends);
 * the selection and estimation samples use independent streams. Counts are accumulated on the
 * device and read once per input.
 */
import * as tf from '@tensorflow/tfjs';
import { bytesPerCopy, checkBatchFits } from './batchMemory';
import { checkpoint } from '../cancel';
import { checkedLogits, finiteMaxAbs, provesNoOverflow } from '../models/forward';
import { NORMAL_DRAW_CAP } from '../noise/philox';
import { fixedOutputWidth } from '../models/outputWidth';
import { deriveSeed } from '../random';
import { gaussianNoise } from '../noise/gaussianNoise';
import { type SmoothingOptions, checkSmoothingOptions } from './smoothingConfig';
import { binomTestTwoSided, clopperPearsonLower, normInv } from './stats';
import { assertFiniteWeights } from '../models/weights';

export const ABSTAIN = -1;

/** A base classifier f: noisy inputs [b, ...shape] → class indices [b] in [0, numClasses). */
export interface BaseClassifier {
  numClasses: number;
  /** `proven`: proveNoOverflow said yes for a bound on every finite |x| of this batch. */
  classify(x: tf.Tensor, proven?: boolean): tf.Tensor1D;
  /** Whether the classifier can check its inputs alone, not every step, for inputs with |x| ≤ inputMax. */
  proveNoOverflow?(inputMax: number): Promise<boolean>;
  /** Estimated bytes one classified copy takes (batchMemory.ts); a batch over the budget is refused. */
  bytesPerCopy?: number;
}

/**
 * The base classifier of a model: the argmax of its logits, or −1 (a vote for no class) where a
 * value on the way was NaN or ±Infinity (an overflow a ReLU would hide) — such a draw then
 * counts against the top class, never for it, so a certificate can only get smaller.
 */
export function modelClassifier(model: tf.LayersModel): BaseClassifier {
  const numClasses = fixedOutputWidth(model, 'The model has no fixed number of classes.');
  return {
    numClasses,
    bytesPerCopy: bytesPerCopy(model),
    proveNoOverflow: (inputMax) => provesNoOverflow(model, inputMax),
    classify: (x, proven = false) =>
      tf.tidy(() => {
        const { logits: z, finite } = checkedLogits(model, x, proven);
        return tf.where(finite, tf.argMax(z, 1), tf.fill([z.shape[0]], -1, 'int32')) as tf.Tensor1D;
      }),
  };
}

/** Draws of `counts` (out of `total`) that voted for no class: their output was not finite. */
export function votesLost(counts: number[], total: number): number {
  return total - counts.reduce((a, b) => a + b, 0);
}

/**
 * Whether `base` may check only the inputs of x + δ for noise of level sigma: every draw is at
 * most NORMAL_DRAW_CAP · sigma in each coordinate (philox.ts), so the noisy inputs' finite values
 * stay below max|x| + that, with room for float32 rounding.
 */
export async function provenForNoise(base: BaseClassifier, x: tf.Tensor, sigma: number): Promise<boolean> {
  if (!base.proveNoOverflow) return false;
  return base.proveNoOverflow(((await finiteMaxAbs(x)) + NORMAL_DRAW_CAP * sigma) * (1 + 2 ** -16));
}

export interface SampleControl {
  signal?: AbortSignal | null;
  /** Samples drawn so far for this input, out of the total. */
  onSamples?: (done: number, total: number) => void;
}

/**
 * Class counts of f(x + δ) over `num` draws of δ ~ N(0, σ² I), from the Philox stream (seed,
 * batch index). `x` is one input, without a batch axis (or with a batch axis of 1).
 */
export async function sampleCounts(
  base: BaseClassifier,
  x: tf.Tensor,
  num: number,
  sigma: number,
  batchSize: number,
  seed: number,
  control: SampleControl = {},
): Promise<number[]> {
  checkBatchFits(base.bytesPerCopy, Math.min(batchSize, num));
  const one = x.shape[0] === 1 && x.rank > 1 ? tf.squeeze(x, [0]) : x.clone();
  let acc: tf.Tensor = tf.zeros([base.numClasses], 'int32');
  try {
    const proven = await provenForNoise(base, one, sigma);
    for (let done = 0, k = 0; done < num; k++) {
      await checkpoint(control.signal);
      const len = Math.min(batchSize, num - done);
      const next = tf.tidy(() => {
        const noise = gaussianNoise([len, ...one.shape], { sigma, seed, stream: k });
        const predicted = base.classify(tf.add(tf.expandDims(one, 0), noise), proven);
        return tf.add(acc, tf.sum(tf.oneHot(predicted, base.numClasses, 1, 0, 'int32'), 0));
      });
      acc.dispose();
      acc = next;
      done += len;
      control.onSamples?.(done, num);
    }
    return Array.from(await acc.data());
  } finally {
    acc.dispose();
    one.dispose();
  }
}

/** The most frequent of the first `classes` classes (ties towards the lower index). */
function argmaxIndex(counts: number[], classes = counts.length): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (counts[c] > counts[best]) best = c;
  return best;
}

/**
 * CERTIFY's two sample sets: ĉA, the top of the first `classes` classes over n0 selection
 * samples, then the counts of n fresh estimation samples (independent seed streams).
 */
export async function selectThenEstimate(
  base: BaseClassifier,
  x: tf.Tensor,
  o: SmoothingOptions,
  control: SampleControl,
  classes = base.numClasses,
): Promise<{ selectionCounts: number[]; topClass: number; counts: number[] }> {
  const selectionCounts = await sampleCounts(base, x, o.n0, o.sigma, o.batchSize, deriveSeed(o.seed, 'select'), { signal: control.signal });
  const topClass = argmaxIndex(selectionCounts, classes);
  const counts = await sampleCounts(base, x, o.n, o.sigma, o.batchSize, deriveSeed(o.seed, 'estimate'), control);
  return { selectionCounts, topClass, counts };
}

/** PREDICT's top two of the first `classes` classes, ties broken towards the lower index (nB = 0 with one class). */
export function topTwo(counts: number[], classes = counts.length): { top: number; nA: number; nB: number } {
  const order = counts.slice(0, classes).map((_, c) => c).sort((a, b) => counts[b] - counts[a] || a - b);
  return { top: order[0], nA: counts[order[0]], nB: classes > 1 ? counts[order[1]] : 0 };
}

export interface CertifyResult {
  /** ĉA, or ABSTAIN (−1). */
  prediction: number;
  /** σ Φ⁻¹(pA_lower) when certified, else 0. */
  radius: number;
  /** Counts of the n estimation samples per class. */
  counts: number[];
  /** Counts of the n0 selection samples per class. */
  selectionCounts: number[];
  /** The top class of the selection samples (also when abstaining). */
  topClass: number;
  pALower: number;
  /** Estimation draws whose output was not finite (counted against the top class). */
  votesLost: number;
}

/** CERTIFY for one input (Cohen et al., Section 3.2). */
export async function certifyBase(base: BaseClassifier, x: tf.Tensor, options: Partial<SmoothingOptions> = {}, control: SampleControl = {}): Promise<CertifyResult> {
  const o = checkSmoothingOptions(options);
  const { selectionCounts, topClass, counts } = await selectThenEstimate(base, x, o, control);
  const pALower = clopperPearsonLower(counts[topClass], o.n, o.alpha);
  const certified = pALower > 0.5;
  return { prediction: certified ? topClass : ABSTAIN, radius: certified ? o.sigma * normInv(pALower) : 0, counts, selectionCounts, topClass, pALower, votesLost: votesLost(counts, o.n) };
}

export interface PredictResult {
  /** ĉA, or ABSTAIN (−1). */
  prediction: number;
  counts: number[];
  /** Two-sided binomial test p-value of nA out of nA + nB at 1/2. */
  pValue: number;
  /** Draws whose output was not finite (a vote for no class). */
  votesLost: number;
}

/** PREDICT for one input (Cohen et al., Section 3.2): n samples, a binomial test at level alpha. */
export async function predictBase(base: BaseClassifier, x: tf.Tensor, options: Partial<SmoothingOptions> = {}, control: SampleControl = {}): Promise<PredictResult> {
  const o = checkSmoothingOptions(options);
  const counts = await sampleCounts(base, x, o.n, o.sigma, o.batchSize, deriveSeed(o.seed, 'predict'), control);
  const { top, nA, nB } = topTwo(counts);
  // No vote for any class (every draw's output was non-finite): nothing to test, abstain.
  const pValue = nA + nB > 0 ? binomTestTwoSided(nA, nA + nB, 0.5) : 1;
  return { prediction: nA + nB > 0 && pValue <= o.alpha ? top : ABSTAIN, counts, pValue, votesLost: votesLost(counts, o.n) };
}

/** CERTIFY on a model: `certify(model, x, { sigma, n0, n, alpha, batchSize, seed })`. */
export async function certify(model: tf.LayersModel, x: tf.Tensor, options: Partial<SmoothingOptions> = {}, control: SampleControl = {}): Promise<CertifyResult> {
  await assertFiniteWeights(model);
  return certifyBase(modelClassifier(model), x, options, control);
}

/** PREDICT on a model: `predict(model, x, { sigma, n, alpha, batchSize, seed })`. */
export async function predict(model: tf.LayersModel, x: tf.Tensor, options: Partial<SmoothingOptions> = {}, control: SampleControl = {}): Promise<PredictResult> {
  await assertFiniteWeights(model);
  return predictBase(modelClassifier(model), x, options, control);
}
