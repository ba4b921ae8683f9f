/**
 * Rectified Rejection (RR), paper 000 ("Two Coupled Rejection Metrics Can Tell Adversarial
 * Examples Apart"), Section 4.1, Eq. 3-5:
 *
 *   R-Con(x) = f(x)[y_m] · A_phi(x)                                                  (Eq. 3)
 *   L_RR(x, y) = BCE(R-Con(x) || T-Con(x)),  T-Con(x) = f(x)[y]                     (Eq. 4)
 *   min_{theta, phi} E[ L_T(x*, y) + lambda · L_RR(x*, y) ],  x* = argmax_{x' in B(x)} L_A(x', y)  (Eq. 5)
 *
 * with f = softmax of the classifier head, y_m = argmax f(x) and A_phi = sigmoid of the model's
 * auxiliary head (models/heads.ts, createRrModel). Two adversarial-training frameworks:
 *  - 'rr-pgd-at': L_T = CE(f(x*), y), x* = PGD on the cross-entropy (pgdAt.ts);
 *  - 'rr-trades': L_T = CE(f(x), y) + beta · KL(f(x) || f(x*)), x* = TRADES' inner maximiser
 *    (trades.ts); L_RR is taken at x*, as in the authors' code (train_cifar.py, ATframework TRADES).
 *
 * Stop-gradients (Section 4.1: "we stop gradients on the flows of f(x)[y] → BCE loss, and
 * f(x)[y_m] → R-Con when y_m = y"): the BCE target T-Con is always a constant; with
 * stopGradient 'paper' (default) the confidence f(x*)[y_m] inside R-Con is a constant for the
 * inputs that x* leaves correctly classified, so on those L_RR trains only A_phi (and the
 * backbone through it); with 'target-only' the confidence keeps its gradient everywhere (the
 * released code without --SGconfidenceW). See rejectionHeadsConfig.ts for why 'paper' is the
 * default; the released code with the README's flags computes the same as 'paper'.
 *
 * Temperature: both f(x)[y] and f(x)[y_m] inside L_RR are softmax(z / tau) (Table 5: "tau is only
 * tuned in the term of L_RR, while the temperature for L_T is kept to be 1"). The authors' code
 * has two multipliers, tempC (confidence) and tempC_trueonly (target), both 1 by default; here
 * one tau = 1 / tempC serves both, as in Table 5.
 *
 * Numerics: the BCE is evaluated in log space,
 *   log R-Con     = log f[y_m] + log sigmoid(a),
 *   log(1 − R-Con) = logaddexp(log(1 − f[y_m]), log f[y_m] + log sigmoid(−a)),
 * with log f[y_m] and log(1 − f[y_m]) from metrics/rejectorScores.ts' logConfidenceParts, so it
 * stays accurate (and finite) when f[y_m], A_phi or R-Con are within float32's epsilon of 1.
 * PyTorch's nn.BCELoss, which the authors use, clamps each log at −100 instead; the two agree
 * wherever no log falls below −100.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { assertHeads, twoHeadOutputs } from '../models/heads';
import { logConfidenceParts } from '../metrics/rejectorScores';
import { logits } from '../models/forward';
import { isTaped } from '../tape';
import type { LossParams, TrainingMethod } from './method';
import { pgdAt } from './pgdAt';
import { klLogits, tradesAdversary } from './trades';
import { RR_DEFAULTS, type RrConfig, type RrStopGradient } from './rejectionHeadsConfig';

export { RR_DEFAULTS, type RrConfig, type RrStopGradient };

// tf.customGrad types its callback's arguments as (Tensor | GradSaveFunc)[]: one input, then `save`.
const stopGradientOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** The identity, with an exactly zero gradient (tfjs has no stop_gradient / detach op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}

export interface RrLossOptions {
  /** Softmax temperature tau inside L_RR (default 1). */
  temperature?: number;
  /** Where gradients stop (default 'paper'; see the file comment). */
  stopGradient?: RrStopGradient;
}

/**
 * Per-example L_RR = BCE(R-Con || T-Con) (paper 000, Eq. 4) from the classifier's logits z
 * [b, K], the auxiliary head's pre-sigmoid logit a [b] and the labels, with the stop-gradients
 * and the temperature of `options`. Differentiable in z and a (except where gradients stop).
 * Needs at least two classes.
 *
 * One tfjs op with its gradient in closed form (tf.customGrad): the loss is the log-space
 * expression of the file comment, and under a gradient tape the same pass also forms dL/dz and
 * dL/da (below), so the backward pass is a product with the upstream gradient. Letting tfjs
 * differentiate the ~100 small ops of the loss instead took ~350 kernels per batch, more than
 * the classifier's own forward and backward pass at batch 10 (that was most of RR's extra time
 * per epoch). The values are those of the op-by-op form, to the bit; the gradients agree with
 * its autodiff to float32 rounding on ordinary inputs (more accurate on very confident ones, see
 * below), and are exactly zero where the paper stops them.
 *
 * The gradient, with m = y_m, f = softmax(z / tau), t = T-Con and t̄ = 1 − T-Con (constants),
 * R = R-Con, 1 − R = (1 − f[m]) + f[m]·sigmoid(−a), w1 = (1 − f[m]) / (1 − R),
 * w2 = f[m]·sigmoid(−a) / (1 − R) and M = t̄·R / (1 − R) − t:
 *   dL/da    = sigmoid(−a)·M,
 *   dL/ds    = −g·(1 − f[m])·M   for s = log sum_{c ≠ m} e^{d_c} (log f[m] = −softplus(s)),
 *   dL/dz_c  = dL/ds · (q_c − 1[c = m]) / tau,  q = softmax over the classes c ≠ m of d,
 * where g = 1 − 1[m = y] with stopGradient 'paper' (the confidence is a constant on correct
 * inputs) and g = 1 with 'target-only'. Two equal forms of the first two, with
 * v = sigmoid(−a) / (1 − R) = w2 / f[m] and D = t̄·f[m] − t·(1 − f[m]):
 *   (A) dL/da = t̄·R·v − t·sigmoid(−a),              dL/ds = g·(t·(1 − f[m]) − t̄·R·w1);
 *   (B) dL/da = v·D − w2·sigmoid(−a)·(t + t̄),        dL/ds = g·(t̄·w2 − D),
 * which on correct inputs (t = f[m], t̄ = 1 − f[m], D = 0) is dL/da = −w2·sigmoid(−a),
 * dL/ds = g·t̄·w2. Autodiff of the op-by-op form subtracted nearly equal terms on confident
 * inputs; the code does not (it takes A on wrong inputs, B on correct ones).
 */
export function rrBcePerExample(z: tf.Tensor2D, auxLogit: tf.Tensor1D, labels: tf.Tensor1D, options: RrLossOptions = {}): tf.Tensor1D {
  const temperature = options.temperature ?? RR_DEFAULTS.temperature;
  const mode = options.stopGradient ?? RR_DEFAULTS.stopGradient;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The RR temperature must be a finite number > 0 (got ${temperature}).`);
  const k = z.shape[1];
  if (k < 2) throw new Error('L_RR needs at least two classes.');
  // Form the gradient in the forward pass only when a tape will ask for it.
  const taped = isTaped();
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [zz, a, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    // tfjs runs this forward pass inside a tidy of its own (the intermediates are freed) and
    // without recording it on the tape; save() keeps copies of what the gradient needs.
    const [loss, gz, ga] = ((): tf.Tensor[] => {
      const { predicted, d, logConf, logNotConf } = logConfidenceParts(zz, temperature);
      // As float32 (0 and 1) once, so that no op below casts them again (tfjs casts both operands
      // of a mixed-dtype op; the wasm backend's OneHot writes int32 whatever the dtype asked).
      const yHot = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), k), 'float32');
      const hot = tf.cast(tf.oneHot(predicted, k), 'float32');
      // 1 where y_m = y, else 0.
      const correct = tf.sum(tf.mul(hot, yHot), 1);
      const notCorrect = tf.sub(1, correct);
      // T-Con = f(x)[y] and 1 − T-Con, the BCE target (constants: no gradient flows into them).
      // log f[y] = d_y + log Con; 1 − T-Con from log(1 − Con) where y = y_m (float32).
      const tCon = tf.exp(tf.add(tf.sum(tf.mul(d, yHot), 1), logConf));
      const nfm = tf.exp(logNotConf); // 1 − f[y_m]
      const notTCon = tf.add(tf.mul(correct, nfm), tf.mul(notCorrect, tf.sub(1, tCon)));
      // log sigmoid(±a) = −softplus(∓a), softplus(x) = max(x, 0) + log1p(e^−|x|) as in
      // metrics/rejectorScores.ts (the same ops), sharing log1p(e^−|a|).
      const l1p = tf.log1p(tf.exp(tf.neg(tf.abs(a))));
      const lsn = tf.neg(tf.add(tf.relu(a), l1p)); // log(1 − A_phi)
      const u = tf.add(logConf, lsn); // log(f[y_m]·(1 − A_phi))
      const logR = tf.add(logConf, tf.neg(tf.add(tf.relu(tf.neg(a)), l1p))); // log R-Con
      const log1mR = tf.logSumExp(tf.stack([logNotConf, u], 1), 1); // log(1 − R-Con)
      const loss = tf.neg(tf.add(tf.mul(tCon, logR), tf.mul(notTCon, log1mR))) as tf.Tensor1D;
      if (!taped) return [loss];
      // The gradient (see the comment above): form (B) on correct inputs (y = y_m), (A) on wrong
      // ones. On correct inputs t = f[m] and t̄ = 1 − f[m] are the same two numbers, D = 0 and B
      // is a product (A would subtract nearly equal terms there when the input is confident);
      // on wrong ones A subtracts only where dL/da and dL/ds are themselves near 0 (R ≈ T-Con).
      // w1, w2 are sigmoids of the difference of their logs, not e^{log − log(1 − R)}, so that
      // they stay accurate when log(1 − R) is large. The blends c·B + (1 − c)·A, with c the 0/1
      // mask, are exactly B or A.
      const sigNeg = tf.exp(lsn); // sigmoid(−a)
      const du = tf.sub(u, logNotConf);
      const w1 = tf.sigmoid(tf.neg(du));
      const w2 = tf.sigmoid(du);
      const v = tf.div(w2, tf.exp(logConf)); // sigmoid(−a) / (1 − R)
      const tR = tf.mul(notTCon, tf.exp(logR)); // t̄·R
      const gaA = tf.sub(tf.mul(tR, v), tf.mul(tCon, sigNeg));
      const gaB = tf.neg(tf.mul(w2, sigNeg));
      const ga = tf.add(tf.mul(correct, gaB), tf.mul(notCorrect, gaA)) as tf.Tensor1D;
      const gsA = tf.sub(tf.mul(tCon, nfm), tf.mul(tR, w1));
      // 'paper': no gradient into the confidence on correct inputs.
      const gs = mode === 'paper' ? tf.mul(notCorrect, gsA) : tf.add(tf.mul(correct, tf.mul(notTCon, w2)), tf.mul(notCorrect, gsA));
      const q = tf.softmax(tf.sub(d, tf.mul(hot, 1e30)));
      let gz = tf.mul(tf.expandDims(gs, 1), tf.sub(q, hot)) as tf.Tensor2D;
      if (temperature !== 1) gz = tf.div(gz, temperature);
      return [loss, gz, ga];
    })();
    if (gz && ga) save([gz, ga]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => [tf.mul(tf.expandDims(dy, 1), saved[0]), tf.mul(dy, saved[1])]),
    };
  });
  return op(z, auxLogit) as tf.Tensor1D;
}

function rrOptions(p: LossParams): RrConfig {
  return p.rr ?? RR_DEFAULTS;
}

/** Per-example PGD-AT + RR loss at given adversarial inputs: CE(f(x*), y) + lambda · L_RR(x*, y). */
export function rrPgdAtLossPerExample(model: tf.LayersModel, y: tf.Tensor1D, xAdv: tf.Tensor, rr: RrConfig = RR_DEFAULTS): tf.Tensor1D {
  return tf.tidy(() => {
    const { logits: z, auxLogit } = twoHeadOutputs(model, xAdv);
    return tf.add(crossEntropy(z, y), tf.mul(rr.lambda, rrBcePerExample(z, auxLogit, y, rr))) as tf.Tensor1D;
  });
}

/**
 * Per-example TRADES + RR loss at given adversarial inputs:
 * CE(f(x), y) + beta · KL(f(x) || f(x*)) + lambda · L_RR(x*, y).
 */
export function rrTradesLossPerExample(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, xAdv: tf.Tensor, beta: number, rr: RrConfig = RR_DEFAULTS): tf.Tensor1D {
  return tf.tidy(() => {
    const zNat = logits(model, x);
    const { logits: zAdv, auxLogit } = twoHeadOutputs(model, xAdv);
    const trades = tf.add(crossEntropy(zNat, y), tf.mul(beta, klLogits(zNat, zAdv)));
    return tf.add(trades, tf.mul(rr.lambda, rrBcePerExample(zAdv, auxLogit, y, rr))) as tf.Tensor1D;
  });
}

export const rrPgdAt: TrainingMethod = {
  prepare: (model, x, y, p, seed) => {
    assertHeads(model, 'rr', 'PGD-AT + Rectified Rejection');
    return pgdAt.prepare(model, x, y, p, seed);
  },
  loss: (model, _x, y, prepared, p) => tf.tidy(() => tf.mean(rrPgdAtLossPerExample(model, y, prepared.xAdv, rrOptions(p))) as tf.Scalar),
};

export const rrTrades: TrainingMethod = {
  prepare: (model, x, y, p, seed) => {
    assertHeads(model, 'rr', 'TRADES + Rectified Rejection');
    return { xAdv: tradesAdversary(model, x, y, p, seed) };
  },
  loss: (model, x, y, prepared, p) =>
    tf.tidy(() => tf.mean(rrTradesLossPerExample(model, x, y, prepared.xAdv, p.tradesBeta, rrOptions(p))) as tf.Scalar),
};
