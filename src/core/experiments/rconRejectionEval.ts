/**
 * Paper 000's rejection evaluation (Pang et al., CVPR 2022, Section 6; METHODS.md §000
 * "Evaluation"): on the first `count` test inputs, for each setting of the config — clean inputs,
 * PGD on the classifier, adaptive attacks that also push R-Con up (Section 6.2) — the predictions,
 * the raw outputs and every rejector score the model offers (confidence and energy always, R-Con
 * with RR's auxiliary head, g(x) with SelectiveNet's), then per set × score the accuracy, TPR-95
 * accuracy, ROC-AUC and accuracy–coverage curve, and for RR models the coupled rejector of
 * Theorem 1 (rconRejectionMetrics.ts).
 *
 * Attacks:
 *  - 'pgd': PGD with cross-entropy on the classifier (the model's first output, as every attack
 *    of the workbench reads it), random start, `restarts` runs. Each input keeps the FINAL iterate,
 *    as the authors' evaluation (P2333/Rectified-Rejection, eval_cifar.py attack_pgd: no early
 *    stop; restarts keep the run with the larger CE — here the one that fools, then the larger
 *    CE, attacks/pgd.ts takeBetter). The workbench's split attack (runAttack) instead keeps the
 *    first iterate that fools, which lands near the decision boundary with a low confidence and
 *    would flatter every confidence-based rejector.
 *  - 'adaptive': attacks/adaptive.ts adaptiveAttack with the setting's objective and eta (RR
 *    models only; on other models the setting is skipped and listed in `skipped`), attacking
 *    R-Con at the temperature the scores are read at (config.temperature) unless the setting
 *    names its own (attackTemperature: 1 is the authors' attack).
 * Every attack's seed is derived from config.seed and the setting's id. Attacks run with the
 * label y (untargeted), inside B_p(x, eps) ∩ box.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { deriveSeed } from '../random';
import { adaptiveAttack } from '../attacks/adaptive';
import { assertInsideBox } from '../attacks/common';
import { pgd } from '../attacks/pgd';
import { modelHeads, selectiveNetOutputs, twoHeadOutputs } from '../models/heads';
import { logits as modelLogits } from '../models/forward';
import { rejectorScores } from '../metrics/rejectorScores';
import { rejectorScoresOf } from '../metrics/rejectorScoreNames';
import { type RejectionEvalConfig, type RejectionEvalSetting, rejectionEvalErrorList, rejectionEvalModelProblems, validateRejectionEvalConfig } from './rconRejectionEvalConfig';
import { type RejectionEvaluation, type ScoredSet, type SkippedSetting, rejectNonFinite, rejectionMetrics } from './rconRejectionMetrics';

export type { RejectionEvaluation } from './rconRejectionMetrics';

/** Which setting is running: its 0-based index among those that run, how many run, and the setting. */
export interface RejectionEvalStage {
  index: number;
  total: number;
  setting: RejectionEvalSetting;
}

export interface RejectionEvalControl {
  signal?: AbortSignal | null;
  /** `fraction`: share of the whole evaluation done, in [0, 1] (settings count equally). */
  onProgress?: (fraction: number, stage: RejectionEvalStage) => void;
  /** Inputs per attack / read-back chunk (default: the attacks' and scores' own). */
  batchSize?: number;
  /**
   * The index of the first attack chunk within a longer run (default 0): a shard of the inputs
   * that starts on chunk c of the whole run (chunks of batchSize inputs) passes c, and its attacks
   * draw the whole run's random starts (attacks/runner.ts).
   */
  firstChunk?: number;
  /** Include accuracy–coverage curves in the metrics (default true), with at most this many points (default 200). */
  curves?: boolean;
  curvePoints?: number;
  /**
   * Sets an interrupted run finished, to keep instead of computing them again: the first
   * settings to run, in order, each over the same inputs (every attack's seed depends only on
   * config.seed and its setting, so the sets after them come out as in an uninterrupted run).
   */
  done?: ScoredSet[];
  /** Called with each set as soon as it is computed (not for those in `done`), e.g. to save it. */
  onSet?: (set: ScoredSet, index: number) => void;
}

/** Refuses sets to keep that are not this run's first settings over its n inputs. */
function checkDone(done: ScoredSet[], toRun: RejectionEvalSetting[], n: number, k: number): void {
  if (done.length > toRun.length) throw new Error(`evaluateRejection: control.done holds ${done.length} sets but this evaluation runs ${toRun.length} settings`);
  done.forEach((set, i) => {
    const where = `evaluateRejection: control.done[${i}]`;
    if (set.id !== toRun[i].id) throw new Error(`${where} is the set "${set.id}" but the setting run at that place is "${toRun[i].id}"`);
    if (set.predictions.length !== n || set.correct.length !== n || set.logits.length !== n * k) {
      throw new Error(`${where} ("${set.id}") holds ${set.predictions.length} inputs (${set.logits.length} logits) but this evaluation has ${n} inputs of ${k} classes`);
    }
  });
}

/** The classifier's logits [b, K] and the raw head outputs ([b] each) of a batch, by heads. */
function rawOutputs(model: tf.LayersModel, heads: ReturnType<typeof modelHeads>, xb: tf.Tensor): Record<string, tf.Tensor> {
  if (heads === 'rr') {
    const o = twoHeadOutputs(model, xb);
    return { logits: o.logits, aux: o.auxLogit };
  }
  if (heads === 'selectivenet') {
    const o = selectiveNetOutputs(model, xb);
    o.auxLogits.dispose();
    return { logits: o.logits, selection: o.selectionLogit };
  }
  return { logits: modelLogits(model, xb) };
}

/** Reads the raw outputs back in chunks (logits n×K row-major; heads' logits n). */
async function readRawOutputs(model: tf.LayersModel, heads: ReturnType<typeof modelHeads>, x: tf.Tensor, k: number, control: RejectionEvalControl) {
  const n = x.shape[0];
  const size = Math.max(1, control.batchSize ?? 4096);
  const logits = new Float32Array(n * k);
  const aux = heads === 'rr' ? new Float32Array(n) : null;
  const selection = heads === 'selectivenet' ? new Float32Array(n) : null;
  for (let start = 0; start < n; start += size) {
    await checkpoint(control.signal);
    const len = Math.min(size, n - start);
    const parts = tf.tidy(() => rawOutputs(model, heads, tf.slice(x, start, len)));
    try {
      logits.set(await parts.logits.data(), start * k);
      if (aux) aux.set(await parts.aux.data(), start);
      if (selection) selection.set(await parts.selection.data(), start);
    } finally {
      tf.dispose(Object.values(parts));
    }
  }
  return { logits, aux, selection };
}

/** The inputs of one setting: x itself, or the adversarial inputs (a new tensor the caller disposes). */
async function attackedInputs(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D,
  s: RejectionEvalSetting,
  seed: number,
  box: [number, number] | null,
  control: RejectionEvalControl,
  onProgress: (f: number) => void,
  scoringTemperature: number,
): Promise<tf.Tensor> {
  const run = { signal: control.signal, onProgress, ...(control.batchSize ? { batchSize: control.batchSize } : {}), ...(control.firstChunk ? { firstChunk: control.firstChunk } : {}) };
  const threat = { norm: s.norm, eps: s.eps, box };
  if (s.kind === 'pgd') {
    return pgd(model, x, y, { ...threat, steps: s.steps, stepSize: s.stepSize ?? 0, restarts: s.restarts, randomStart: true, seed, keepFooled: false }, run);
  }
  return adaptiveAttack(
    model,
    x,
    y,
    { ...threat, objective: s.objective ?? 'ce-logrcon', eta: s.eta ?? 1, steps: s.steps, stepSize: s.stepSize ?? 0, restarts: s.restarts, seed, temperature: s.attackTemperature ?? scoringTemperature },
    run,
  );
}

/**
 * Evaluates `model`'s rejectors on the first config.count inputs of x (labels: one per row of x)
 * under every setting of `config` (see the file comment). `box`: the input box of the threat
 * model ([0, 1] for images; null = unbounded); the inputs must lie in it. Cancellable through
 * control.signal (CancelledError); progress over the settings. Leaves the tensor count as it found
 * it. Throws on an invalid config.
 */
export async function evaluateRejection(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: Int32Array | tf.Tensor1D,
  config: RejectionEvalConfig,
  control: RejectionEvalControl = {},
  box: [number, number] | null = null,
): Promise<RejectionEvaluation> {
  const errors = validateRejectionEvalConfig(config);
  if (Object.keys(errors).length) throw new Error(`Invalid rejection evaluation config: ${rejectionEvalErrorList(errors).join('; ')}`);
  const total = x.shape[0];
  const labelCount = labels instanceof Int32Array ? labels.length : labels.shape[0];
  if (labelCount !== total) throw new Error(`evaluateRejection: ${labelCount} labels for ${total} inputs`);
  const heads = modelHeads(model);
  const k = (model.outputs[0].shape[1] ?? 0) as number;
  if (k < 2) throw new Error(`evaluateRejection: the classifier has ${k} output(s); at least two classes are needed`);
  const n = Math.min(config.count, total);
  const scoreNames = rejectorScoresOf(heads);
  const problems = rejectionEvalModelProblems(config, heads);
  const skipped: SkippedSetting[] = config.settings.filter((s) => problems[s.id]).map((s) => ({ id: s.id, label: s.label, reason: problems[s.id] }));
  const toRun = config.settings.filter((s) => !problems[s.id]);

  const xs = n === total ? x : tf.slice(x, 0, n);
  const ys = tf.tidy(() => (labels instanceof Int32Array ? tf.tensor1d(labels.subarray(0, n), 'int32') : (tf.cast(tf.slice(labels, 0, n), 'int32') as tf.Tensor1D)));
  const sets: ScoredSet[] = [];
  const done = control.done ?? [];
  try {
    checkDone(done, toRun, n, k);
    if (n > 0) await assertInsideBox(xs, box);
    for (const [i, s] of toRun.entries()) {
      await checkpoint(control.signal);
      const stage: RejectionEvalStage = { index: i, total: toRun.length, setting: s };
      const report = (f: number) => control.onProgress?.((i + Math.min(1, Math.max(0, f))) / toRun.length, stage);
      if (i < done.length) {
        sets.push(done[i]);
        report(1);
        continue;
      }
      report(0);
      const adversarial = s.kind !== 'clean';
      const xe = adversarial && n > 0 ? await attackedInputs(model, xs, ys, s, deriveSeed(config.seed, 'rejection-eval', s.id), box, control, report, config.temperature) : xs;
      try {
        const sc = await rejectorScores(model, xe, { labels: ys, temperature: config.temperature, signal: control.signal, ...(control.batchSize ? { batchSize: control.batchSize } : {}) });
        const raw = await readRawOutputs(model, heads, xe, k, control);
        const scores: ScoredSet['scores'] = { confidence: sc.confidence, energy: sc.energy };
        if (sc.rCon) scores.rcon = sc.rCon;
        if (sc.selection) scores.selection = sc.selection;
        const set: ScoredSet = {
          id: s.id,
          label: s.label,
          kind: s.kind,
          adversarial,
          setting: { ...s },
          predictions: sc.predictions,
          correct: sc.correct ?? new Uint8Array(0),
          logits: raw.logits,
          aux: raw.aux,
          selection: raw.selection,
          scores,
          nonFinite: 0,
        };
        set.nonFinite = rejectNonFinite(set, k);
        sets.push(set);
        control.onSet?.(set, i);
      } finally {
        if (xe !== xs) xe.dispose();
      }
      report(1);
    }
  } finally {
    if (xs !== x) xs.dispose();
    ys.dispose();
  }
  const { metrics, coupled } = n > 0 ? rejectionMetrics(sets, scoreNames, { tpr: config.tpr, xi: config.xi, curve: control.curves ?? true, curvePoints: control.curvePoints }) : { metrics: [], coupled: [] };
  return { numClasses: k, n, heads, scoreNames, temperature: config.temperature, tpr: config.tpr, xi: config.xi, sets, metrics, coupled, skipped };
}
