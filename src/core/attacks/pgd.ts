/**
 * Projected gradient descent (Madry et al. 2018) in l_inf and l_2: `steps` steps of size
 * `stepSize` along the steepest-ascent direction of the objective (cross-entropy by default),
 * each followed by projection onto B_p(x, eps) ∩ box; optional uniform random start; `restarts`
 * independent runs of which each input keeps the best (a run that changes the prediction first,
 * then the highest objective). Restarts need a random start (otherwise they would repeat one run).
 * With `keepFooled` (what the evaluation attack and the 4-way split use) an input keeps the first
 * iterate that changed its prediction; otherwise PGD returns its final iterate, as in training.
 *
 * `pgdSteps` attacks one batch step by step; `pgdBatch` runs it at once inside training steps;
 * `pgd` is the public, chunked and cancellable version.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { AscentStep, GradientSession, type Objective, type ThreatModel, crossEntropy, project, randomStart } from './common';
import { selectRows } from '../wasmSelectRows';
import { firstFooled } from '../wasmFirstFooled';
import { logits as modelLogits } from '../models/forward';
import { type Attack, type Steps, Held, attackFunction, finiteAtLeast, intAtLeast, runSteps } from './runner';

export interface PgdOptions extends ThreatModel {
  steps: number;
  stepSize: number;
  restarts: number;
  randomStart: boolean;
  seed: number;
  /** Per-example objective to maximise (default: cross-entropy to the labels). */
  objective?: Objective;
  /** Start from x + N(0, initStd^2) instead of a uniform draw (TRADES' start); 0 = off. */
  initStd?: number;
  /**
   * Evaluation mode: return, per input, an iterate that changed the prediction if any step
   * found one (like APGD-CE), instead of the final iterate (Madry et al.'s training attack).
   */
  keepFooled?: boolean;
}

export const PGD_DEFAULTS: Omit<PgdOptions, 'eps'> = {
  norm: 'linf',
  steps: 10,
  stepSize: 0, // 0 = 2.5 * eps / steps (Madry et al.'s rule)
  restarts: 1,
  randomStart: true,
  seed: 0,
  box: null,
};

/** The step size to use: the given one, or 2.5 * eps / steps when it is 0. */
export function effectiveStepSize(opts: Pick<PgdOptions, 'eps' | 'steps' | 'stepSize'>): number {
  return opts.stepSize > 0 ? opts.stepSize : (2.5 * opts.eps) / Math.max(1, opts.steps);
}

function* singleRun(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, opts: PgdOptions, seed: number): Steps<tf.Tensor> {
  const objective = opts.objective ?? crossEntropy;
  const alpha = effectiveStepSize(opts);
  const held = new Held();
  try {
    if (opts.initStd && opts.initStd > 0) {
      held.set('xAdv', tf.tidy(() => project(tf.add(x, tf.randomNormal(x.shape, 0, opts.initStd, 'float32', seed)), x, opts)));
    } else if (opts.randomStart) {
      held.set('xAdv', randomStart(x, opts, seed));
    } else {
      held.set('xAdv', x.clone());
    }
    if (!opts.keepFooled) {
      const grads = new GradientSession(model, objective);
      const ascent = new AscentStep(x, opts);
      try {
        for (let s = 0; s < opts.steps; s++) {
          const xAdv = held.get('xAdv');
          const g = grads.grad(xAdv, labels);
          held.set('xAdv', ascent.apply(xAdv, g, alpha));
          g.dispose();
          yield;
        }
      } finally {
        grads.dispose();
        ascent.dispose();
      }
      return held.take('xAdv');
    }
    // Evaluation mode: remember the first iterate at which the prediction left the label.
    const yInt = held.set('yInt', tf.cast(labels, 'int32'));
    held.set('fooledAt', held.get('xAdv').clone());
    held.set('everFooled', tf.zeros([x.shape[0]], 'bool'));
    const remember = (xa: tf.Tensor, z: tf.Tensor2D) => {
      const everFooled = held.get<tf.Tensor1D>('everFooled');
      const [f, e] = firstFooled(z, yInt, everFooled, xa, held.get('fooledAt'));
      held.set('fooledAt', f);
      held.set('everFooled', e);
    };
    yield* rememberingSteps(model, x, labels, objective, opts.steps, alpha, opts, held, remember);
    const xAdv = held.get('xAdv');
    const finalLogits = tf.tidy(() => modelLogits(model, xAdv));
    remember(xAdv, finalLogits);
    finalLogits.dispose();
    return selectRows(held.get<tf.Tensor1D>('everFooled'), held.get('fooledAt'), xAdv);
  } finally {
    held.dispose();
  }
}

/**
 * `steps` PGD steps on the iterate held as 'xAdv', showing each iterate and its logits to
 * `remember` before stepping on (evaluation-mode PGD and the abstain attack keep the first
 * iterate that succeeded).
 */
export function* rememberingSteps(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: tf.Tensor1D,
  objective: Objective,
  steps: number,
  alpha: number,
  threat: ThreatModel,
  held: Held,
  remember: (xa: tf.Tensor, z: tf.Tensor2D) => void,
): Steps<void> {
  const grads = new GradientSession(model, objective);
  const ascent = new AscentStep(x, threat);
  try {
    for (let s = 0; s < steps; s++) {
      const xAdv = held.get('xAdv');
      const { grad, logits } = grads.gradAndLogits(xAdv, labels);
      remember(xAdv, logits);
      const next = ascent.apply(xAdv, grad, alpha);
      tf.dispose([grad, logits]);
      held.set('xAdv', next);
      yield;
    }
  } finally {
    grads.dispose();
    ascent.dispose();
  }
}

/** PGD on one batch (all restarts), step by step. Returns the adversarial inputs. */
export function pgdSteps(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, options: PgdOptions): Steps<tf.Tensor> {
  const opts = { ...options };
  // Without a random start every restart would be the same run.
  const restarts = opts.randomStart || (opts.initStd ?? 0) > 0 ? Math.max(1, Math.floor(opts.restarts)) : 1;
  return bestOfRestarts(model, labels, restarts, opts.objective ?? crossEntropy, (r) => singleRun(model, x, labels, opts, deriveSeed(opts.seed, 'pgd', r)));
}

/** Synchronous PGD on one batch (all restarts), as training steps use it. Returns the adversarial inputs. */
export function pgdBatch(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, options: PgdOptions): tf.Tensor {
  return runSteps(pgdSteps(model, x, labels, options));
}

/** Runs `restarts` independent runs and keeps, per input, the better one (takeBetter). */
export function* bestOfRestarts(model: tf.LayersModel, labels: tf.Tensor1D, restarts: number, objective: Objective, run: (r: number) => Steps<tf.Tensor>): Steps<tf.Tensor> {
  const held = new Held();
  try {
    held.set('best', yield* run(0));
    for (let r = 1; r < restarts; r++) {
      const cand = held.set('candidate', yield* run(r));
      held.set('best', tf.tidy(() => takeBetter(model, held.get('best'), cand, labels, objective)));
    }
    return held.take('best');
  } finally {
    held.dispose();
  }
}

/** Per input, the candidate that changes the prediction, else the one with the higher objective. */
export function takeBetter(
  model: tf.LayersModel,
  current: tf.Tensor,
  candidate: tf.Tensor,
  labels: tf.Tensor1D,
  objective: Objective,
): tf.Tensor {
  return tf.tidy(() => {
    const score = (xa: tf.Tensor) => {
      const z = modelLogits(model, xa);
      const fooled = tf.notEqual(tf.argMax(z, 1), tf.cast(labels, 'int32'));
      return { fooled, value: objective(z, labels) };
    };
    const a = score(current);
    const b = score(candidate);
    const better = tf.logicalOr(
      tf.logicalAnd(b.fooled, tf.logicalNot(a.fooled)),
      tf.logicalAnd(tf.equal(b.fooled, a.fooled), tf.greater(b.value, a.value)),
    ) as tf.Tensor1D;
    return selectRows(better, candidate, current);
  });
}

/** The settings PGD itself checks (the runner checks the threat model and the data). */
export function pgdProblems(c: Pick<PgdOptions, 'steps' | 'stepSize' | 'restarts' | 'initStd'>): string[] {
  return [
    ...intAtLeast('steps', c.steps, 0),
    ...finiteAtLeast('stepSize', c.stepSize, 0, ', 0 = 2.5·eps/steps'),
    ...intAtLeast('restarts', c.restarts, 1),
    ...(c.initStd === undefined ? [] : finiteAtLeast('initStd', c.initStd, 0)),
  ];
}

/**
 * PGD as an evaluation attack: by default each input keeps the first iterate that changed its
 * prediction (keepFooled), as the 4-way split needs. `pgd` below keeps Madry et al.'s final
 * iterate unless told otherwise.
 */
export const pgdAttack: Attack<PgdOptions> = {
  id: 'pgd',
  label: 'PGD',
  defaults: { ...PGD_DEFAULTS, keepFooled: true },
  problems: pgdProblems,
  steps: pgdSteps,
};

/** PGD over any number of inputs, chunked, cancellable; returns the adversarial inputs (the final iterate unless keepFooled). */
export const pgd = attackFunction(pgdAttack, { ...PGD_DEFAULTS, keepFooled: false });
