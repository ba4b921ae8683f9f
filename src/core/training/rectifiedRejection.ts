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
 * released code without --SGconfidenceW). See rejectionTrainingConfig.ts for why 'paper' is the
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
import { logConfidenceParts, logSigmoid } from '../metrics/rejectorScores';
import { logits } from '../models/mlp';
import type { LossParams, TrainingMethod } from './method';
import { pgdAt } from './pgdAt';
import { klLogits, tradesAdversary } from './trades';
import { RR_DEFAULTS, type RrConfig, type RrStopGradient } from './rejectionTrainingConfig';

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
 */
export function rrBcePerExample(z: tf.Tensor2D, auxLogit: tf.Tensor1D, labels: tf.Tensor1D, options: RrLossOptions = {}): tf.Tensor1D {
  const temperature = options.temperature ?? RR_DEFAULTS.temperature;
  const mode = options.stopGradient ?? RR_DEFAULTS.stopGradient;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The RR temperature must be a finite number > 0 (got ${temperature}).`);
  return tf.tidy(() => {
    const k = z.shape[1];
    if (k < 2) throw new Error('L_RR needs at least two classes.');
    const { predicted, d, logConf, logNotConf } = logConfidenceParts(z, temperature);
    const yHot = tf.oneHot(tf.cast(labels, 'int32'), k);
    // 1 where y_m = y, else 0, as a float mask (arithmetic only: tfjs has no gradient for Equal,
    // and the mask depends on z through argmax, so it sits on the tape).
    const correct = tf.sum(tf.mul(tf.oneHot(predicted, k), yHot), 1);
    const notCorrect = tf.sub(1, correct);
    // T-Con = f(x)[y] and 1 − T-Con, the BCE target: always constants ("f(x)[y] → BCE loss" is
    // stopped). log f[y] = d_y + log Con; 1 − T-Con from log(1 − Con) where y = y_m (float32).
    const tCon = stopGradient(tf.exp(tf.add(tf.sum(tf.mul(d, yHot), 1), logConf)));
    const notTCon = stopGradient(tf.add(tf.mul(correct, tf.exp(logNotConf)), tf.mul(notCorrect, tf.sub(1, tCon))));
    let lc: tf.Tensor = logConf;
    let lnc: tf.Tensor = logNotConf;
    if (mode === 'paper') {
      // "f(x)[y_m] → R-Con when y_m = y" is stopped: the confidence is a constant on correct
      // inputs. v·(1 − m) + sg(v)·m is exactly v in value (m is 0 or 1), with gradient (1 − m).
      lc = tf.add(tf.mul(notCorrect, logConf), tf.mul(correct, stopGradient(logConf)));
      lnc = tf.add(tf.mul(notCorrect, logNotConf), tf.mul(correct, stopGradient(logNotConf)));
    }
    const logR = tf.add(lc, logSigmoid(auxLogit)); // log R-Con
    const log1mR = tf.logSumExp(tf.stack([lnc, tf.add(lc, logSigmoid(tf.neg(auxLogit)))], 1), 1); // log(1 − R-Con)
    return tf.neg(tf.add(tf.mul(tCon, logR), tf.mul(notTCon, log1mR))) as tf.Tensor1D;
  });
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
