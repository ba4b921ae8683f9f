/**
 * PGD on a smoothed classifier (SmoothAdv; Salman et al. 2019, "Provably Robust Deep Learning via
 * Adversarially Trained Smoothed Classifiers", Eq. 5 / Algorithm "SmoothAdv_PGD"): the attack
 * maximises the cross-entropy of the Monte-Carlo soft smoothed classifier
 *
 *   G(x') = (1/m) Σ_i softmax(f(x' + δ_i)),   δ_i ~ N(0, σ² I),
 *   objective  −log G(x')_y,
 *
 * with the m noise draws of an input drawn once and kept over all steps (as the authors do, so
 * that the steps ascend one fixed function). Steps are steepest ascent in l_2 (the smoothing
 * threat model) or l_inf, each projected onto B_p(x, eps) ∩ box; no random start. The randomized
 * smoothing certificates (Cohen et al.) hold against any attack: this one measures how far a
 * smoothed model is from its certificate, and is the attack the smoothing families meet when the
 * defences are compared on one footing.
 */
import * as tf from '@tensorflow/tfjs';
import { logits as modelLogits } from '../models/forward';
import { drawNoise, repeatCopies } from '../noise/draws';
import { project, steepestDirection } from './common';
import { effectiveStepSize } from './pgd';
import { type Attack, type AttackSettings, type Steps, Held, attackFunction, finiteAtLeast, intAtLeast, runSteps } from './runner';

export interface SmoothAdvOptions extends AttackSettings {
  /** Noise level σ of the smoothed classifier. */
  sigma: number;
  /** Noise draws m per input (kept over the steps). */
  samples: number;
  steps: number;
  /** 0 = 2.5·eps/steps. */
  stepSize: number;
}

export const SMOOTH_ADV_DEFAULTS: Omit<SmoothAdvOptions, 'eps'> = { norm: 'l2', box: null, seed: 0, sigma: 0.25, samples: 4, steps: 10, stepSize: 0 };

/** Per input, −log of the soft smoothed classifier's probability of the label, under fixed draws. */
export function smoothedCrossEntropy(model: tf.LayersModel, xAdv: tf.Tensor, y: tf.Tensor1D, noise: tf.Tensor, samples: number): tf.Tensor1D {
  return tf.tidy(() => {
    const n = xAdv.shape[0];
    const p = tf.softmax(modelLogits(model, tf.add(repeatCopies(xAdv, samples), noise)));
    const mean = tf.mean(tf.reshape(p, [samples, n, p.shape[1]]), 0) as tf.Tensor2D;
    const py = tf.sum(tf.mul(mean, tf.oneHot(tf.cast(y, 'int32'), p.shape[1])), 1);
    return tf.neg(tf.log(tf.maximum(py, 1e-12))) as tf.Tensor1D;
  });
}

/** SmoothAdv PGD on one batch, step by step. */
export function* smoothAdvSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, o: SmoothAdvOptions): Steps<tf.Tensor> {
  const held = new Held();
  try {
    const noise = held.set('noise', drawNoise(x, o.samples, o.sigma, o.seed, 'smooth-adv'));
    const alpha = effectiveStepSize(o);
    held.set('xAdv', x.clone());
    for (let s = 0; s < o.steps; s++) {
      const xAdv = held.get('xAdv');
      held.set('xAdv', tf.tidy(() => {
        const g = tf.grad((xx: tf.Tensor) => tf.sum(smoothedCrossEntropy(model, xx, y, noise, o.samples)))(xAdv);
        return project(tf.add(xAdv, tf.mul(alpha, steepestDirection(g, o.norm))), x, o);
      }));
      yield;
    }
    return held.take('xAdv');
  } finally {
    held.dispose();
  }
}

/** Synchronous SmoothAdv PGD on one batch. */
export function smoothAdvBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, o: SmoothAdvOptions): tf.Tensor {
  return runSteps(smoothAdvSteps(model, x, y, o));
}

export const smoothAdvAttack: Attack<SmoothAdvOptions> = {
  id: 'smooth-adv',
  label: 'SmoothAdv PGD',
  defaults: SMOOTH_ADV_DEFAULTS,
  // Each input costs `samples` forward passes per step: smaller chunks keep memory in bounds.
  chunk: 512,
  problems: (o) => [
    ...finiteAtLeast('sigma', o.sigma, 0),
    ...intAtLeast('samples', o.samples, 1),
    ...intAtLeast('steps', o.steps, 0),
    ...finiteAtLeast('stepSize', o.stepSize, 0, ', 0 = 2.5·eps/steps'),
  ],
  steps: smoothAdvSteps,
};

/** SmoothAdv PGD over any number of inputs, chunked and cancellable; returns the adversarial inputs. */
export const smoothAdv = attackFunction(smoothAdvAttack);
