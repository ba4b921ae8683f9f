/**
 * A differentiable inverse standard normal CDF, Phi^-1, as tfjs ops (tfjs has no erfinv), for the
 * differentiable certified radius of CRA (paper 001, Eq. 11, after Zhai et al. 2020).
 *
 * Value: Wichura's algorithm AS 241 (Applied Statistics 37, 1988), PPND7, the form made for
 * single precision (about 1e-7 relative; 3e-7 in float32 against Phi^-1 of the same float32 p):
 * a rational function of 0.180625 − (p − 1/2)² for |p − 1/2| <= 0.425, else of
 * sqrt(−log min(p, 1 − p)) − 1.6. All its centre coefficients are positive, so float32 loses
 * nothing to cancellation (Acklam's approximation, tried first, lost 4e-5 there). AS 241's third
 * branch, for min(p, 1 − p) < exp(−25), lies beyond the clamp below and is left out.
 * Gradient: the closed form d Phi^-1(p) / dp = 1 / phi(Phi^-1(p)) = sqrt(2 pi) exp(x² / 2),
 * through tf.customGrad.
 * Clamp: p is clamped to [NORM_INV_CLAMP, 1 − NORM_INV_CLAMP] (±4.75) so the value stays finite at
 * p = 0 or 1. The clamp passes the gradient straight through (the gradient there is the one at
 * the clamp edge, about 2e5), like the authors' CRA code, which shifts the top probability down
 * by 1e-6 and the runner-up up by 1e-6 instead of cutting the gradient: a saturated softmax still
 * tells the optimiser which way lowers the radius.
 */
import * as tf from '@tensorflow/tfjs';

export const NORM_INV_CLAMP = 1e-6;

const A = [59.10937472, 159.29113202, 50.434271938, 3.3871327179];
const B = [67.1875636, 78.757757664, 17.895169469, 1];
const C = [0.17023821103, 1.3067284816, 2.75681539, 1.4234372777];
const D = [0.12021132975, 0.7370016425, 1];
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Horner evaluation of a polynomial (coefficients from the highest power down). */
function poly(coefficients: number[], t: tf.Tensor): tf.Tensor {
  return coefficients.slice(1).reduce<tf.Tensor>((acc, c) => tf.add(tf.mul(acc, t), c), tf.fill(t.shape, coefficients[0]));
}

/** AS 241 PPND7 for p in [exp(−25), 1 − exp(−25)]. */
function ppnd7(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.sub(p, 0.5);
    const r = tf.sub(0.180625, tf.square(q));
    const centre = tf.div(tf.mul(q, poly(A, r)), poly(B, r));
    const s = tf.sub(tf.sqrt(tf.neg(tf.log(tf.minimum(p, tf.sub(1, p))))), 1.6);
    const tail = tf.div(poly(C, s), poly(D, s));
    return tf.where(tf.lessEqual(tf.abs(q), 0.425), centre, tf.where(tf.less(q, 0), tf.neg(tail), tail));
  });
}

// tf.customGrad types its callback's arguments as (Tensor | GradSaveFunc)[]: one input, then `save`.
const normInvClamped = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [p, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const x = tf.tidy(() => ppnd7(tf.clipByValue(p, NORM_INV_CLAMP, 1 - NORM_INV_CLAMP)));
  save([x]);
  return {
    value: x,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(SQRT_2PI, tf.exp(tf.mul(0.5, tf.square(saved[0]))))),
  };
});

/** Phi^-1(p) elementwise, differentiable (see the file comment for the clamp). */
export function normInv(p: tf.Tensor): tf.Tensor {
  return normInvClamped(p) as tf.Tensor;
}
