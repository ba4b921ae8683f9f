/**
 * Verification of networks with K regular and M abstain outputs (paper 004, Section 3, Eq. 9,
 * Theorem 1, Algorithm 1; M = 1 is Sheikholeslami et al. 2021, M = 0 a plain classifier).
 * An input x with label y is certified on B(x, eps) (the l_inf ball ∩ the input box) when every
 * x' in it is classified as y or as an abstain class: for each target t ∉ {y} ∪ A the bound
 * max_lambda J_t(lambda) ≥ 0 (verify/abstainSimplex.ts). The box of h, the last affine layer's
 * input, comes from IBP (verify/ibp.ts) or, tighter, from CROWN (verify/crown.ts, MLPs), where
 * the final bound at the optimised lambda is also taken from a full CROWN pass with the
 * specification folded in (both are sound; the larger is kept).
 *
 * Metrics, as the papers count them (Sheikholeslami et al. 2021, Section 5; paper 004 Table 1):
 *  - standard error: the clean input is not classified as y (an abstain output on a clean input
 *    is an error);
 *  - verified (robust) error: the clean input is misclassified, or the certificate fails. An
 *    abstain output is a success only for perturbed inputs.
 * M = 1 is solved exactly on the segment (exactSegmentMax) unless `exactSingleAbstain` is false.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { assertInsideBox } from '../attacks/common';
import { finiteRows, logits as modelLogits } from '../models/forward';
import { outputWidth } from '../models/outputWidth';
import { assertFiniteWeights } from '../models/weights';
import { assertFiniteInputs, checkVerifyEps } from './verifyRanges';
import { splitLastAffine, verificationPlan } from './layers';
import { checkedPenultimateBox, inputBox, type Box } from './ibp';
import { crownPenultimateBox, crownSpecLowerBound } from './crown';
import { ABSTAIN_VERIFY_DEFAULTS, exactSegmentMax, maximiseOverSimplex, specVectors, successSetOneHot, targetClasses } from './abstainSimplex';

export type BoundMethod = 'ibp' | 'crown';

export interface VerifyAbstainOptions {
  /** K, the number of regular classes; the model's other outputs (K..K+M−1) are abstain classes. */
  numClasses: number;
  /** Input box, e.g. [0, 1] for images; null = unbounded (2-D toy data). */
  box?: [number, number] | null;
  /** How the box of h is bounded (default 'ibp'). */
  bound?: BoundMethod;
  iterations?: number;
  stepSize?: number;
  /** Solve M = 1 exactly on the segment (default true). */
  exactSingleAbstain?: boolean;
  batchSize?: number;
  signal?: AbortSignal | null;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface AbstainVerdicts {
  n: number;
  numClasses: number;
  abstainClasses: number;
  eps: number;
  bound: BoundMethod;
  /** Clean predictions (argmax over all K + M outputs). */
  cleanPrediction: Int32Array;
  /** 1 where every x' in B(x, eps) provably lands in {y} ∪ A. */
  certified: Uint8Array;
  /** 1 where the clean input is classified as y and certified (verified robust). */
  verified: Uint8Array;
  /** min_t J_t per input (≥ 0 iff certified). */
  margin: Float32Array;
  /** The targets per input, [n, K−1] row-major. */
  targets: Int32Array;
  /** J_t per input and target, [n, K−1]. */
  bounds: Float32Array;
  /** The optimised simplex weights, [n, K−1, M+1] (weight of y first, then a_1..a_M). */
  lambda: Float32Array;
  standardError: number;
  verifiedError: number;
  /** Inputs not verified because a non-finite number met on the way (their margin is NaN). */
  nonFinite: number;
  /** Share of clean inputs whose output is an abstain class. */
  abstainClean: number;
  elapsedMs: number;
}

/** M from the model's number of logits and K; throws with a message when they do not fit. */
export function abstainClassesOf(model: tf.LayersModel, numClasses: number): number {
  const C = outputWidth(model) as number;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses (K) must be a whole number >= 2 (got ${numClasses})`);
  if (C < numClasses) throw new Error(`the model has ${C} outputs, fewer than K = ${numClasses} classes`);
  return C - numClasses;
}

/** Replaces the M = 1 mirror-ascent results by the exact segment maximum (float64, JS). */
async function exactM1(h: Box, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, labels: ArrayLike<number>, K: number, lambda: Float32Array, bounds: Float32Array): Promise<void> {
  const [mid, rad, w, b] = await Promise.all([h.mid.data(), h.rad.data(), kernel.data(), bias ? bias.data() : Promise.resolve(null)]);
  const H = kernel.shape[0];
  const C = kernel.shape[1];
  const a = K;
  const d = new Float64Array(H);
  const e = new Float64Array(H);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const m = mid.subarray(i * H, (i + 1) * H);
    const r = rad.subarray(i * H, (i + 1) * H);
    for (let r0 = 0; r0 < K - 1; r0++) {
      const t = r0 < y ? r0 : r0 + 1;
      for (let k = 0; k < H; k++) {
        d[k] = w[k * C + y] - w[k * C + t];
        e[k] = w[k * C + a] - w[k * C + y];
      }
      const b0 = b ? b[y] - b[t] : 0;
      const b1 = b ? b[a] - b[y] : 0;
      const { theta, value } = exactSegmentMax(d, e, m, r, b0, b1);
      const at = i * (K - 1) + r0;
      if (value > bounds[at]) {
        bounds[at] = value;
        lambda[at * 2] = 1 - theta;
        lambda[at * 2 + 1] = theta;
      }
    }
  }
}

/**
 * Per-input verdicts and the optimised simplex weights for inputs x (rows) with labels y at
 * radius eps. The tensor count is unchanged afterwards.
 */
export async function verifyAbstain(model: tf.LayersModel, x: tf.Tensor, y: ArrayLike<number>, eps: number, options: VerifyAbstainOptions): Promise<AbstainVerdicts> {
  const started = Date.now();
  const K = options.numClasses;
  const M = abstainClassesOf(model, K);
  const n = x.shape[0];
  if (y.length !== n) throw new Error(`verifyAbstain: ${n} inputs but ${y.length} labels`);
  for (let i = 0; i < n; i++) if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= K) throw new Error(`verifyAbstain: label ${y[i]} of input ${i} is not a regular class 0..${K - 1}`);
  const bound = options.bound ?? 'ibp';
  checkVerifyEps(eps, options.box ?? null);
  await assertFiniteInputs(x, 'verifyAbstain');
  await assertFiniteWeights(model);
  // The region B(x, eps) ∩ box must contain x itself (as the attacks require).
  await assertInsideBox(x, options.box ?? null);
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a whole number >= 1');
  const T = K - 1;
  const { last } = splitLastAffine(verificationPlan(model));
  const out = emptyVerdicts(n, K, M, eps, bound);
  const finiteFlags = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    await checkpoint(options.signal);
    const len = Math.min(batchSize, n - start);
    const labels = Array.from({ length: len }, (_, i) => y[start + i]);
    const parts = tf.tidy(() => {
      const xb = tf.slice(x, start, len);
      const yb = tf.tensor1d(labels, 'int32');
      const { lower, upper } = inputBox(xb, eps, options.box ?? null);
      const ibp = checkedPenultimateBox(model, lower, upper);
      const { h, kernel, bias } = bound === 'crown' ? crownPenultimateBox(model, lower, upper) : ibp;
      const res = maximiseOverSimplex(h, kernel, bias, yb, K, M, options);
      let boundT = res.bound;
      if (bound === 'crown') {
        const spec = specVectors(res.lambda, successSetOneHot(yb, K, M), tf.oneHot(targetClasses(yb, K), K + M) as tf.Tensor3D);
        boundT = tf.maximum(boundT, crownSpecLowerBound(model, lower, upper, spec)) as tf.Tensor2D;
      }
      const clean = modelLogits(model, xb);
      // A row whose IBP pass met a non-finite pre-activation (an overflow that a ReLU would turn
      // into a finite 0), or whose clean output, penultimate box or bound is not finite, is
      // never verified. The box contains x, so a finite IBP pass also means a finite clean pass.
      const finite = tf.logicalAnd(
        ibp.finite,
        tf.logicalAnd(finiteRows(clean), tf.logicalAnd(finiteRows(h.mid), finiteRows(h.rad))),
      );
      return {
        pred: tf.argMax(clean, 1),
        finite: tf.cast(finite, 'int32'),
        targets: targetClasses(yb, K),
        bounds: boundT,
        lambda: res.lambda,
        h: { mid: h.mid, rad: h.rad },
      };
    });
    try {
      const [pred, targets, bounds, lambda, finite] = await Promise.all([parts.pred.data(), parts.targets.data(), parts.bounds.data(), parts.lambda.data(), parts.finite.data()]);
      finiteFlags.set(finite as Int32Array, start);
      const b = Float32Array.from(bounds);
      const l = Float32Array.from(lambda);
      if (M === 1 && options.exactSingleAbstain !== false) await exactM1(parts.h as Box, last.kernel(), last.bias(), labels, K, l, b);
      out.cleanPrediction.set(pred as Int32Array, start);
      out.targets.set(targets as Int32Array, start * T);
      out.bounds.set(b, start * T);
      out.lambda.set(l, start * T * (M + 1));
    } finally {
      tf.dispose([parts.pred, parts.finite, parts.targets, parts.bounds, parts.lambda, parts.h.mid, parts.h.rad]);
    }
    await options.onProgress?.(start + len, n);
  }
  for (let i = 0; i < n; i++) {
    let m = Infinity;
    let finite = finiteFlags[i] === 1;
    for (let t = 0; t < T; t++) {
      const b = out.bounds[i * T + t];
      if (!Number.isFinite(b)) finite = false;
      m = Math.min(m, b);
    }
    // Sound or silent: a margin computed through a non-finite number is NaN (never certified).
    out.margin[i] = finite ? m : NaN;
    m = out.margin[i];
    out.certified[i] = m >= 0 ? 1 : 0;
    out.verified[i] = out.cleanPrediction[i] === y[i] && m >= 0 ? 1 : 0;
  }
  return verdictsOver(out, y, n, Date.now() - started);
}

/** Verdicts for n inputs with nothing filled in yet (totals NaN). */
export function emptyVerdicts(n: number, K: number, M: number, eps: number, bound: BoundMethod): AbstainVerdicts {
  const T = K - 1;
  return {
    n, numClasses: K, abstainClasses: M, eps, bound,
    cleanPrediction: new Int32Array(n), certified: new Uint8Array(n), verified: new Uint8Array(n), margin: new Float32Array(n),
    targets: new Int32Array(n * T), bounds: new Float32Array(n * T), lambda: new Float32Array(n * T * (M + 1)),
    standardError: NaN, verifiedError: NaN, nonFinite: 0, abstainClean: NaN, elapsedMs: 0,
  };
}

/** Copies the per-input verdicts of `from` into `into`, from input `at` on. */
export function placeVerdicts(into: AbstainVerdicts, from: AbstainVerdicts, at: number): void {
  const T = into.numClasses - 1;
  const L = T * (into.abstainClasses + 1);
  into.cleanPrediction.set(from.cleanPrediction, at);
  into.certified.set(from.certified, at);
  into.verified.set(from.verified, at);
  into.margin.set(from.margin, at);
  into.targets.set(from.targets, at * T);
  into.bounds.set(from.bounds, at * T);
  into.lambda.set(from.lambda, at * L);
}

/**
 * The verdicts of the first `count` inputs with the papers' totals over them: standard error
 * (clean output ≠ y; an abstain output counts as an error), verified error (1 − verified share),
 * and the share of clean inputs sent to an abstain class.
 */
export function verdictsOver(v: AbstainVerdicts, labels: ArrayLike<number>, count: number, elapsedMs: number): AbstainVerdicts {
  const K = v.numClasses;
  const T = K - 1;
  const L = T * (v.abstainClasses + 1);
  let wrong = 0;
  let verified = 0;
  let abstain = 0;
  let nonFinite = 0;
  for (let i = 0; i < count; i++) {
    if (Number.isNaN(v.margin[i])) nonFinite++;
    if (v.cleanPrediction[i] !== labels[i]) wrong++;
    if (v.cleanPrediction[i] >= K) abstain++;
    verified += v.verified[i];
  }
  const whole = count === v.n;
  return {
    ...v,
    n: count,
    cleanPrediction: whole ? v.cleanPrediction : v.cleanPrediction.slice(0, count),
    certified: whole ? v.certified : v.certified.slice(0, count),
    verified: whole ? v.verified : v.verified.slice(0, count),
    margin: whole ? v.margin : v.margin.slice(0, count),
    targets: whole ? v.targets : v.targets.slice(0, count * T),
    bounds: whole ? v.bounds : v.bounds.slice(0, count * T),
    lambda: whole ? v.lambda : v.lambda.slice(0, count * L),
    standardError: count ? wrong / count : NaN,
    verifiedError: count ? 1 - verified / count : NaN,
    nonFinite,
    abstainClean: count ? abstain / count : NaN,
    elapsedMs,
  };
}

export { ABSTAIN_VERIFY_DEFAULTS };
