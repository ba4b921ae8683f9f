/**
 * The numbers of paper 000's rejection evaluation (Section 6, Table 1-3; METHODS.md §000
 * "Evaluation") from per-input arrays, as plain TypeScript (no tfjs import) so that the page can
 * recompute them (e.g. at another TPR or xi) from the sets that rconRejectionEval.ts returns:
 *
 *  - accuracy on all inputs (no rejection);
 *  - "TPR-95" accuracy: the accuracy on the inputs kept when the threshold keeps 95% of the
 *    correctly classified ones (metrics/selective.ts tprAccuracy, the authors' convention);
 *  - ROC-AUC of the score separating correct from wrong (selective.ts rocAuc; NaN when only one
 *    of the two is present);
 *  - the accuracy–coverage curve (selective.ts accuracyCoverageCurve), subsampled for plots;
 *  - for RR models, the coupled rejector of Theorem 1 (selective.ts coupledRejection) as counts.
 *
 * Every score is "higher = keep" (rejectorScores.ts).
 */
import type { RejectorScoreName } from '../metrics/rejectorScoreNames';
import type { ModelHeads } from '../training/rejectionHeadsConfig';
import { type CoupledSeparation, accuracyCoverageCurve, coupledRejection, isSelectiveMetricError, rocAuc, tprAccuracy } from '../metrics/selective';
import type { RejectionEvalKind, RejectionEvalSetting } from './rconRejectionEvalConfig';

/** The inputs of one setting (clean or attacked), read back with every score the model offers. */
export interface ScoredSet {
  /** The setting's id and label (RejectionEvalSetting). */
  id: string;
  label: string;
  kind: RejectionEvalKind;
  /** True for attacked inputs. */
  adversarial: boolean;
  setting: RejectionEvalSetting;
  /** y_m = argmax of the classifier's logits, per input. */
  predictions: Int32Array;
  /** 1 where y_m = y. */
  correct: Uint8Array;
  /** The classifier's logits z(x), n×K row-major. */
  logits: Float32Array;
  /** RR models: the auxiliary head's pre-sigmoid logit a(x) (A_phi = sigmoid(a)); else null. */
  aux: Float32Array | null;
  /** SelectiveNet models: the selection head's pre-sigmoid logit (g = sigmoid of it); else null. */
  selection: Float32Array | null;
  /** Every score the model offers (rejectorScoresOf), at the config's temperature. */
  scores: Partial<Record<RejectorScoreName, Float32Array>>;
  /** Inputs with a non-finite output or score: counted wrong and rejected by every score (rejectNonFinite). */
  nonFinite: number;
}

/**
 * The score of an input that has no trustworthy output: the lowest the score can take — 0 for
 * the probabilities (confidence, R-Con, g), −float32 max for the energy score — so that every
 * threshold rejects it (thresholds keep scores strictly above a value set by correct inputs, and
 * such an input counts as wrong; the coupled rejector's stage 1 needs Con > 1/2).
 */
export function rejectedScore(score: RejectorScoreName): number {
  return score === 'energy' ? -3.4028234663852886e38 : 0;
}

/** 1 for each of the n rows whose k values in `values` (row-major) are not all finite. */
export function nonFiniteRows(values: ArrayLike<number>, n: number, k = 1, into: Uint8Array = new Uint8Array(n)): Uint8Array {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      if (!Number.isFinite(values[i * k + c])) {
        into[i] = 1;
        break;
      }
    }
  }
  return into;
}

/**
 * Sound or silent: an input whose logits, head outputs or any score is NaN or infinite (NaN
 * weights, an overflow) gets no prediction (−1), counts as wrong, and every score of it becomes
 * its rejectedScore, so that no metric reads a non-finite number and no rejector keeps it. Changes
 * the set's arrays in place; returns how many inputs it rejected.
 */
export function rejectNonFinite(set: Pick<ScoredSet, 'predictions' | 'correct' | 'logits' | 'aux' | 'selection' | 'scores'>, numClasses: number): number {
  const n = set.predictions.length;
  const bad = nonFiniteRows(set.logits, n, numClasses);
  if (set.aux) nonFiniteRows(set.aux, n, 1, bad);
  if (set.selection) nonFiniteRows(set.selection, n, 1, bad);
  for (const s of Object.values(set.scores)) if (s) nonFiniteRows(s, n, 1, bad);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!bad[i]) continue;
    count++;
    set.predictions[i] = -1;
    if (set.correct.length) set.correct[i] = 0;
    for (const [name, s] of Object.entries(set.scores)) if (s) s[i] = rejectedScore(name as RejectorScoreName);
  }
  return count;
}

export interface AccuracyCoveragePoints {
  /** Share of the inputs kept (increasing). */
  coverage: number[];
  /** Accuracy on the kept inputs. */
  accuracy: number[];
  /** Point k keeps the inputs with score ≥ threshold[k]. */
  threshold: number[];
  /** Area under the full (not subsampled) step curve: 1 − AURC (selective.ts). */
  area: number;
  /** Points of the full curve (one per distinct score). */
  fullPoints: number;
}

export interface RejectionMetric {
  /** ScoredSet id. */
  set: string;
  score: RejectorScoreName;
  n: number;
  /** Accuracy on all inputs (no rejection). */
  accuracy: number;
  /** TPR-x accuracy (x = config.tpr): the threshold keeps that share of the correct inputs. */
  tpr: {
    target: number;
    /** Accuracy on the kept inputs (NaN when none is kept or none is correct). */
    accuracy: number;
    /** Share of all inputs kept. */
    coverage: number;
    /** Kept iff score > threshold (the authors' strict rule; +Infinity when nothing is kept). */
    threshold: number;
    kept: number;
    keptCorrect: number;
    /** Share of the correct inputs actually kept. */
    tprKept: number;
  };
  /** ROC-AUC of the score separating correct (positive) from wrong; NaN when one of them is absent. */
  auc: number;
  /** Accuracy–coverage curve, subsampled to at most `curvePoints` points. */
  curve?: AccuracyCoveragePoints;
  /** Why a number is NaN (e.g. no correctly classified input), if one is. */
  note?: string;
}

/** Theorem 1's coupled rejector on one set (counts only; selective.ts coupledRejection). */
export interface CoupledSummary {
  set: string;
  xi: number;
  /** Stage 1 keeps Con > 1/(2 − xi). */
  conThreshold: number;
  /** Stage 2 keeps R-Con ≥ 1/2. */
  rConThreshold: number;
  counts: { total: number; correct: number; rejectedStage1: number; passedStage1: number; rejectedStage2: number; accepted: number; acceptedCorrect: number; acceptedWrong: number };
  coverage: number;
  acceptedAccuracy: number;
  separation: CoupledSeparation;
}

/** A setting that was not run, and why (adaptive attacks on a model without RR's head). */
export interface SkippedSetting {
  id: string;
  label: string;
  reason: string;
}

export interface RejectionEvaluation {
  numClasses: number;
  /** Inputs per set. */
  n: number;
  heads: ModelHeads;
  /** The scores evaluated (rejectorScoresOf(heads)). */
  scoreNames: RejectorScoreName[];
  temperature: number;
  tpr: number;
  xi: number;
  sets: ScoredSet[];
  /** One per set × score, in set order, then score order. */
  metrics: RejectionMetric[];
  /** RR models: one per set; empty otherwise. */
  coupled: CoupledSummary[];
  skipped: SkippedSetting[];
}

export const REJECTION_CURVE_POINTS = 200;

/** At most `maxPoints` indices of 0..m−1, evenly spread, always with the first and the last. */
export function subsampleIndices(m: number, maxPoints: number): number[] {
  if (m <= 0) return [];
  const k = Math.max(2, Math.floor(maxPoints));
  if (m <= k) return Array.from({ length: m }, (_, i) => i);
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const i = Math.round((j * (m - 1)) / (k - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/** The accuracy–coverage curve of `scores`, subsampled to at most `maxPoints` points. */
export function accuracyCoveragePoints(scores: ArrayLike<number>, correct: ArrayLike<number>, maxPoints = REJECTION_CURVE_POINTS): AccuracyCoveragePoints {
  const full = accuracyCoverageCurve(scores, correct);
  const idx = subsampleIndices(full.thresholds.length, maxPoints);
  return {
    coverage: idx.map((i) => full.coverage[i]),
    accuracy: idx.map((i) => full.accuracy[i]),
    threshold: idx.map((i) => full.thresholds[i]),
    area: full.area,
    fullPoints: full.thresholds.length,
  };
}

export interface RejectionMetricOptions {
  tpr: number;
  /** Include the accuracy–coverage curve (default true). */
  curve?: boolean;
  /** Most points of the curve (default 200). */
  curvePoints?: number;
}

/** The metrics of one score on one set. */
export function scoreMetric(set: Pick<ScoredSet, 'id' | 'correct' | 'scores'>, score: RejectorScoreName, options: RejectionMetricOptions): RejectionMetric {
  const s = set.scores[score];
  if (!s) throw new Error(`The set "${set.id}" has no ${score} scores`);
  const correct = set.correct;
  const n = correct.length;
  let nCorrect = 0;
  for (let i = 0; i < n; i++) nCorrect += correct[i];
  const notes: string[] = [];
  const metric: RejectionMetric = {
    set: set.id,
    score,
    n,
    accuracy: n ? nCorrect / n : NaN,
    tpr: { target: options.tpr, accuracy: NaN, coverage: 0, threshold: NaN, kept: 0, keptCorrect: 0, tprKept: NaN },
    auc: NaN,
  };
  try {
    const t = tprAccuracy(s, correct, options.tpr);
    metric.tpr = { target: options.tpr, accuracy: t.accuracy, coverage: t.coverage, threshold: t.threshold, kept: t.kept, keptCorrect: t.keptCorrect, tprKept: t.tprKept };
    if (t.kept === 0) notes.push('the TPR threshold keeps no input');
  } catch (e) {
    if (!isSelectiveMetricError(e)) throw e;
    notes.push(e.code === 'no-correct' ? 'no input is classified correctly: the TPR threshold is undefined' : e.message);
  }
  try {
    metric.auc = rocAuc(s, correct);
  } catch (e) {
    if (!isSelectiveMetricError(e)) throw e;
    notes.push(e.code === 'one-class' ? `ROC-AUC undefined: ${nCorrect === n ? 'every input is correct' : 'no input is correct'}` : e.message);
  }
  if (options.curve ?? true) {
    try {
      metric.curve = accuracyCoveragePoints(s, correct, options.curvePoints ?? REJECTION_CURVE_POINTS);
    } catch (e) {
      if (!isSelectiveMetricError(e)) throw e;
      notes.push(e.message);
    }
  }
  if (notes.length) metric.note = notes.join('; ');
  return metric;
}

/** Theorem 1's coupled rejector (Con, then R-Con) on one set of an RR model, as counts. */
export function coupledSummary(set: Pick<ScoredSet, 'id' | 'correct' | 'scores'>, xi: number): CoupledSummary {
  const con = set.scores.confidence;
  const r = set.scores.rcon;
  if (!con || !r) throw new Error(`The set "${set.id}" has no R-Con scores (the coupled rejector needs an RR model)`);
  const c = coupledRejection(con, r, set.correct, xi);
  return { set: set.id, xi, conThreshold: c.conThreshold, rConThreshold: c.rConThreshold, counts: { ...c.counts }, coverage: c.coverage, acceptedAccuracy: c.acceptedAccuracy, separation: { ...c.separation } };
}

/** Every metric of every set (set order, then score order) and, with R-Con, the coupled summaries. */
export function rejectionMetrics(
  sets: ReadonlyArray<Pick<ScoredSet, 'id' | 'correct' | 'scores'>>,
  scoreNames: readonly RejectorScoreName[],
  options: RejectionMetricOptions & { xi: number },
): { metrics: RejectionMetric[]; coupled: CoupledSummary[] } {
  const metrics: RejectionMetric[] = [];
  const coupled: CoupledSummary[] = [];
  for (const set of sets) {
    for (const score of scoreNames) if (set.scores[score]) metrics.push(scoreMetric(set, score, options));
    if (set.scores.rcon && set.scores.confidence && set.correct.length > 0) coupled.push(coupledSummary(set, options.xi));
  }
  return { metrics, coupled };
}
