/**
 * PGD on models with abstain (detection) classes — paper 004, Section 2.4 and 3 (Eq. 6 and 9).
 *
 * A model with K regular classes and M abstain classes A = {a_1..a_M} has K + M logits: indices
 * 0..K−1 are the regular classes, K..K+M−1 the abstain classes; its output is the argmax over
 * all K + M. An input x with label y is robust on B if every x' in B gives an output in {y} ∪ A:
 * an attack succeeds only when the output leaves {y} ∪ A. Landing in an abstain class is a
 * failed attack (a detection). M = 0 is a plain classifier, where success = a wrong prediction.
 *
 * Objective maximised per example (the empirical counterpart of the verification problem of
 * Eq. 6/9, min_{x'} max_{j ∈ {y}∪A} (z_j − z_t)):
 *
 *   margin(x') = max_{t ∉ {y}∪A} z_t(x') − max_{j ∈ {y}∪A} z_j(x'),
 *
 * positive exactly when the output leaves {y} ∪ A. (The alternative is the cross-entropy of the
 * set {y} ∪ A, −log Σ_{j∈{y}∪A} softmax_j(z); the margin is used because it does not saturate
 * and treats the abstain classes as one "allowed" set, as the verifier does.)
 *
 * Each run (a random start or x itself, then `steps` steepest-ascent steps of size `stepSize`,
 * each projected onto B_p(x, eps) ∩ box) remembers, per input, the first iterate that succeeds.
 * Over restarts an input keeps the first success; if no run succeeds, the final iterate of the
 * run with the highest margin. `abstainErrorTable` turns the attack into the numbers of the
 * paper's "standard vs verified error" table and its Fig. 4 (detections per abstain class).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { logits as modelLogits } from '../models/forward';
import { type ThreatModel, randomStart } from './common';
import { selectRows } from '../wasmSelectRows';
import type { Box } from './config';
import { effectiveStepSize, pgdProblems, rememberingSteps } from './pgd';
import { type Attack, type RunControl, type Steps, Held, attackWith, checkAttackSettings, intAtLeast, numLogitsOf, runSteps } from './runner';
import { successSetOneHot } from '../verify/abstainSimplex';

export interface AbstainPgdOptions extends ThreatModel {
  /** K: the number of regular classes; the model's other M = logits − K outputs are abstain classes. */
  numClasses: number;
  steps: number;
  /** 0 = 2.5·eps/steps. */
  stepSize: number;
  restarts: number;
  randomStart: boolean;
  box: Box;
  seed: number;
  /** Inputs per chunk (default 500). */
  batchSize?: number;
}

export const ABSTAIN_PGD_DEFAULTS: Omit<AbstainPgdOptions, 'eps' | 'numClasses'> = {
  norm: 'linf',
  steps: 10,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  box: null,
  seed: 0,
  batchSize: 500,
};

export type AbstainPgdInput = Partial<AbstainPgdOptions> & Pick<AbstainPgdOptions, 'eps' | 'numClasses'>;

export interface AbstainPgdResult {
  /** The adversarial inputs, shaped like x (the caller disposes them). */
  adversarial: tf.Tensor;
  /** 1 where the output on the adversarial input lies outside {y} ∪ A. */
  success: Uint8Array;
  /** argmax over all K + M logits at the returned points. */
  prediction: Int32Array;
}

export interface AbstainErrorTable {
  n: number;
  numClasses: number;
  numAbstain: number;
  /** Clean prediction ≠ y (an abstain output on a clean input counts as an error). */
  standardError: number;
  /** Clean outputs in A. */
  abstainClean: number;
  /** Clean prediction wrong, or the attack succeeded (empirical counterpart of verified error). */
  pgdError: number;
  /** Adversarial outputs in A. */
  detected: number;
  /** Per abstain class a_m: adversarial outputs equal to a_m, over inputs whose clean prediction is y (counts). */
  detectedPerClass: number[];
  /** Attack success rate (output outside {y} ∪ A). */
  attackSuccess: number;
}

/** Bool mask [b, K+M], true on {y} ∪ A (the rows of verify/abstainSimplex.ts' success set). */
export function abstainAllowedMask(labels: tf.Tensor1D, numClasses: number, numLogits: number): tf.Tensor2D {
  return tf.tidy(() => tf.greater(tf.sum(successSetOneHot(labels, numClasses, numLogits - numClasses), 1), 0) as tf.Tensor2D);
}

/** Per-example margin max_{t ∉ {y}∪A} z_t − max_{j ∈ {y}∪A} z_j (positive ⇔ the attack succeeds). */
export function abstainMargin(z: tf.Tensor2D, allowed: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const neg = tf.fill(z.shape, Number.NEGATIVE_INFINITY);
    const outside = tf.max(tf.where(allowed, neg, z), 1);
    const inside = tf.max(tf.where(allowed, z, neg), 1);
    return tf.sub(outside, inside) as tf.Tensor1D;
  });
}

/** 1 (float) where argmax z lies outside {y} ∪ A. */
function successOf(z: tf.Tensor2D, allowed: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const hot = tf.cast(tf.oneHot(tf.argMax(z, 1), z.shape[1]), 'float32');
    return tf.sub(1, tf.sum(tf.mul(hot, tf.cast(allowed, 'float32')), 1)) as tf.Tensor1D;
  });
}

interface Run {
  point: tf.Tensor;
  success: tf.Tensor1D; // float 0/1
  value: tf.Tensor1D;
}

function* oneRun(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, allowed: tf.Tensor2D, o: AbstainPgdOptions, seed: number): Steps<Run> {
  const alpha = effectiveStepSize(o);
  const objective = (z: tf.Tensor2D) => abstainMargin(z, allowed);
  const held = new Held();
  try {
    held.set('xAdv', o.randomStart ? randomStart(x, o, seed) : x.clone());
    held.set('hitAt', held.get('xAdv').clone());
    held.set('hit', tf.zeros([x.shape[0]]));
    const remember = (xa: tf.Tensor, z: tf.Tensor2D) => {
      const hit = held.get<tf.Tensor1D>('hit');
      const [h, a] = tf.tidy(() => {
        const now = successOf(z, allowed);
        const first = tf.greater(tf.mul(now, tf.sub(1, hit)), 0.5) as tf.Tensor1D;
        return [tf.maximum(hit, now), selectRows(first, xa, held.get('hitAt'))];
      });
      held.set('hit', h);
      held.set('hitAt', a);
    };
    yield* rememberingSteps(model, x, y, objective, o.steps, alpha, o, held, remember);
    const xAdv = held.get('xAdv');
    const z = held.set('z', tf.tidy(() => modelLogits(model, xAdv)));
    remember(xAdv, z);
    const hit = held.take<tf.Tensor1D>('hit');
    const point = tf.tidy(() => selectRows(tf.greater(hit, 0.5) as tf.Tensor1D, held.get('hitAt'), xAdv));
    return { point, success: hit, value: objective(z) };
  } finally {
    held.dispose();
  }
}

/**
 * Abstain-aware PGD on one batch (all restarts), step by step. Returns the adversarial inputs
 * and the per-input success flags (float 0/1) as tracked during the runs.
 */
export function* abstainPgdSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AbstainPgdOptions, numLogits: number): Steps<{ adversarial: tf.Tensor; success: tf.Tensor1D }> {
  const o = { ...ABSTAIN_PGD_DEFAULTS, ...options };
  const held = new Held();
  try {
    const allowed = held.set('allowed', abstainAllowedMask(y, o.numClasses, numLogits));
    const restarts = o.randomStart ? Math.max(1, Math.floor(o.restarts)) : 1;
    const keep = (prefix: string, r: Run) => {
      held.set(`${prefix}.point`, r.point);
      held.set(`${prefix}.success`, r.success);
      held.set(`${prefix}.value`, r.value);
    };
    keep('best', yield* oneRun(model, x, y, allowed, o, deriveSeed(o.seed, 'abstain-pgd', 0)));
    for (let r = 1; r < restarts; r++) {
      keep('c', yield* oneRun(model, x, y, allowed, o, deriveSeed(o.seed, 'abstain-pgd', r)));
      keep('best', tf.tidy(() => {
        const [bp, bs, bv] = [held.get('best.point'), held.get<tf.Tensor1D>('best.success'), held.get<tf.Tensor1D>('best.value')];
        const [cp, cs, cv] = [held.get('c.point'), held.get<tf.Tensor1D>('c.success'), held.get<tf.Tensor1D>('c.value')];
        // Better: succeeds where the best does not; or neither succeeds and a higher margin.
        const neither = tf.mul(tf.sub(1, cs), tf.sub(1, bs));
        const score = tf.add(tf.mul(cs, tf.sub(1, bs)), tf.mul(neither, tf.cast(tf.greater(cv, bv), 'float32')));
        const better = tf.greater(score, 0.5) as tf.Tensor1D;
        return {
          point: selectRows(better, cp, bp),
          success: tf.where(better, cs, bs) as tf.Tensor1D,
          value: tf.where(better, cv, bv) as tf.Tensor1D,
        };
      }));
    }
    return { adversarial: held.take('best.point'), success: held.take<tf.Tensor1D>('best.success') };
  } finally {
    held.dispose();
  }
}

/** Synchronous abstain-aware PGD on one batch (all restarts): the adversarial inputs and the per-input success flags. */
export function abstainPgdBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AbstainPgdOptions, numLogits: number): { adversarial: tf.Tensor; success: tf.Tensor1D } {
  return runSteps(abstainPgdSteps(model, x, y, options, numLogits));
}

function abstainProblems(o: AbstainPgdOptions, numLogits: number | null): string[] {
  return [
    ...pgdProblems(o).filter((m) => !m.startsWith('steps')),
    ...intAtLeast('steps', o.steps, 1),
    ...intAtLeast('numClasses (K, the regular classes)', o.numClasses, 2),
    ...(numLogits !== null && o.numClasses > numLogits ? [`numClasses K = ${o.numClasses} exceeds the model's ${numLogits} logits`] : []),
    ...(o.batchSize === undefined ? [] : intAtLeast('batchSize', o.batchSize, 1)),
  ];
}

/**
 * Paper 004's PGD as an attack: besides the adversarial inputs each batch returns the argmax
 * over all K + M logits at the returned points, whether it lies outside {y} ∪ A, and the argmax
 * at the clean inputs (the error table needs it; one forward pass per chunk, next to the attack's).
 */
/** Inputs per chunk of the abstain-rule PGD (each chunk draws its random starts from its index). */
export const ABSTAIN_PGD_CHUNK = 500;

export const abstainPgdAttack: Attack<AbstainPgdOptions> = {
  id: 'abstain-pgd',
  label: 'abstain PGD',
  defaults: ABSTAIN_PGD_DEFAULTS as Omit<AbstainPgdOptions, 'eps'>,
  chunk: ABSTAIN_PGD_CHUNK,
  problems: (o, context) => abstainProblems(o, context?.numLogits ?? null),
  labelLimit: (o) => o.numClasses,
  *steps(model, x, y, o, { numLogits }) {
    const { adversarial, success } = yield* abstainPgdSteps(model, x, y, o, numLogits);
    success.dispose();
    const rest = tf.tidy(() => {
      const z = modelLogits(model, adversarial);
      return { prediction: tf.argMax(z, 1), success: successOf(z, abstainAllowedMask(y, o.numClasses, numLogits)), clean: tf.argMax(modelLogits(model, x), 1) };
    });
    return { adversarial, ...rest };
  },
};

/** Fills in the defaults and refuses invalid settings with a message naming the field (before any model is at hand). */
export function checkAbstainPgdOptions(options: AbstainPgdInput): AbstainPgdOptions {
  return checkAttackSettings(abstainPgdAttack, options);
}

/** Runs the attack through the shared runner and reads the per-input results back. */
async function runAbstain(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AbstainPgdInput, control: RunControl) {
  const out = await attackWith(abstainPgdAttack, model, x, y, options, { ...control, batchSize: options.batchSize ?? control.batchSize });
  // An empty set has no chunks, so no outputs but the adversarial inputs.
  const read = (t: tf.Tensor | undefined) => (t ? t.data() : Promise.resolve(new Int32Array(0)));
  const [prediction, success, clean] = await Promise.all([read(out.prediction), read(out.success), read(out.clean)]);
  tf.dispose([out.prediction, out.success, out.clean].filter(Boolean));
  return {
    adversarial: out.adversarial,
    prediction: Int32Array.from(prediction),
    success: Uint8Array.from(success, (v) => (v > 0.5 ? 1 : 0)),
    clean: Int32Array.from(clean),
  };
}

/** Abstain-aware PGD (paper 004's success rule) over any number of inputs, chunked and cancellable. */
export function abstainPgd(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AbstainPgdInput, control: RunControl = {}): Promise<AbstainPgdResult> {
  return runAbstain(model, x, y, options, control);
}

/** The "standard vs PGD error" table of a model with abstain classes (plain numbers). */
export async function abstainErrorTable(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AbstainPgdInput, control: RunControl = {}): Promise<AbstainErrorTable> {
  const r = await runAbstain(model, x, y, options, control);
  r.adversarial.dispose();
  const clean = r.clean;
  const labels = await y.data();
  const K = options.numClasses;
  const M = (x.shape[0] ? numLogitsOf(model, x) : K) - K;
  const n = x.shape[0];
  let wrong = 0, abstainClean = 0, pgdWrong = 0, detected = 0, succeeded = 0;
  const perClass = new Array<number>(Math.max(0, M)).fill(0);
  for (let i = 0; i < n; i++) {
    const c = clean[i];
    const a = r.prediction[i];
    if (c !== labels[i]) wrong++;
    if (c >= K) abstainClean++;
    if (c !== labels[i] || r.success[i]) pgdWrong++;
    if (a >= K) detected++;
    if (r.success[i]) succeeded++;
    if (c === labels[i] && a >= K) perClass[a - K]++;
  }
  const frac = (v: number) => (n > 0 ? v / n : 0);
  return {
    n,
    numClasses: K,
    numAbstain: M,
    standardError: frac(wrong),
    abstainClean: frac(abstainClean),
    pgdError: frac(pgdWrong),
    detected: frac(detected),
    detectedPerClass: perClass,
    attackSuccess: frac(succeeded),
  };
}
