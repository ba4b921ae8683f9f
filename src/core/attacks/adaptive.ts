/**
 * Adaptive attacks on a Rectified Rejection model (paper 000, Section 6.2 and Fig. 4): PGD that
 * fools the classifier and, at the same time, pushes the rejector's score up so that the
 * adversarial input is not rejected. The five objectives of the paper, maximised by the attacker:
 *
 *   'ce-logrcon'   L_CE + eta · log R-Con
 *   'ce-rr'        L_CE + eta · L_RR
 *   'con-rr'       L_Con + eta · L_RR
 *   'con-logrcon'  L_Con + eta · log R-Con
 *   'multi-target' L_Con + eta · L_RR, run once per target class t ≠ y ("multi")
 *
 * L_CE = CE(f(x'), y); L_RR = BCE(R-Con(x') || T-Con(x')) with T-Con detached, as in the
 * authors' attack (P2333/Rectified-Rejection, eval_cifar.py `attack_pgd` with adaptive_BCE:
 * maximising it drives R-Con away from T-Con, i.e. up on the misclassified inputs the attacker
 * makes). L_Con "directly optimises the confidence": here the log-confidence of the best wrong
 * class, log max_{c≠y} f(x')_c (for the multi-target version, log f(x')_t of the target t) —
 * the paper gives no formula; the log keeps the gradient alive where the softmax saturates.
 *
 * Temperature (`temperature`, τ): R-Con's confidence f_τ(x')[y_m] inside log R-Con and L_RR is
 * softmax(z / τ), the confidence the rejector is scored with. An evaluation attacks R-Con at the
 * τ it reads the scores at (by default the model's RR training τ: A_phi learns A* at that τ);
 * τ = 1 is what the authors' attack computes (their attack_pgd reads softmax(z) whatever tempC
 * the model was trained with), kept as an option. The first term (CE or L_Con) stays at τ = 1.
 *
 * Each run keeps its final iterate (as the authors' PGD); with restarts or several targets an
 * input keeps the candidate that fools the classifier with the highest R-Con (an evasion the
 * rejector is least likely to catch), else the one with the highest objective.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { modelHeads, twoHeadOutputs } from '../models/heads';
import { logRConFromOutputs } from '../metrics/rejectorScores';
import { rrBcePerExample } from '../training/rconRejection';
import { type ThreatModel, crossEntropy, project, randomStart, steepestDirection } from './common';
import { selectRows } from '../wasmSelectRows';
import { ADAPTIVE_LABELS, ADAPTIVE_OBJECTIVES, type AdaptiveObjective } from './config';
import { effectiveStepSize, pgdProblems } from './pgd';
import { type Attack, type Steps, Held, attackFunction, finiteAtLeast, runSteps } from './runner';

export { ADAPTIVE_OBJECTIVES, ADAPTIVE_LABELS, type AdaptiveObjective };

export interface AdaptiveOptions extends ThreatModel {
  objective: AdaptiveObjective;
  /** Weight eta of the rejector term (the paper varies it; 1 by default). */
  eta: number;
  steps: number;
  /** 0 = 2.5·eps/steps. */
  stepSize: number;
  restarts: number;
  seed: number;
  /** Softmax temperature τ of R-Con's confidence in the rejector term (1 by default; see above). */
  temperature: number;
}

export const ADAPTIVE_DEFAULTS: Omit<AdaptiveOptions, 'eps' | 'box'> = { objective: 'ce-logrcon', eta: 1, norm: 'linf', steps: 10, stepSize: 0, restarts: 1, seed: 0, temperature: 1 };

/** log of the largest softmax probability among the classes marked 1 in `allowed` [b, K]. */
function logMaxOver(z: tf.Tensor2D, allowed: tf.Tensor2D): tf.Tensor1D {
  const masked = tf.add(z, tf.mul(tf.sub(1, allowed), -1e30));
  return tf.sub(tf.max(masked, 1), tf.logSumExp(z, 1)) as tf.Tensor1D;
}

/** The attacker's per-example objective at x' (to maximise), for labels y and, for multi-target, target t. */
export function adaptiveObjectiveValue(model: tf.LayersModel, xAdv: tf.Tensor, y: tf.Tensor1D, objective: AdaptiveObjective, eta: number, target?: tf.Tensor1D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => {
    const { logits: z, auxLogit } = twoHeadOutputs(model, xAdv);
    const k = z.shape[1];
    const yHot = tf.oneHot(tf.cast(y, 'int32'), k) as tf.Tensor2D;
    const first =
      objective === 'ce-logrcon' || objective === 'ce-rr'
        ? crossEntropy(z, y)
        : objective === 'multi-target'
          ? logMaxOver(z, tf.oneHot(tf.cast(target!, 'int32'), k) as tf.Tensor2D)
          : logMaxOver(z, tf.sub(1, yHot) as tf.Tensor2D);
    const second = objective === 'ce-logrcon' || objective === 'con-logrcon' ? logRConFromOutputs(z, auxLogit, temperature) : rrBcePerExample(z, auxLogit, y, { stopGradient: 'target-only', temperature });
    return tf.add(first, tf.mul(eta, second)) as tf.Tensor1D;
  });
}

function* oneRun(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, o: AdaptiveOptions, seed: number, target?: tf.Tensor1D): Steps<tf.Tensor> {
  const alpha = effectiveStepSize(o);
  const f = (xa: tf.Tensor) => tf.sum(adaptiveObjectiveValue(model, xa, y, o.objective, o.eta, target, o.temperature)) as tf.Scalar;
  const grad = tf.grad(f);
  const held = new Held();
  try {
    held.set('xAdv', randomStart(x, o, seed));
    for (let s = 0; s < o.steps; s++) {
      const xAdv = held.get('xAdv');
      held.set('xAdv', tf.tidy(() => project(tf.add(xAdv, tf.mul(alpha, steepestDirection(grad(xAdv), o.norm))), x, o)));
      yield;
    }
    return held.take('xAdv');
  } finally {
    held.dispose();
  }
}

/** Per input: (fooled, log R-Con, objective) of a candidate, for choosing among runs. */
function rank(model: tf.LayersModel, xa: tf.Tensor, y: tf.Tensor1D, o: AdaptiveOptions, target?: tf.Tensor1D) {
  return tf.tidy(() => {
    const { logits: z, auxLogit } = twoHeadOutputs(model, xa);
    const fooled = tf.notEqual(tf.argMax(z, 1), tf.cast(y, 'int32')) as tf.Tensor1D;
    return { fooled, logRCon: logRConFromOutputs(z, auxLogit, o.temperature), value: adaptiveObjectiveValue(model, xa, y, o.objective, o.eta, target, o.temperature) };
  });
}

/** Adaptive PGD on one batch (all restarts and, for multi-target, all targets), step by step. */
export function* adaptiveSteps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AdaptiveOptions): Steps<tf.Tensor> {
  const o = { ...ADAPTIVE_DEFAULTS, ...options };
  const k = (model.outputs[0].shape[1] ?? 0) as number;
  const targets: Array<number | null> = o.objective === 'multi-target' ? Array.from({ length: k - 1 }, (_, i) => i) : [null];
  const held = new Held();
  const keepRank = (prefix: string, r: ReturnType<typeof rank>) => {
    held.set(`${prefix}.fooled`, r.fooled);
    held.set(`${prefix}.logRCon`, r.logRCon);
    held.set(`${prefix}.value`, r.value);
  };
  const rankOf = (prefix: string) => ({ fooled: held.get<tf.Tensor1D>(`${prefix}.fooled`), logRCon: held.get<tf.Tensor1D>(`${prefix}.logRCon`), value: held.get<tf.Tensor1D>(`${prefix}.value`) });
  let first = true;
  try {
    for (const [ti, offset] of targets.entries()) {
      // Target number `offset` among the classes other than y: t = offset, skipping y.
      const target = offset === null ? undefined : held.set('target', tf.tidy(() => {
        const t = tf.fill([y.shape[0]], offset, 'int32');
        return tf.where(tf.greaterEqual(t, tf.cast(y, 'int32')), tf.add(t, tf.scalar(1, 'int32')), t) as tf.Tensor1D;
      }));
      for (let r = 0; r < Math.max(1, Math.floor(o.restarts)); r++) {
        const cand = held.set(first ? 'best' : 'candidate', yield* oneRun(model, x, y, o, deriveSeed(o.seed, 'adaptive', ti, r), target));
        keepRank(first ? 'best' : 'candidate', rank(model, cand, y, o, target));
        if (first) {
          first = false;
          continue;
        }
        const [merged, mergedRank] = tf.tidy(() => {
          const b = rankOf('best');
          const c = rankOf('candidate');
          // Better: fools where the best does not; or both fool and a higher R-Con; or neither and a higher objective.
          const better = tf.logicalOr(
            tf.logicalAnd(c.fooled, tf.logicalNot(b.fooled)),
            tf.logicalOr(
              tf.logicalAnd(tf.logicalAnd(c.fooled, b.fooled), tf.greater(c.logRCon, b.logRCon)),
              tf.logicalAnd(tf.logicalAnd(tf.logicalNot(c.fooled), tf.logicalNot(b.fooled)), tf.greater(c.value, b.value)),
            ),
          ) as tf.Tensor1D;
          const pick = <T extends tf.Tensor>(cv: T, cur: T) => tf.where(better, cv, cur) as T;
          return [
            selectRows(better, cand, held.get('best')),
            // tf.where on bool tensors corrupts memory on the wasm backend: pick the flags as int32.
            { fooled: tf.cast(pick(tf.cast(c.fooled, 'int32'), tf.cast(b.fooled, 'int32')), 'bool') as tf.Tensor1D, logRCon: pick(c.logRCon, b.logRCon), value: pick(c.value, b.value) },
          ] as const;
        });
        held.set('best', merged);
        keepRank('best', mergedRank);
      }
    }
    return held.take('best');
  } finally {
    held.dispose();
  }
}

/** Synchronous adaptive PGD on one batch (all restarts and, for multi-target, all targets). */
export function adaptiveBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: AdaptiveOptions): tf.Tensor {
  return runSteps(adaptiveSteps(model, x, y, options));
}

export const adaptiveRconAttack: Attack<AdaptiveOptions> = {
  id: 'adaptive',
  label: 'Adaptive attack',
  defaults: { ...ADAPTIVE_DEFAULTS, box: null },
  problems: (c, context) => [
    ...(ADAPTIVE_OBJECTIVES.includes(c.objective) ? [] : [`objective must be one of ${ADAPTIVE_OBJECTIVES.join(', ')} (got ${String(c.objective)})`]),
    ...finiteAtLeast('eta', c.eta, 0),
    ...(Number.isFinite(c.temperature) && c.temperature > 0 ? [] : [`temperature must be a finite number > 0 (got ${String(c.temperature)})`]),
    ...pgdProblems(c),
    ...(!context || modelHeads(context.model) === 'rr' ? [] : ['the model has no Rectified Rejection head (an R-Con-aware attack needs one)']),
  ],
  steps: adaptiveSteps,
};

/** Adaptive PGD over any number of inputs, chunked and cancellable (seeds derived per chunk). */
export const adaptiveAttack = attackFunction(adaptiveRconAttack);
