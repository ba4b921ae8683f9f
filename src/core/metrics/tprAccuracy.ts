/**
 * Paper 000's "TPR-95 accuracy" (Table 1, Section 6.1) and the accuracy–coverage curve of a
 * rejector score.
 */
import { type BinaryLabels, checkLengths, checkTpr, fail, groupScores, readLabels, readScores, rocPoints } from './selectiveInputs';

/**
 * How the threshold of tprAccuracy is chosen and how inputs tied with it are treated.
 *
 * 'authors' (default) — what P2333/Rectified-Rejection's utils.py `calculate_FPR_TPR` does (commit
 *   1cb1c5a6; called from eval_cifar.py with tpr_ref = 0.95 on the scores of the correct and of the
 *   wrong inputs; the reported number is the accuracy on the kept inputs):
 *     1. the ROC of sklearn.metrics.roc_curve(correct, scores) with its default
 *        drop_intermediate=True (points collinear with their neighbours are not candidates);
 *     2. the point k minimising |tpr_k − tpr| in float64, tpr_k = tps_k / P; on an exact tie the
 *        first one, i.e. the higher threshold (np.argmin);
 *     3. T = thresholds[k]; keep the inputs with score > T, STRICTLY. Inputs scoring exactly T are
 *        rejected, although the ROC point k counts them as kept (roc_curve's points mean
 *        score ≥ threshold). So the share of correct inputs actually kept (`tprKept`) can be below
 *        both the target and `rocTpr`: by one input when scores are distinct and a correct input
 *        scores T, by a whole tie group otherwise; and it can be below or above the target by more
 *        than one input's share when drop_intermediate removed the closest point.
 *     If k is the prepended point (0, 0) (T = +Infinity: the ROC tpr nearest the target is 0, i.e.
 *     the target is below half the first non-zero ROC tpr), nothing is kept and the accuracy is
 *     NaN (the authors' code divides by zero there).
 * 'atLeast' — the rule the paper's wording describes ("at most 5% of correctly classified examples
 *   are rejected"): T is the highest distinct score such that keeping score ≥ T keeps at least a
 *   share tpr of the correct inputs (tps / P ≥ tpr in float64); every input tied at T is kept.
 *   `tprKept` ≥ tpr always, and no higher threshold of the form score ≥ t achieves it.
 * Neither convention breaks ties at random: inputs with equal scores are always all kept or all
 * rejected.
 */
export const TPR_CONVENTIONS = ['authors', 'atLeast'] as const;
export type TprConvention = (typeof TPR_CONVENTIONS)[number];

export interface TprAccuracyOptions {
  convention?: TprConvention;
}

export interface TprAccuracyResult {
  convention: TprConvention;
  /** The target share of correct inputs to keep. */
  targetTpr: number;
  /** Threshold T; an input is kept iff score `keepRule` T. +Infinity when nothing is kept. */
  threshold: number;
  keepRule: '>' | '>=';
  /** Accuracy on the kept inputs (NaN when none is kept). */
  accuracy: number;
  /** Share of all inputs kept. */
  coverage: number;
  kept: number;
  keptCorrect: number;
  keptWrong: number;
  /** Share of the correct inputs actually kept. */
  tprKept: number;
  /** Share of the wrong inputs kept (NaN when there are none). */
  fprKept: number;
  /** tpr of the chosen ROC point (inputs with score ≥ threshold); equals tprKept for 'atLeast'. */
  rocTpr: number;
  total: number;
  totalCorrect: number;
  /** Accuracy without rejection. */
  accuracyAll: number;
}

/**
 * "TPR-x accuracy" (paper 000, Table 1 and Section 6.1; x = 95 by default): the accuracy on the
 * inputs kept when the rejection threshold on `scores` (higher = keep) is set so that a share
 * `tpr` of the correctly classified inputs is kept. See TPR_CONVENTIONS for the two threshold
 * rules; the default reproduces the authors' numbers. Throws ('no-correct') when no input is
 * correct (the true positive rate is undefined).
 */
export function tprAccuracy(
  scores: ArrayLike<number>,
  correct: BinaryLabels,
  tpr = 0.95,
  options: TprAccuracyOptions = {},
): TprAccuracyResult {
  const fn = 'tprAccuracy';
  const convention = options.convention ?? 'authors';
  if (!TPR_CONVENTIONS.includes(convention)) fail(fn, `unknown convention ${String(convention)}`, 'range');
  checkTpr(fn, tpr);
  const n = checkLengths(fn, { scores, correct });
  const g = groupScores(readScores(fn, 'scores', scores), readLabels(fn, 'correct', correct));
  if (g.P === 0) fail(fn, `no correctly classified input among ${n}: the true positive rate is undefined`, 'no-correct');

  let threshold: number;
  let keptCorrect: number;
  let keptWrong: number;
  let rocTpr: number;
  let keepRule: '>' | '>=';
  if (convention === 'authors') {
    const r = rocPoints(g, true);
    let best = 0;
    let bestDist = Math.abs(r.tps[0] / g.P - tpr);
    for (let k = 1; k < r.tps.length; k++) {
      const d = Math.abs(r.tps[k] / g.P - tpr);
      if (d < bestDist) {
        best = k;
        bestDist = d;
      }
    }
    threshold = r.thresholds[best];
    rocTpr = r.tps[best] / g.P;
    keepRule = '>';
    // score > T  ⇔  the input is in a group strictly before T's group.
    const gi = r.group[best];
    keptCorrect = gi <= 0 ? 0 : g.tps[gi - 1];
    keptWrong = gi <= 0 ? 0 : g.fps[gi - 1];
  } else {
    let gi = 0;
    while (g.tps[gi] / g.P < tpr) gi++; // terminates: tps at the last group / P = 1 ≥ tpr
    threshold = g.values[gi];
    keepRule = '>=';
    keptCorrect = g.tps[gi];
    keptWrong = g.fps[gi];
    rocTpr = keptCorrect / g.P;
  }
  const kept = keptCorrect + keptWrong;
  return {
    convention,
    targetTpr: tpr,
    threshold,
    keepRule,
    accuracy: kept ? keptCorrect / kept : NaN,
    coverage: kept / n,
    kept,
    keptCorrect,
    keptWrong,
    tprKept: keptCorrect / g.P,
    fprKept: g.N ? keptWrong / g.N : NaN,
    rocTpr,
    total: n,
    totalCorrect: g.P,
    accuracyAll: g.P / n,
  };
}

// ---------------------------------------------------------------------------------------------
// Accuracy–coverage
// ---------------------------------------------------------------------------------------------

export interface AccuracyCoverageCurve {
  /** Distinct scores, decreasing; point k keeps the inputs with score ≥ thresholds[k]. */
  thresholds: number[];
  /** Share of all inputs kept (increasing, ends at 1). */
  coverage: number[];
  /** Accuracy on the kept inputs ("selective accuracy"). */
  accuracy: number[];
  kept: number[];
  keptCorrect: number[];
  /**
   * Σ_k accuracy_k · (coverage_k − coverage_{k−1}), coverage_{−1} = 0: the area under the step
   * curve. With distinct scores it is the mean of the selective accuracy over the coverages
   * 1/n, 2/n, …, 1, i.e. 1 − AURC (area under the risk–coverage curve, Geifman et al.); a tie
   * group counts as one step (its inputs cannot be separated by any threshold).
   */
  area: number;
}

/**
 * Selective accuracy against coverage for every threshold on `scores` (higher = keep), one point
 * per distinct score (tied inputs are kept together), for plots. Either class may be absent.
 */
export function accuracyCoverageCurve(scores: ArrayLike<number>, correct: BinaryLabels): AccuracyCoverageCurve {
  const fn = 'accuracyCoverageCurve';
  const n = checkLengths(fn, { scores, correct });
  const g = groupScores(readScores(fn, 'scores', scores), readLabels(fn, 'correct', correct));
  const out: AccuracyCoverageCurve = { thresholds: g.values.slice(), coverage: [], accuracy: [], kept: [], keptCorrect: [], area: 0 };
  let prev = 0;
  for (let k = 0; k < g.values.length; k++) {
    const kept = g.tps[k] + g.fps[k];
    const cov = kept / n;
    const acc = g.tps[k] / kept;
    out.kept.push(kept);
    out.keptCorrect.push(g.tps[k]);
    out.coverage.push(cov);
    out.accuracy.push(acc);
    out.area += acc * (cov - prev);
    prev = cov;
  }
  return out;
}
