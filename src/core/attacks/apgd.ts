/**
 * APGD-CE (Croce & Hein 2020, "Reliable evaluation of adversarial robustness with an ensemble
 * of diverse parameter-free attacks", Algorithm 1), the evaluation attack of paper 001 (40
 * steps). Step-size-free PGD on the cross-entropy with momentum alpha = 0.75 and an adaptive,
 * per-input step size that starts at 2·eps and is halved at checkpoints w_j when
 *   Condition 1: the loss increased in fewer than rho·(w_j − w_{j−1}) of the steps since the
 *                last checkpoint (rho = 0.75), or
 *   Condition 2: the step size was not reduced at the last checkpoint and the best loss has
 *                not improved since,
 * in which case the iterate restarts from the best point found so far. Checkpoints follow the
 * paper: p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), w_j = ⌈p_j N⌉
 * (i.e. intervals of 0.22N shrinking by 0.03N down to 0.06N).
 * Condition 1 uses the paper's strict "<"; the authors' released code uses "<=".
 * Per input the result is an iterate that changes the prediction if one was found, else the
 * iterate of highest loss. All bookkeeping is per input and on the device (tf.where).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import {
  type ThreatModel,
  crossEntropy,
  project,
  randomStart,
  steepestDirection,
  GradientSession,
} from './common';
import { selectRows } from '../wasmSelectRows';
import { type Attack, type Steps, attackFunction, finiteAtLeast, intAtLeast, runSteps } from './runner';
import { bestOfRestarts } from './pgd';

export interface ApgdOptions extends ThreatModel {
  steps: number;
  restarts: number;
  seed: number;
  /** Momentum coefficient (paper: 0.75). */
  momentum?: number;
  /** Condition-1 threshold (paper: 0.75). */
  rho?: number;
}

export const APGD_DEFAULTS: Omit<ApgdOptions, 'eps'> = {
  norm: 'linf',
  steps: 40,
  restarts: 1,
  seed: 0,
  box: null,
  momentum: 0.75,
  rho: 0.75,
};

/** Lengths of the intervals between checkpoints for N iterations (from the p_j recursion). */
export function apgdCheckpointIntervals(n: number): number[] {
  // p_j in integer hundredths: in binary floating point 0.41 + 0.16 + 0.13 = 0.7000000000000001,
  // and ⌈0.7000000000000001·40⌉ = 29 where the paper's recursion gives 28.
  const p = [0, 22];
  while (p[p.length - 1] < 100) {
    const j = p.length - 1;
    p.push(p[j] + Math.max(p[j] - p[j - 1] - 3, 6));
  }
  const w = p.map((v) => Math.ceil((v * n) / 100)).filter((v, i, arr) => v <= n && (i === 0 || v > arr[i - 1]));
  const intervals: number[] = [];
  for (let j = 1; j < w.length; j++) intervals.push(w[j] - w[j - 1]);
  return intervals;
}

function* singleRun(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, opts: ApgdOptions, seed: number): Steps<tf.Tensor> {
  const alpha = opts.momentum ?? 0.75;
  const rho = opts.rho ?? 0.75;
  const n = x.shape[0];
  // Kept out of the steps' tidy scopes (see Steps); freed in the finally below.
  const yInt = tf.keep(tf.cast(y, 'int32'));
  const state: Record<string, tf.Tensor> = {};
  const set = (key: string, t: tf.Tensor) => {
    if (state[key] !== t) state[key]?.dispose();
    state[key] = tf.keep(t);
  };
  const grads = new GradientSession(model, crossEntropy);
  try {
    set('xAdv', randomStart(x, opts, seed));
    const first = grads.valueAndGrad(state.xAdv, y);
    set('grad', first.grad);
    set('loss', first.value);
    set('everFooled', tf.tidy(() => tf.notEqual(tf.argMax(first.logits, 1), yInt)));
    first.logits.dispose();
    set('xBestAdv', state.xAdv.clone());
    set('xBest', state.xAdv.clone());
    set('gradBest', state.grad.clone());
    set('lossBest', state.loss.clone());
    set('xOld', state.xAdv.clone());
    set('step', tf.fill([n, ...x.shape.slice(1).map(() => 1)], 2 * opts.eps));
    set('increases', tf.zeros([n]));
    set('lossBestAtCheck', state.lossBest.clone());
    set('reducedAtCheck', tf.ones([n], 'bool'));

    const intervals = apgdCheckpointIntervals(opts.steps);
    let nextCheck = intervals.length > 0 ? intervals[0] : Infinity;
    let intervalIndex = 0;
    let sinceCheck = 0;
    for (let i = 0; i < opts.steps; i++) {
      const a = i > 0 ? alpha : 1;
      const xNew = tf.tidy(() => {
        const momentum = tf.sub(state.xAdv, state.xOld);
        const z = project(tf.add(state.xAdv, tf.mul(state.step, steepestDirection(state.grad, opts.norm))), x, opts);
        const mixed = tf.add(tf.add(state.xAdv, tf.mul(tf.sub(z, state.xAdv), a)), tf.mul(momentum, 1 - a));
        return project(mixed, x, opts);
      });
      set('xOld', state.xAdv.clone());
      const { value, grad, logits } = grads.valueAndGrad(xNew, y);
      const fooled = tf.tidy(() => tf.notEqual(tf.argMax(logits, 1), yInt));
      logits.dispose();
      set('xBestAdv', selectRows(fooled as tf.Tensor1D, xNew, state.xBestAdv));
      set('everFooled', tf.logicalOr(state.everFooled, fooled));
      fooled.dispose();
      const improved = tf.greater(value, state.lossBest) as tf.Tensor1D;
      set('xBest', selectRows(improved, xNew, state.xBest));
      set('gradBest', selectRows(improved, grad, state.gradBest));
      set('lossBest', tf.maximum(value, state.lossBest));
      improved.dispose();
      set('increases', tf.tidy(() => tf.add(state.increases, tf.cast(tf.greater(value, state.loss), 'float32'))));
      set('loss', value);
      sinceCheck++;
      if (sinceCheck === nextCheck) {
        const reduce = tf.tidy(() => {
          const cond1 = tf.less(state.increases, rho * sinceCheck);
          const cond2 = tf.logicalAnd(tf.logicalNot(state.reducedAtCheck), tf.greaterEqual(state.lossBestAtCheck, state.lossBest));
          return tf.logicalOr(cond1, cond2) as tf.Tensor1D;
        });
        // The step is one number per input: select with the mask in the step's own shape.
        set('step', tf.tidy(() => tf.where(tf.reshape(reduce, state.step.shape), tf.div(state.step, 2), state.step)));
        set('xAdv', selectRows(reduce, state.xBest, xNew));
        set('grad', selectRows(reduce, state.gradBest, grad));
        xNew.dispose();
        grad.dispose();
        set('reducedAtCheck', reduce);
        set('lossBestAtCheck', state.lossBest.clone());
        set('increases', tf.zeros([n]));
        intervalIndex++;
        nextCheck = intervalIndex < intervals.length ? intervals[intervalIndex] : Infinity;
        sinceCheck = 0;
      } else {
        set('xAdv', xNew);
        set('grad', grad);
      }
      yield;
    }
    return selectRows(state.everFooled as tf.Tensor1D, state.xBestAdv, state.xBest);
  } finally {
    for (const t of Object.values(state)) t.dispose();
    yInt.dispose();
    grads.dispose();
  }
}

/** APGD-CE on one batch (all restarts), step by step. */
export function apgdCeSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: ApgdOptions): Steps<tf.Tensor> {
  return bestOfRestarts(model, y, Math.max(1, options.restarts), crossEntropy, (r) => singleRun(model, x, y, options, deriveSeed(options.seed, 'apgd', r)));
}

/** Synchronous APGD-CE on one batch (all restarts). */
export function apgdCeBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: ApgdOptions): tf.Tensor {
  return runSteps(apgdCeSteps(model, x, y, options));
}

export const apgdCeAttack: Attack<ApgdOptions> = {
  id: 'apgd-ce',
  label: 'APGD-CE',
  defaults: APGD_DEFAULTS,
  problems: (c) => [
    ...intAtLeast('steps', c.steps, 1),
    ...intAtLeast('restarts', c.restarts, 1),
    ...(c.momentum === undefined ? [] : finiteAtLeast('momentum', c.momentum, 0)),
    ...(c.rho === undefined ? [] : finiteAtLeast('rho', c.rho, 0)),
  ],
  steps: apgdCeSteps,
};

/** APGD-CE over any number of inputs, chunked and cancellable. */
export const apgdCe = attackFunction(apgdCeAttack);
