/**
 * Paper 004, Theorem 1 and Algorithm 1 (Appendix B): the relaxation that keeps the last affine
 * layer z = W^T h + b exact over the box [mid − rad, mid + rad] of its input h, for a network
 * with K regular and M abstain outputs (abstain classes at indices K..K+M−1). For input i with
 * label y and each target t ∉ {y} ∪ A (the K − 1 other regular classes), and a weight lambda on
 * the simplex over S = (y, a_1, …, a_M):
 *
 *   J_t(lambda) = min_{h in box} s^T (W^T h + b),   s = sum_j lambda_j e_{S_j} − e_t,
 *               = c^T mid − |c|^T rad + s^T b,       c = W s            (closed form)
 *
 * J_t is concave and piecewise linear; any lambda gives a valid lower bound on
 * min_h max_{j in S} (z_j − z_t). By Danskin, its supergradient in lambda_j is z_{S_j}(h*) at the
 * minimiser h* = mid − sign(c) ⊙ rad. Mirror ascent with the entropy Bregman divergence
 * (exponentiated gradient, lambda ← lambda ⊙ exp(eta_k g) / normaliser) maximises it; the best
 * iterate is kept, and lambda = e_y (the plain margin bound) is always a candidate, so the bound
 * is never looser than the abstain-free one. Everything is batched over inputs and targets on
 * the device.
 *
 * Step size (the paper gives none): eta_k = stepSize · sqrt(2 ln(M + 1) / k) / spread, where
 * spread = max_j g_j − min_j g_j of the first supergradient (the textbook rate for entropic mirror
 * descent, made scale-free per input and target).
 *
 * Eq. 16, the degeneracy regulariser: over a batch, the mean weight of abstain class m,
 * mbar_m = mean_{i,t} lambda_{i,t,a_m}, is penalised by mu · sum_m [threshold − mbar_m]^+, so the
 * regularised problem maximises mean_{i,t} J_{i,t} − mu · sum_m [threshold − mbar_m]^+, coupling all
 * inputs of the batch. Its supergradient per entry (scaled by the batch's B·T, so it lives in the
 * same units as g) is + mu · 1[mbar_m < threshold] on the abstain entries. The text lost the
 * formula; this hinge is METHODS.md's restatement. The paper suggests a threshold depending on
 * K and M (the value itself was lost); the workbench's default is 1/(K + M), the weight each
 * output would get if all K + M shared alike (training/multiAbstainConfig.ts).
 *
 * M = 1 (Sheikholeslami et al. 2021, the single abstain class): lambda = (1 − theta, theta) and
 * J_t is concave piecewise linear on the segment; `exactSegmentMax` finds its maximum exactly by
 * sorting the breakpoints (float64, in JavaScript).
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from './ibp';
import { ABSTAIN_VERIFY_DEFAULTS } from './verifyConfig';

export { ABSTAIN_VERIFY_DEFAULTS };


export interface DegeneracyRegulariser {
  /** Weight mu of the hinge penalty (Eq. 16). */
  mu: number;
  /** Threshold below which an abstain class's mean weight is penalised. */
  threshold: number;
}

export interface SimplexOptions {
  iterations?: number;
  stepSize?: number;
  /** Eq. 16: couples the batch's weights so that every abstain class is used. */
  regulariser?: DegeneracyRegulariser | null;
  /**
   * Which weights to return: 'best' (default; for verification: the best iterate per row and
   * target, e_y included, so the bound is the tightest found) or 'last' (the final mirror-ascent
   * iterate; what training uses, see training/ibp.ts). With the regulariser it is always 'last'.
   */
  keep?: 'best' | 'last';
}

/** Targets t ∉ {y} ∪ A per row: the K − 1 regular classes other than y, ascending. [B, K−1] int32. */
export function targetClasses(y: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const r = tf.range(0, numClasses - 1, 1, 'int32').expandDims(0);
    const yi = tf.cast(y, 'int32').expandDims(1);
    return tf.add(r, tf.cast(tf.greaterEqual(r, yi), 'int32')) as tf.Tensor2D;
  });
}

/** One-hot rows of S = (y, a_1..a_M): [B, M+1, C]. */
export function successSetOneHot(y: tf.Tensor1D, numClasses: number, abstainClasses: number): tf.Tensor3D {
  return tf.tidy(() => {
    const C = numClasses + abstainClasses;
    const yHot = tf.oneHot(tf.cast(y, 'int32'), C).expandDims(1);
    if (abstainClasses === 0) return yHot as tf.Tensor3D;
    const aHot = tf.oneHot(tf.range(numClasses, C, 1, 'int32'), C).expandDims(0).tile([y.shape[0], 1, 1]);
    return tf.concat([yHot, aHot], 1) as tf.Tensor3D;
  });
}

/** The specification vectors s = sum_j lambda_j e_{S_j} − e_t: [B, T, C]. */
export function specVectors(lambda: tf.Tensor3D, sHot: tf.Tensor3D, targetHot: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.sub(tf.matMul(lambda, sHot), targetHot) as tf.Tensor3D);
}

/**
 * J = min over the box of s^T (W^T h + b), for every row and target: [B, T]. Differentiable in
 * the box, W and b (for the training loss, with lambda held fixed). No tidy: the caller owns it.
 */
export function boxSpecBound(spec: tf.Tensor3D, h: Box, kernel: tf.Tensor2D, bias: tf.Tensor1D | null): tf.Tensor2D {
  const [B, T, C] = spec.shape;
  const c = tf.reshape(tf.matMul(tf.reshape(spec, [B * T, C]), kernel, false, true), [B, T, -1]);
  const mid = tf.expandDims(h.mid, 1);
  const rad = tf.expandDims(h.rad, 1);
  let j = tf.sum(tf.sub(tf.mul(c, mid), tf.mul(tf.abs(c), rad)), 2);
  if (bias) j = tf.add(j, tf.sum(tf.mul(spec, bias), 2));
  return j as tf.Tensor2D;
}

/** Danskin supergradient of J in lambda: z_{S_j}(h*), [B, T, M+1]. */
function supergradient(spec: tf.Tensor3D, h: Box, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, sHot: tf.Tensor3D): tf.Tensor3D {
  const [B, T, C] = spec.shape;
  const c = tf.reshape(tf.matMul(tf.reshape(spec, [B * T, C]), kernel, false, true), [B, T, -1]);
  const hStar = tf.sub(tf.expandDims(h.mid, 1), tf.mul(tf.sign(c), tf.expandDims(h.rad, 1)));
  let z = tf.reshape(tf.matMul(tf.reshape(hStar, [B * T, -1]), kernel), [B, T, C]);
  if (bias) z = tf.add(z, bias);
  return tf.matMul(z, sHot, false, true) as tf.Tensor3D;
}

/**
 * Eq. 16's penalty mu · sum_m [threshold − mean_{i,t} lambda_{i,t,a_m}]^+ of a batch's weights
 * [B, T, M+1] (entry 0 is y's weight). A scalar; differentiable (tests check its gradient).
 */
export function degeneracyPenalty(lambda: tf.Tensor3D, reg: DegeneracyRegulariser): tf.Scalar {
  return tf.tidy(() => {
    const M = lambda.shape[2] - 1;
    if (M === 0) return tf.scalar(0);
    const abstain = tf.slice(lambda, [0, 0, 1], [-1, -1, M]);
    const mean = tf.mean(abstain, [0, 1]);
    return tf.mul(reg.mu, tf.sum(tf.relu(tf.sub(reg.threshold, mean)))) as tf.Scalar;
  });
}

/**
 * The penalty's supergradient direction as used by the ascent, in per-entry units (see the
 * file comment): + mu on the abstain entries of classes whose mean weight is below threshold.
 * Equals −(B·T) · d penalty / d lambda wherever the hinge is not exactly at its kink.
 */
export function degeneracyAscentTerm(lambda: tf.Tensor3D, reg: DegeneracyRegulariser): tf.Tensor3D {
  return tf.tidy(() => {
    const M = lambda.shape[2] - 1;
    const abstain = tf.slice(lambda, [0, 0, 1], [-1, -1, M]);
    const below = tf.cast(tf.less(tf.mean(abstain, [0, 1]), reg.threshold), 'float32');
    const row = tf.concat([tf.zeros([1]), tf.mul(below, reg.mu)]);
    return tf.mul(tf.onesLike(lambda), row) as tf.Tensor3D;
  });
}

export interface SimplexResult {
  /** The best weights found per row and target: [B, T, M+1] (y first, then a_1..a_M). */
  lambda: tf.Tensor3D;
  /** J at those weights: [B, T] (lower bounds on min_h max_{j in S} (z_j − z_t)). */
  bound: tf.Tensor2D;
}

/**
 * Maximises J_t(lambda) over the simplex for every row and target by mirror ascent (Algorithm
 * 1), optionally with Eq. 16's regulariser (then the kept iterate is the last one, since the
 * coupled objective is not per-entry; see `keep`). Returns tensors the caller disposes; no read-back.
 */
export function maximiseOverSimplex(
  h: Box,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  y: tf.Tensor1D,
  numClasses: number,
  abstainClasses: number,
  options: SimplexOptions = {},
): SimplexResult {
  const iterations = options.iterations ?? ABSTAIN_VERIFY_DEFAULTS.iterations;
  const stepSize = options.stepSize ?? ABSTAIN_VERIFY_DEFAULTS.stepSize;
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error('iterations must be a whole number >= 0');
  if (!(stepSize > 0) || !Number.isFinite(stepSize)) throw new Error('stepSize must be a finite number > 0');
  const M = abstainClasses;
  const C = numClasses + M;
  if (kernel.shape[1] !== C) throw new Error(`the model has ${kernel.shape[1]} logits, not K + M = ${numClasses} + ${M}`);
  return tf.tidy(() => {
    const B = y.shape[0];
    const T = numClasses - 1;
    const sHot = successSetOneHot(y, numClasses, M);
    const tHot = tf.oneHot(targetClasses(y, numClasses), C) as tf.Tensor3D;
    const plain = tf.concat([tf.ones([B, T, 1]), tf.zeros([B, T, M])], 2) as tf.Tensor3D;
    let bestLambda = plain;
    let best = boxSpecBound(specVectors(plain, sHot, tHot), h, kernel, bias);
    if (M === 0 || iterations === 0) return { lambda: bestLambda, bound: best };
    const reg = options.regulariser && options.regulariser.mu > 0 ? options.regulariser : null;
    const last = !!reg || options.keep === 'last';
    let lambda = tf.fill([B, T, M + 1], 1 / (M + 1)) as tf.Tensor3D;
    let scale: tf.Tensor | null = null;
    const base = stepSize * Math.sqrt(2 * Math.log(M + 1));
    for (let k = 1; k <= iterations; k++) {
      const [nextLambda, nextBest, nextBestLambda] = tf.tidy(() => {
        const spec = specVectors(lambda, sHot, tHot);
        const j = boxSpecBound(spec, h, kernel, bias);
        let g = supergradient(spec, h, kernel, bias, sHot);
        if (reg) g = tf.add(g, degeneracyAscentTerm(lambda, reg));
        // Floored relative to the gradient's size: a zero spread (all of S alike) must not blow the step up.
        if (!scale) scale = tf.keep(tf.div(1, tf.maximum(tf.sub(tf.max(g, 2, true), tf.min(g, 2, true)), tf.add(tf.mul(tf.max(tf.abs(g), 2, true), 1e-3), 1e-6))));
        const better = last ? tf.onesLike(j) : tf.cast(tf.greater(j, best), 'float32');
        const keepBest = tf.add(tf.mul(better, j), tf.mul(tf.sub(1, better), best));
        const keepLambda = tf.add(tf.mul(better.expandDims(2), lambda), tf.mul(tf.sub(1, better).expandDims(2), bestLambda));
        // Exponentiated gradient, shifted by the row maximum for stability (the normaliser cancels it).
        const logits = tf.add(tf.log(tf.maximum(lambda, 1e-30)), tf.mul(g, tf.mul(scale!, base / Math.sqrt(k))));
        const shifted = tf.sub(logits, tf.max(logits, 2, true));
        const w = tf.exp(shifted);
        return [tf.div(w, tf.sum(w, 2, true)) as tf.Tensor3D, keepBest as tf.Tensor2D, keepLambda as tf.Tensor3D];
      });
      lambda.dispose();
      if (best !== nextBest) best.dispose();
      if (bestLambda !== nextBestLambda && bestLambda !== plain) bestLambda.dispose();
      lambda = nextLambda;
      best = nextBest;
      bestLambda = nextBestLambda;
    }
    (scale as tf.Tensor | null)?.dispose();
    // The final iterate is a candidate too.
    const jLast = boxSpecBound(specVectors(lambda, sHot, tHot), h, kernel, bias);
    const better = last ? tf.onesLike(jLast) : tf.cast(tf.greater(jLast, best), 'float32');
    return {
      lambda: tf.add(tf.mul(better.expandDims(2), lambda), tf.mul(tf.sub(1, better).expandDims(2), bestLambda)) as tf.Tensor3D,
      bound: tf.add(tf.mul(better, jLast), tf.mul(tf.sub(1, better), best)) as tf.Tensor2D,
    };
  });
}

/**
 * The exact maximum over theta in [0, 1] of
 *   J(theta) = sum_k [(d_k + theta e_k) mid_k − |d_k + theta e_k| rad_k] + b0 + theta b1,
 * the M = 1 case with c = d + theta e (d = W(e_y − e_t), e = W(e_a − e_y)). J is concave and
 * piecewise linear: start from the slope at 0+, walk the breakpoints −d_k/e_k in (0, 1) in order,
 * each lowering the slope by 2|e_k| rad_k, and stop where it turns ≤ 0. Float64.
 */
export function exactSegmentMax(d: ArrayLike<number>, e: ArrayLike<number>, mid: ArrayLike<number>, rad: ArrayLike<number>, b0: number, b1: number): { theta: number; value: number } {
  const H = d.length;
  let slope = b1;
  const breaks: Array<[number, number]> = [];
  for (let k = 0; k < H; k++) {
    slope += e[k] * mid[k];
    const s = d[k] !== 0 ? Math.sign(d[k]) : Math.sign(e[k]);
    slope -= s * e[k] * rad[k];
    if (e[k] !== 0 && rad[k] > 0) {
      const t = -d[k] / e[k];
      if (t > 0 && t < 1) breaks.push([t, 2 * Math.abs(e[k]) * rad[k]]);
    }
  }
  let theta = 1;
  if (slope <= 0) theta = 0;
  else {
    breaks.sort((a, b) => a[0] - b[0]);
    for (const [t, drop] of breaks) {
      slope -= drop;
      if (slope <= 0) {
        theta = t;
        break;
      }
    }
  }
  let value = b0 + theta * b1;
  for (let k = 0; k < H; k++) {
    const c = d[k] + theta * e[k];
    value += c * mid[k] - Math.abs(c) * rad[k];
  }
  return { theta, value };
}
