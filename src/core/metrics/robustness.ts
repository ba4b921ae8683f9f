/**
 * The four-way split of paper 001 (Section 3, Eq. 1–3, Figure 1): under threat model B each
 * labelled input is robust & accurate, robust & inaccurate, non-robust & accurate or non-robust
 * & inaccurate, where "robust" means the prediction is constant on B(x) and "accurate" means
 * F(x) = y. Robustness is decided empirically by an attack on the model's own prediction F(x)
 * (not on y): an input is non-robust iff the attack finds x' in B(x) with F(x') ≠ F(x). For
 * accurate inputs that is the usual attack on y; for inaccurate inputs it is what Eq. 3 needs.
 * Robust accuracy R_acc and robust inaccuracy R_rob-inacc are the first two fractions.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackConfig } from '../attacks/config';
import { runAttack } from '../attacks/registry';
import type { RunControl } from '../attacks/runner';
import { predict } from '../attacks/common';
import { type RobustnessSplit, splitFromPredictions } from './split';

export type { RobustnessSplit } from './split';

/**
 * Attacks every input's own prediction and returns the per-input categories and the four
 * fractions. `y` are integer labels.
 */
export async function robustnessSplit(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D | ArrayLike<number>,
  attack: AttackConfig,
  control: RunControl = {},
): Promise<RobustnessSplit> {
  const labels = y instanceof tf.Tensor ? await y.data() : y;
  const pred = predict(model, x);
  let xAdv: tf.Tensor | null = null;
  try {
    xAdv = await runAttack(model, x, pred, attack, control);
    const advPred = predict(model, xAdv);
    const [p, ap, adv] = await Promise.all([pred.data(), advPred.data(), xAdv.data()]);
    advPred.dispose();
    return splitFromPredictions(labels, Int32Array.from(p), Int32Array.from(ap), Float32Array.from(adv));
  } finally {
    pred.dispose();
    xAdv?.dispose();
  }
}
