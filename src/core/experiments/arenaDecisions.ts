/**
 * Each arena family as deployed: a function from inputs to decisions (a class, or ABSTAIN_DECISION)
 * and the attacks that try to move those decisions, the same PGD and APGD-CE for every family plus
 * the family's own adaptive attack:
 *  - plain classifiers (standard, PGD-AT, TRADES): the argmax of the logits;
 *  - ERA + the robustness-indicator selector (paper 001, Eq. 12): the prediction F(x') where PGD
 *    on F's own prediction finds no other class in B(x', eps), else abstain. Its adaptive attack
 *    makes the selector abstain: PGD at 2·eps from x finds x'' with F(x'') ≠ y; the point x' on
 *    the segment from x to x'' at distance eps from x (or x'' itself, if nearer) has x'' in
 *    B(x', eps), so an exact selector abstains at x'; the selector as deployed is then run at x';
 *  - PGD-AT + Rectified Rejection (paper 000): the prediction where R-Con (read at the training
 *    τ) keeps the input, abstain elsewhere, with the threshold set once on the clean inputs by the
 *    TPR-95 rule; its adaptive attack is CE + log R-Con (Section 6.2);
 *  - smoothed classifiers (papers 002 baselines and CAT-RS): PREDICT (Cohen et al.), abstaining
 *    where the binomial test fails; its adaptive attack is SmoothAdv's PGD on the Monte-Carlo soft
 *    classifier (Salman et al. 2019); PGD and APGD-CE attack the base classifier;
 *  - IBP with abstain classes (paper 004): the argmax over K + M logits, an abstain class meaning
 *    abstain; its adaptive attack is PGD with the abstain success rule.
 * A row whose outputs are not finite decides NON_FINITE (K + M, no class): never right, never an
 * abstention, so it counts as a wrong answer clean and under attack.
 */
import * as tf from '@tensorflow/tfjs';
import { abstainPgdAttack } from '../attacks/abstainPgd';
import { adaptiveRconAttack } from '../attacks/adaptive';
import { apgdCeAttack } from '../attacks/apgd';
import { pgdAttack } from '../attacks/pgd';
import { type Attack, type AttackSettings, type RunControl, adversarialOf, attackWith } from '../attacks/runner';
import { smoothAdvAttack } from '../attacks/smoothAdv';
import { predictMany } from '../certify/smoothedGrid';
import { modelClassifier } from '../certify/smoothing';
import { bytesPerCopy } from '../certify/batchMemory';
import { MAX_BATCH_BYTES } from '../limits';
import { logits } from '../models/forward';
import { twoHeadOutputs } from '../models/heads';
import { rConFromOutputs } from '../metrics/rejectorScores';
import { tprAccuracy } from '../metrics/selective';
import { ABSTAIN_DECISION } from '../metrics/abstainMeasures';
import { deriveSeed } from '../random';
import { type ArenaConfig, type ArenaFamily, arenaBox } from './arenaConfig';

/** An attack on a family's decisions: adversarial points for inputs x with labels y (the caller disposes them). */
export interface ArenaAttack {
  id: string;
  label: string;
  run(x: tf.Tensor, y: tf.Tensor1D, control: RunControl): Promise<tf.Tensor>;
}

/**
 * A score that ranks inputs by how sure the family is (higher = keep first), for the
 * accuracy–coverage plot, with the answers it ranks: a plain classifier's and RR's argmax, a
 * smoothed classifier's own decisions (an abstention is no answer: ranked last).
 */
export interface ArenaScore {
  name: string;
  scores(x: tf.Tensor): Promise<{ scores: Float32Array; answers: Int32Array }>;
}

export interface ArenaDecider {
  decide(x: tf.Tensor, control?: RunControl): Promise<Int32Array>;
  attacks: ArenaAttack[];
  score: ArenaScore | null;
}

const CHUNK = 4096;

function runAttack<C extends AttackSettings>(attack: Attack<C>, model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, settings: Partial<C> & Pick<C, 'eps'>, control: RunControl): Promise<tf.Tensor> {
  return adversarialOf(attackWith(attack, model, x, y, settings, control));
}

/** Reads fn over x in row chunks (each in one tidy block) into one Float32Array of rows·width values. */
async function readRows(x: tf.Tensor, fn: (xb: tf.Tensor) => tf.Tensor): Promise<{ values: Float32Array; width: number }> {
  const n = x.shape[0];
  let out = new Float32Array(0);
  let width = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const len = Math.min(CHUNK, n - start);
    const t = tf.tidy(() => fn(tf.slice(x, start, len)));
    try {
      width = t.size / len;
      if (out.length === 0) out = new Float32Array(n * width);
      out.set((await t.data()) as Float32Array, start * width);
    } finally {
      t.dispose();
    }
  }
  return { values: out, width };
}

/** Per row: the argmax of `width` values, or `nonFinite` where a value is not finite. */
function argmaxRows(values: Float32Array, width: number, nonFinite: number): Int32Array {
  const n = values.length / width;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let finite = true;
    for (let c = 0; c < width; c++) {
      const v = values[i * width + c];
      if (!Number.isFinite(v)) finite = false;
      else if (v > values[i * width + best]) best = c;
    }
    out[i] = finite ? best : nonFinite;
  }
  return out;
}

/** The argmax over all logits; classes K and above are abstain classes (paper 004); a non-finite row decides K + M. */
export async function logitDecisions(model: tf.LayersModel, x: tf.Tensor, numClasses: number): Promise<Int32Array> {
  const { values, width } = await readRows(x, (xb) => logits(model, xb));
  return argmaxRows(values, width, width).map((c) => (c >= numClasses && c < width ? ABSTAIN_DECISION : c));
}

/**
 * The class each input's attacks push away from: the model's own clean answer where it is a wrong
 * class (paper 001's robust inaccuracy asks whether that answer can be moved), the label where the
 * answer is right, withheld or not finite.
 */
export function attackTargets(clean: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): Int32Array {
  return Int32Array.from({ length: labels.length }, (_, i) => {
    const c = clean[i];
    return c >= 0 && c < numClasses && c !== labels[i] ? c : labels[i];
  });
}

function seedOf(config: ArenaConfig, family: ArenaFamily, what: string): number {
  return deriveSeed(config.seed, 'arena', family, what);
}

/** PGD and APGD-CE on the model's logits, at the arena's threat model and budget. */
function commonAttacks(model: tf.LayersModel, config: ArenaConfig, family: ArenaFamily): ArenaAttack[] {
  const { norm, eps } = config.threat;
  const { attackSteps: steps, attackRestarts: restarts } = config.budget;
  return [
    { id: 'pgd', label: `PGD-${steps}`, run: (x, y, c) => runAttack(pgdAttack, model, x, y, { norm, eps, steps, restarts, randomStart: true, box: arenaBox(config), seed: seedOf(config, family, 'pgd') }, c) },
    { id: 'apgd-ce', label: `APGD-CE-${steps}`, run: (x, y, c) => runAttack(apgdCeAttack, model, x, y, { norm, eps, steps, restarts, box: arenaBox(config), seed: seedOf(config, family, 'apgd-ce') }, c) },
  ];
}

function plainDecider(model: tf.LayersModel, config: ArenaConfig, family: ArenaFamily, numClasses: number): ArenaDecider {
  const decide = oncePerTensor((x) => logitDecisions(model, x, numClasses));
  return {
    decide: async (x) => (await decide(x)).slice(),
    attacks: commonAttacks(model, config, family),
    // The softmax probability of the predicted class: the confidence rejector of a plain classifier.
    score: {
      name: 'confidence',
      scores: async (x) => ({ scores: (await readRows(x, (xb) => tf.max(tf.softmax(logits(model, xb)), 1))).values, answers: (await decide(x)).slice() }),
    },
  };
}

/** A smoothed classifier's top vote share over its PREDICT decisions, abstentions ranked last. */
export function voteShareScore(predict: (x: tf.Tensor) => Promise<{ predictions: Int32Array; topShare: Float32Array }>): ArenaScore {
  return {
    name: 'top vote share',
    scores: async (x) => {
      const { predictions, topShare } = await predict(x);
      const scores = topShare.slice();
      const last = scores.reduce((m, v) => Math.min(m, v), Infinity) - 1;
      predictions.forEach((d, i) => d === ABSTAIN_DECISION && (scores[i] = last));
      return { scores, answers: predictions.slice() };
    },
  };
}

/** x' on the segment from x towards x'' at distance at most eps from x (in the threat's norm). */
export function towards(x: tf.Tensor, far: tf.Tensor, norm: 'linf' | 'l2', eps: number): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(far, x);
    const axes = d.shape.slice(1).map((_, i) => i + 1);
    const size = norm === 'linf' ? tf.max(tf.abs(d), axes, true) : tf.sqrt(tf.sum(tf.square(d), axes, true));
    const scale = tf.minimum(1, tf.div(eps, tf.maximum(size, 1e-30)));
    return tf.add(x, tf.mul(d, scale));
  });
}

function selectorDecider(model: tf.LayersModel, config: ArenaConfig, numClasses: number): ArenaDecider {
  const { norm, eps } = config.threat;
  const { attackSteps: steps, attackRestarts: restarts } = config.budget;
  const family: ArenaFamily = 'era-selector';
  const decide = async (x: tf.Tensor, control: RunControl = {}) => {
    const predictions = await logitDecisions(model, x, numClasses);
    const pred = tf.tensor1d(predictions.map((p) => (p >= 0 && p < numClasses ? p : 0)), 'int32');
    let xAdv: tf.Tensor | null = null;
    try {
      xAdv = await runAttack(pgdAttack, model, x, pred, { norm, eps, steps, restarts, randomStart: true, box: arenaBox(config), seed: seedOf(config, family, 'selector') }, control);
      const moved = await logitDecisions(model, xAdv, numClasses);
      return predictions.map((p, i) => (p >= numClasses ? p : moved[i] === p ? p : ABSTAIN_DECISION));
    } finally {
      pred.dispose();
      xAdv?.dispose();
    }
  };
  const selectorAttack: ArenaAttack = {
    id: 'selector',
    label: `selector attack (PGD-${steps} at 2·eps)`,
    run: async (x, y, c) => {
      const far = await runAttack(pgdAttack, model, x, y, { norm, eps: 2 * eps, steps, restarts, randomStart: true, box: arenaBox(config), seed: seedOf(config, family, 'selector-attack') }, c);
      try {
        return towards(x, far, norm, eps);
      } finally {
        far.dispose();
      }
    },
  };
  return { decide, attacks: [...commonAttacks(model, config, family), selectorAttack], score: null };
}

/** R-Con at temperature τ and the classifier's logits, read back. */
async function rConAndPredictions(model: tf.LayersModel, x: tf.Tensor, temperature: number, numClasses: number): Promise<{ rCon: Float32Array; predictions: Int32Array }> {
  const { values, width } = await readRows(x, (xb) => {
    const { logits: z, auxLogit } = twoHeadOutputs(model, xb);
    return tf.concat([z, tf.expandDims(rConFromOutputs(z, auxLogit, temperature), 1)], 1);
  });
  const n = x.shape[0];
  const rCon = new Float32Array(n);
  const zs = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    rCon[i] = values[i * width + numClasses];
    zs.set(values.subarray(i * width, i * width + numClasses), i * numClasses);
  }
  const predictions = argmaxRows(zs, numClasses, numClasses);
  for (let i = 0; i < n; i++) if (!Number.isFinite(rCon[i])) predictions[i] = numClasses;
  return { rCon, predictions };
}

/**
 * One evaluation per input tensor, shared by a decider's decide and score: the arena decides a set
 * of inputs and then ranks the same tensor, and PREDICT (thousands of noisy copies) or R-Con is
 * then computed once. Deterministic evaluations only (PREDICT draws the same noise every call).
 * The first call's signal governs the shared evaluation (the arena decides before it scores).
 */
export function oncePerTensor<T>(compute: (x: tf.Tensor, signal?: AbortSignal | null) => Promise<T>): (x: tf.Tensor, signal?: AbortSignal | null) => Promise<T> {
  const done = new WeakMap<tf.Tensor, Promise<T>>();
  return (x, signal) => {
    let result = done.get(x);
    if (!result) {
      result = compute(x, signal);
      done.set(x, result);
      // A cancelled or failed evaluation is not kept.
      result.catch(() => done.delete(x));
    }
    return result;
  };
}

/** The TPR share of correct clean inputs the RR threshold keeps (paper 000's TPR-95). */
export const ARENA_TPR = 0.95;

async function rrDecider(model: tf.LayersModel, config: ArenaConfig, temperature: number, xClean: tf.Tensor, labels: Int32Array, numClasses: number): Promise<ArenaDecider> {
  const evaluate = oncePerTensor((x) => rConAndPredictions(model, x, temperature, numClasses));
  const clean = await evaluate(xClean);
  const correct = Uint8Array.from(clean.predictions, (p, i) => Number(p === labels[i]));
  if (!correct.some((c) => c === 1)) throw new Error('no clean test input is classified correctly, so the TPR-95 threshold of R-Con is undefined');
  const { threshold, keepRule } = tprAccuracy(clean.rCon, correct, ARENA_TPR);
  const kept = (v: number) => (keepRule === '>' ? v > threshold : v >= threshold);
  const { norm, eps } = config.threat;
  const { attackSteps: steps, attackRestarts: restarts } = config.budget;
  const family: ArenaFamily = 'rr';
  return {
    decide: async (x) => {
      const { rCon, predictions } = await evaluate(x);
      return predictions.map((p, i) => (p >= numClasses ? p : kept(rCon[i]) ? p : ABSTAIN_DECISION));
    },
    attacks: [
      ...commonAttacks(model, config, family),
      {
        id: 'adaptive',
        label: `CE + log R-Con at τ=${temperature} (adaptive)`,
        run: (x, y, c) => runAttack(adaptiveRconAttack, model, x, y, { objective: 'ce-logrcon', eta: 1, temperature, norm, eps, steps, restarts, box: arenaBox(config), seed: seedOf(config, family, 'adaptive') }, c),
      },
    ],
    score: {
      name: 'R-Con',
      scores: async (x) => {
        const { rCon: scores, predictions: answers } = await evaluate(x);
        return { scores: scores.slice(), answers: answers.slice() };
      },
    },
  };
}

/**
 * PREDICT's and CERTIFY's settings for the arena's smoothed classifiers. `perCopy`: the bytes one
 * classified noisy copy takes (certify/batchMemory.ts): as many copies go through one pass as fit
 * in the memory budget, at most 100,000 (a fixed function of the config and the model, so the
 * noise streams, which follow the passes, repeat).
 */
export function arenaPredictOptions(config: ArenaConfig, family: ArenaFamily, what: string, perCopy: number) {
  const s = config.smoothing;
  const batchSize = Math.max(1, Math.min(100_000, Math.floor(MAX_BATCH_BYTES / Math.max(1, perCopy))));
  return { sigma: s.sigma, n0: s.certifyN0, n: s.predictSamples, alpha: s.alpha, batchSize, seed: seedOf(config, family, what) };
}

function smoothedDecider(model: tf.LayersModel, config: ArenaConfig, family: ArenaFamily): ArenaDecider {
  const base = modelClassifier(model);
  const { norm, eps } = config.threat;
  const { attackSteps: steps } = config.budget;
  // Every call draws the same noise stream: a decision depends on the input only.
  const predictOptions = arenaPredictOptions(config, family, 'predict', bytesPerCopy(model));
  const predict = oncePerTensor((x, signal) => predictMany(base, x, predictOptions, { signal }));
  return {
    decide: async (x, control = {}) => (await predict(x, control.signal)).predictions.slice(),
    attacks: [
      ...commonAttacks(model, config, family),
      {
        id: 'smooth-adv',
        label: `SmoothAdv PGD-${steps} (${config.smoothing.attackSamples} noise samples)`,
        run: (x, y, c) => runAttack(smoothAdvAttack, model, x, y, { norm, eps, steps, sigma: config.smoothing.sigma, samples: config.smoothing.attackSamples, box: arenaBox(config), seed: seedOf(config, family, 'smooth-adv') }, c),
      },
    ],
    score: voteShareScore(predict),
  };
}

function abstainClassDecider(model: tf.LayersModel, config: ArenaConfig, family: ArenaFamily, numClasses: number): ArenaDecider {
  const { norm, eps } = config.threat;
  const { attackSteps: steps, attackRestarts: restarts } = config.budget;
  return {
    decide: (x) => logitDecisions(model, x, numClasses),
    attacks: [
      ...commonAttacks(model, config, family),
      {
        id: 'abstain-pgd',
        label: `PGD-${steps}, abstain rule (adaptive)`,
        run: (x, y, c) => runAttack(abstainPgdAttack, model, x, y, { numClasses, norm, eps, steps, restarts, randomStart: true, box: arenaBox(config), seed: seedOf(config, family, 'abstain-pgd') }, c),
      },
    ],
    score: null,
  };
}

/**
 * The family's decider for a trained model. `xClean`/`labels` are the evaluated test inputs (RR
 * sets its threshold on them); `rrTemperature` is the τ the RR model was trained at.
 */
export async function familyDecider(
  family: Exclude<ArenaFamily, 'sample-rejection'>,
  model: tf.LayersModel,
  config: ArenaConfig,
  numClasses: number,
  xClean: tf.Tensor,
  labels: Int32Array,
  rrTemperature: number,
): Promise<ArenaDecider> {
  switch (family) {
    case 'standard':
    case 'pgd-at':
    case 'trades':
      return plainDecider(model, config, family, numClasses);
    case 'era-selector':
      return selectorDecider(model, config, numClasses);
    case 'rr':
      return rrDecider(model, config, rrTemperature, xClean, labels, numClasses);
    case 'gaussian':
    case 'cat-rs':
      return smoothedDecider(model, config, family);
    case 'ibp-m1':
    case 'ibp-m3':
      return abstainClassDecider(model, config, family, numClasses);
  }
}
