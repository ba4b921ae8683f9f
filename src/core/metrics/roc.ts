/**
 * ROC of a rejector score separating correct (positive) from wrong (negative) inputs, and its
 * area, as sklearn.metrics.roc_curve / roc_auc_score (which paper 000's authors call).
 */
import { type BinaryLabels, type ScoreGroups, checkLengths, fail, groupScores, readLabels, readScores, rocPoints } from './selectiveInputs';

export interface RocCurve {
  /** False positive rate (share of the negatives with score ≥ thresholds[k]). */
  fpr: number[];
  /** True positive rate (share of the positives with score ≥ thresholds[k]). */
  tpr: number[];
  /**
   * Decreasing; thresholds[0] = +Infinity (the point (0, 0); sklearn ≥ 1.3 writes np.inf there,
   * sklearn ≤ 1.2 wrote max(score) + 1), then distinct scores.
   */
  thresholds: number[];
  /** Positives and negatives with score ≥ thresholds[k]. */
  tps: number[];
  fps: number[];
}

export interface RocCurveOptions {
  /**
   * Drop the points collinear with their neighbours, exactly as sklearn's roc_curve does with
   * drop_intermediate=True (its default, and what the authors' TPR-95 code used). Default true.
   * With false, there is one point per distinct score.
   */
  dropIntermediate?: boolean;
}

function requireBothClasses(fn: string, g: ScoreGroups): void {
  if (g.P === 0 || g.N === 0) {
    fail(
      fn,
      `only one class present (${g.P} positive, ${g.N} negative): ROC-AUC is not defined in that case (sklearn raises too)`,
      'one-class',
    );
  }
}

/**
 * ROC curve of `scores` separating positives (e.g. correctly classified inputs) from negatives, as
 * sklearn.metrics.roc_curve(positives, scores, drop_intermediate=…) — same points, same order,
 * thresholds[0] = +Infinity. Throws ('one-class') unless both classes are present.
 */
export function rocCurve(scores: ArrayLike<number>, positives: BinaryLabels, options: RocCurveOptions = {}): RocCurve {
  const fn = 'rocCurve';
  checkLengths(fn, { scores, positives });
  const g = groupScores(readScores(fn, 'scores', scores), readLabels(fn, 'positives', positives));
  requireBothClasses(fn, g);
  const r = rocPoints(g, options.dropIntermediate ?? true);
  return {
    fpr: r.fps.map((f) => f / g.N),
    tpr: r.tps.map((t) => t / g.P),
    thresholds: r.thresholds,
    tps: r.tps,
    fps: r.fps,
  };
}

/**
 * ROC-AUC in its Mann–Whitney form: the probability that a random positive scores above a random
 * negative, ties counting 1/2:
 *     AUC = (#{s_pos > s_neg} + ½·#{s_pos = s_neg}) / (P·N)   over all positive–negative pairs.
 * This is the area under the trapezoidal ROC that sklearn.metrics.roc_auc_score integrates (a tie
 * group is a diagonal segment of the ROC, whose trapezoid is exactly ½ per tied pair); here the
 * pair count is exact in integers and divided once. Throws ('one-class') unless both classes are
 * present, as roc_auc_score does.
 */
export function rocAuc(scores: ArrayLike<number>, positives: BinaryLabels): number {
  const fn = 'rocAuc';
  checkLengths(fn, { scores, positives });
  const g = groupScores(readScores(fn, 'scores', scores), readLabels(fn, 'positives', positives));
  requireBothClasses(fn, g);
  return mannWhitneyTwiceU(g) / (2 * g.P * g.N);
}

/** 2·U = Σ_groups pos_k · (2·#neg below + neg_k), an integer (exact below 2^53). */
function mannWhitneyTwiceU(g: ScoreGroups): number {
  let u2 = 0;
  for (let k = 0; k < g.values.length; k++) {
    const negBelow = g.N - g.fps[k];
    u2 += g.pos[k] * (2 * negBelow + g.neg[k]);
  }
  return u2;
}
