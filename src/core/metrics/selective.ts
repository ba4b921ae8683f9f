/**
 * Selective-classification metrics of paper 000 (Pang et al., "Two Coupled Rejection Metrics Can
 * Tell Adversarial Examples Apart", CVPR 2022; Rectified Rejection, METHODS.md §000), as plain
 * TypeScript (no tfjs import) so that the page can use them.
 *
 * Notation (METHODS.md): f(x) softmax output, y the label, y_m = argmax f(x) the prediction,
 * Con(x) = f(x)[y_m], T-Con(x) = f(x)[y], A_phi(x) in [0, 1] the auxiliary head,
 * R-Con(x) = f(x)[y_m] · A_phi(x) (Eq. 3). A rejector keeps x when its score M(x) passes a
 * threshold t (Eq. 1; higher score = keep). "Correct" means y_m = y.
 *
 *  - tprAccuracy: "TPR-95 accuracy" (Table 1, Section 6.1): the accuracy on the kept inputs when
 *    the threshold is set so that 95% of the correctly classified inputs are kept ("true positive
 *    rate" = share of the correct inputs kept). The default convention reproduces the authors'
 *    evaluation code exactly, ties and all (see TPR_CONVENTIONS below).
 *  - rocAuc / rocCurve: ROC of the rejector score separating correct (positive) from wrong
 *    (negative) inputs, as sklearn.metrics.roc_auc_score / roc_curve, which the authors call.
 *  - accuracyCoverageCurve: selective accuracy against coverage for every threshold.
 *  - coupledRejection: Theorem 1's two-stage rejector (Con > 1/(2 − xi), then R-Con ≥ 1/2).
 *  - xiError: Definition 1 (point-wise xi-error of A_phi) in both its forms, with the optimum
 *    A* = f[y] / f[y_m] (Section 4.1).
 *
 * Every function validates its input and throws a SelectiveMetricError (with a `code`) on lengths
 * that differ, empty input, NaN or infinite scores, labels that are not booleans / 0 / 1,
 * probabilities outside [0, 1], tpr outside (0, 1], xi outside [0, 1), and for ROC quantities
 * that are undefined because only one class is present.
 */

/** Booleans, or numbers that are 0 or 1 (1 / true = correct, or positive). */
export type BinaryLabels = ArrayLike<boolean> | ArrayLike<number>;

export const SELECTIVE_ERROR_CODES = ['length', 'empty', 'nan', 'infinite', 'label', 'range', 'one-class', 'no-correct'] as const;
export type SelectiveErrorCode = (typeof SELECTIVE_ERROR_CODES)[number];

export class SelectiveMetricError extends Error {
  constructor(
    message: string,
    readonly code: SelectiveErrorCode,
  ) {
    super(message);
    this.name = 'SelectiveMetricError';
  }
}

export function isSelectiveMetricError(e: unknown): e is SelectiveMetricError {
  return e instanceof SelectiveMetricError;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Probabilities may exceed [0, 1] by this much (float32 softmax on a GPU backend). */
export const PROBABILITY_SLACK = 1e-6;

function fail(fn: string, message: string, code: SelectiveErrorCode): never {
  throw new SelectiveMetricError(`${fn}: ${message}`, code);
}

function checkLengths(fn: string, arrays: Record<string, ArrayLike<unknown>>): number {
  const names = Object.keys(arrays);
  const n = arrays[names[0]].length;
  for (const name of names.slice(1)) {
    const m = arrays[name].length;
    if (m !== n) fail(fn, `${names[0]} has ${n} entries but ${name} has ${m}`, 'length');
  }
  if (n === 0) fail(fn, 'no inputs (the arrays are empty)', 'empty');
  return n;
}

/** Copies scores to float64, refusing NaN and ±Infinity (sklearn refuses both too). */
function readScores(fn: string, name: string, a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') fail(fn, `${name}[${i}] is not a number (${String(v)})`, 'nan');
    if (Number.isNaN(v)) fail(fn, `${name}[${i}] is NaN`, 'nan');
    if (!Number.isFinite(v)) fail(fn, `${name}[${i}] is ${v} (scores must be finite)`, 'infinite');
    out[i] = v;
  }
  return out;
}

function readProbabilities(fn: string, name: string, a: ArrayLike<number>): Float64Array {
  const out = readScores(fn, name, a);
  for (let i = 0; i < out.length; i++) {
    if (out[i] < -PROBABILITY_SLACK || out[i] > 1 + PROBABILITY_SLACK) {
      fail(fn, `${name}[${i}] = ${out[i]} is not a probability in [0, 1]`, 'range');
    }
  }
  return out;
}

function readLabels(fn: string, name: string, a: BinaryLabels): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as unknown;
    if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else fail(fn, `${name}[${i}] must be true/false or 1/0, got ${String(v)}`, 'label');
  }
  return out;
}

function checkTpr(fn: string, tpr: number): void {
  if (typeof tpr !== 'number' || Number.isNaN(tpr) || !(tpr > 0 && tpr <= 1)) {
    fail(fn, `tpr must be in (0, 1], got ${String(tpr)}`, 'range');
  }
}

function checkXi(fn: string, xi: number): void {
  if (typeof xi !== 'number' || Number.isNaN(xi) || !(xi >= 0 && xi < 1)) {
    fail(fn, `xi must be in [0, 1), got ${String(xi)}`, 'range');
  }
}

// ---------------------------------------------------------------------------------------------
// Score groups: the distinct scores in decreasing order, with the positives and negatives at each
// (what sklearn's _binary_clf_curve builds; tied inputs always fall on the same side of a
// threshold).
// ---------------------------------------------------------------------------------------------

interface ScoreGroups {
  /** Distinct scores, decreasing. */
  values: number[];
  /** Positives (correct) scoring exactly values[k]. */
  pos: number[];
  /** Negatives (wrong) scoring exactly values[k]. */
  neg: number[];
  /** Cumulative positives / negatives with score ≥ values[k] (sklearn's tps, fps). */
  tps: number[];
  fps: number[];
  P: number;
  N: number;
}

function groupScores(scores: Float64Array, labels: Uint8Array): ScoreGroups {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Decreasing score; −0 and +0 compare equal, as in numpy.
  order.sort((a, b) => (scores[b] > scores[a] ? 1 : scores[b] < scores[a] ? -1 : 0));
  const g: ScoreGroups = { values: [], pos: [], neg: [], tps: [], fps: [], P: 0, N: 0 };
  let k = -1;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const s = scores[i];
    if (k < 0 || s !== g.values[k]) {
      g.values.push(s);
      g.pos.push(0);
      g.neg.push(0);
      k++;
    }
    if (labels[i]) g.pos[k]++;
    else g.neg[k]++;
  }
  let tp = 0;
  let fp = 0;
  for (let m = 0; m < g.values.length; m++) {
    tp += g.pos[m];
    fp += g.neg[m];
    g.tps.push(tp);
    g.fps.push(fp);
  }
  g.P = tp;
  g.N = fp;
  return g;
}

/**
 * The ROC points as sklearn.metrics.roc_curve builds them: one per distinct score (keep
 * score ≥ threshold), optionally without the interior points collinear with their neighbours
 * (drop_intermediate: a point is dropped when the second differences of both fps and tps vanish
 * there), then the point (0, 0) prepended with threshold +Infinity. `group[k]` is the index into
 * the groups of point k (−1 for the prepended point).
 */
function rocPoints(g: ScoreGroups, dropIntermediate: boolean): { tps: number[]; fps: number[]; thresholds: number[]; group: number[] } {
  const m = g.values.length;
  let keep: number[] = [];
  if (dropIntermediate && m > 2) {
    keep.push(0);
    for (let j = 1; j < m - 1; j++) {
      const d2f = g.fps[j + 1] - 2 * g.fps[j] + g.fps[j - 1];
      const d2t = g.tps[j + 1] - 2 * g.tps[j] + g.tps[j - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(j);
    }
    keep.push(m - 1);
  } else {
    keep = Array.from({ length: m }, (_, j) => j);
  }
  return {
    tps: [0, ...keep.map((j) => g.tps[j])],
    fps: [0, ...keep.map((j) => g.fps[j])],
    thresholds: [Infinity, ...keep.map((j) => g.values[j])],
    group: [-1, ...keep],
  };
}

// ---------------------------------------------------------------------------------------------
// ROC
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// TPR-x accuracy
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Coupled rejection (Theorem 1)
// ---------------------------------------------------------------------------------------------

export interface CoupledRejectionOptions {
  /**
   * Per input, whether A_phi is xi-error there at the same xi (e.g. xiError(…, { xi }).isXiError).
   * With it, the result carries `theorem`: Theorem 1's claim checked on the inputs that pass
   * stage 1 and are xi-error.
   */
  xiErrorMask?: BinaryLabels;
}

export interface CoupledSeparation {
  /** Inputs passing stage 1 (Con > 1/(2 − xi)). */
  n: number;
  /** Correct with R-Con ≥ 1/2 (kept, rightly). */
  correctKept: number;
  /** Correct with R-Con < 1/2 (rejected wrongly). */
  correctRejected: number;
  /** Wrong with R-Con < 1/2 (rejected, rightly). */
  wrongRejected: number;
  /** Wrong with R-Con ≥ 1/2 (kept wrongly). */
  wrongKept: number;
  /** correctRejected + wrongKept. */
  errors: number;
  /** (correctKept + wrongRejected) / n; NaN when n = 0. */
  accuracy: number;
  /** errors === 0: R-Con = 1/2 separates correct from wrong on these inputs. */
  separated: boolean;
  /** Smallest R-Con of a correct input / largest of a wrong one (NaN when there is none). */
  minCorrectRCon: number;
  maxWrongRCon: number;
  /** maxWrongRCon < minCorrectRCon: some threshold on R-Con separates them (true if a class is absent). */
  separableByThreshold: boolean;
  /** ROC-AUC of R-Con (correct vs wrong) on these inputs; null when a class is absent. */
  auc: number | null;
}

export interface CoupledRejectionResult {
  xi: number;
  /** Stage 1 keeps Con > conThreshold = 1/(2 − xi). */
  conThreshold: number;
  /** Stage 2 keeps R-Con ≥ rConThreshold = 1/2. */
  rConThreshold: number;
  /** Per input: passes stage 1. */
  passStage1: boolean[];
  /** Per input: R-Con ≥ 1/2 (evaluated for every input, whether or not it passed stage 1). */
  passStage2: boolean[];
  /** Per input: passes both (the prediction is returned). */
  accepted: boolean[];
  counts: {
    total: number;
    correct: number;
    rejectedStage1: number;
    passedStage1: number;
    /** Passed stage 1, rejected by stage 2. */
    rejectedStage2: number;
    accepted: number;
    acceptedCorrect: number;
    acceptedWrong: number;
  };
  /** accepted / total. */
  coverage: number;
  /** acceptedCorrect / accepted (NaN when none is accepted). */
  acceptedAccuracy: number;
  /** How well R-Con = 1/2 separates correct from wrong among the inputs passing stage 1. */
  separation: CoupledSeparation;
  /**
   * Present with options.xiErrorMask: among the inputs that pass stage 1 and are xi-error
   * (`covered`), those breaking Theorem 1's strict claim R-Con(correct) > 1/2 > R-Con(wrong).
   * Theorem 1 says `violations` is 0 (up to rounding exactly at 1/2).
   */
  theorem?: { covered: number; violations: number; violationIndices: number[] };
}

/**
 * The coupled rejector of Theorem 1 (paper 000, Section 4.2, Eq. 7 and Fig. 1): stage 1 keeps the
 * inputs with Con > 1/(2 − xi) (strict, as Eq. 7); stage 2 keeps those with R-Con ≥ 1/2 (Eq. 1 with
 * t = 1/2). Theorem 1: among the inputs passing stage 1 at which A_phi is xi-error, every correct
 * one has R-Con > 1/2 and every wrong one R-Con < 1/2. `con` = f(x)[y_m], `rCon` =
 * f(x)[y_m]·A_phi(x), both in [0, 1]; xi in [0, 1).
 */
export function coupledRejection(
  con: ArrayLike<number>,
  rCon: ArrayLike<number>,
  correct: BinaryLabels,
  xi: number,
  options: CoupledRejectionOptions = {},
): CoupledRejectionResult {
  const fn = 'coupledRejection';
  checkXi(fn, xi);
  const n = checkLengths(fn, options.xiErrorMask ? { con, rCon, correct, xiErrorMask: options.xiErrorMask } : { con, rCon, correct });
  const c = readProbabilities(fn, 'con', con);
  const r = readProbabilities(fn, 'rCon', rCon);
  const ok = readLabels(fn, 'correct', correct);
  const mask = options.xiErrorMask ? readLabels(fn, 'xiErrorMask', options.xiErrorMask) : null;
  const conThreshold = 1 / (2 - xi);
  const half = 0.5;

  const passStage1: boolean[] = new Array(n);
  const passStage2: boolean[] = new Array(n);
  const accepted: boolean[] = new Array(n);
  const counts = { total: n, correct: 0, rejectedStage1: 0, passedStage1: 0, rejectedStage2: 0, accepted: 0, acceptedCorrect: 0, acceptedWrong: 0 };
  const sep: CoupledSeparation = {
    n: 0,
    correctKept: 0,
    correctRejected: 0,
    wrongRejected: 0,
    wrongKept: 0,
    errors: 0,
    accuracy: NaN,
    separated: true,
    minCorrectRCon: NaN,
    maxWrongRCon: NaN,
    separableByThreshold: true,
    auc: null,
  };
  const passedScores: number[] = [];
  const passedLabels: number[] = [];
  let minCorrect = Infinity;
  let maxWrong = -Infinity;
  let covered = 0;
  const violationIndices: number[] = [];
  for (let i = 0; i < n; i++) {
    const s1 = c[i] > conThreshold;
    const s2 = r[i] >= half;
    passStage1[i] = s1;
    passStage2[i] = s2;
    accepted[i] = s1 && s2;
    if (ok[i]) counts.correct++;
    if (!s1) {
      counts.rejectedStage1++;
      continue;
    }
    counts.passedStage1++;
    passedScores.push(r[i]);
    passedLabels.push(ok[i]);
    if (s2) {
      counts.accepted++;
      if (ok[i]) counts.acceptedCorrect++;
      else counts.acceptedWrong++;
    } else counts.rejectedStage2++;
    if (ok[i]) {
      if (s2) sep.correctKept++;
      else sep.correctRejected++;
      minCorrect = Math.min(minCorrect, r[i]);
    } else {
      if (s2) sep.wrongKept++;
      else sep.wrongRejected++;
      maxWrong = Math.max(maxWrong, r[i]);
    }
    if (mask && mask[i]) {
      covered++;
      if (ok[i] ? !(r[i] > half) : !(r[i] < half)) violationIndices.push(i);
    }
  }
  sep.n = counts.passedStage1;
  sep.errors = sep.correctRejected + sep.wrongKept;
  sep.accuracy = sep.n ? (sep.correctKept + sep.wrongRejected) / sep.n : NaN;
  sep.separated = sep.errors === 0;
  sep.minCorrectRCon = minCorrect === Infinity ? NaN : minCorrect;
  sep.maxWrongRCon = maxWrong === -Infinity ? NaN : maxWrong;
  sep.separableByThreshold = maxWrong < minCorrect;
  const passedCorrect = sep.correctKept + sep.correctRejected;
  if (passedCorrect > 0 && passedCorrect < sep.n) sep.auc = rocAuc(passedScores, passedLabels);

  const result: CoupledRejectionResult = {
    xi,
    conThreshold,
    rConThreshold: half,
    passStage1,
    passStage2,
    accepted,
    counts,
    coverage: counts.accepted / n,
    acceptedAccuracy: counts.accepted ? counts.acceptedCorrect / counts.accepted : NaN,
    separation: sep,
  };
  if (mask) result.theorem = { covered, violations: violationIndices.length, violationIndices };
  return result;
}

// ---------------------------------------------------------------------------------------------
// xi-error (Definition 1)
// ---------------------------------------------------------------------------------------------

export interface XiErrorOptions {
  /** Evaluate both bounds at this xi in [0, 1) and report per-input flags. */
  xi?: number;
}

export interface XiErrorResult {
  /** A*(x) = f(x)[y] / f(x)[y_m] (the optimum of L_RR in A_phi; in [0, 1]). */
  aStar: number[];
  /**
   * Smallest xi ≥ 0 satisfying bound (i) (geometric), |log(A/A*)| ≤ log(2/(2 − xi)):
   * 2·(1 − min(A / A*, A* / A)); 0 when A = A* (also 0 = 0), 2 when exactly one of them is 0
   * (no xi satisfies it). Bound (i) holds at xi iff xi ≥ this.
   */
  xiGeometric: number[];
  /** Smallest xi ≥ 0 satisfying bound (ii) (arithmetic), |A − A*| ≤ xi/2: 2·|A − A*|. */
  xiArithmetic: number[];
  /**
   * min(xiGeometric, xiArithmetic): A_phi is xi-error at x for every xi in [xiMin, 1), and for
   * none if xiMin ≥ 1 (Fig. 6 plots this "minimum value satisfying Definition 1"). Since A and A*
   * are both in [0, 1], xiGeometric ≥ xiArithmetic (bound (i) implies bound (ii)), so xiMin equals
   * xiArithmetic up to the PROBABILITY_SLACK allowed on the inputs.
   */
  xiMin: number[];
  /** Inputs with xiMin < 1 (xi-error for some xi in [0, 1)). */
  countXiErrorSomeXi: number;
  /** With options.xi: the xi, each bound as written in Eq. (6), and their disjunction. */
  xi?: number;
  boundGeometric?: boolean[];
  boundArithmetic?: boolean[];
  isXiError?: boolean[];
  countXiError?: number;
}

/**
 * Definition 1 of paper 000 (point-wise xi-error, Eq. 6), which needs the label: A_phi is xi-error
 * at x if at least one of
 *     bound (i)   |log(A_phi(x) / A*(x))| ≤ log(2 / (2 − xi))
 *     bound (ii)  |A_phi(x) − A*(x)|      ≤ xi / 2
 * holds, xi in [0, 1), A*(x) = f(x)[y] / f(x)[y_m]. (In the extracted paper text the fraction
 * numerators are lost; these are the forms for which Theorem 1's proof goes through and the Remark
 * "a random guess A = 1/2 satisfies bound (ii) with xi = 1" holds.) Inputs: `aPhi` = A_phi(x),
 * `fY` = T-Con = f(x)[y], `fYm` = Con = f(x)[y_m] > 0, all in [0, 1], fY ≤ fYm.
 */
export function xiError(
  aPhi: ArrayLike<number>,
  fY: ArrayLike<number>,
  fYm: ArrayLike<number>,
  options: XiErrorOptions = {},
): XiErrorResult {
  const fn = 'xiError';
  if (options.xi !== undefined) checkXi(fn, options.xi);
  const n = checkLengths(fn, { aPhi, fY, fYm });
  const a = readProbabilities(fn, 'aPhi', aPhi);
  const t = readProbabilities(fn, 'fY', fY);
  const m = readProbabilities(fn, 'fYm', fYm);
  const out: XiErrorResult = { aStar: [], xiGeometric: [], xiArithmetic: [], xiMin: [], countXiErrorSomeXi: 0 };
  const xi = options.xi;
  if (xi !== undefined) {
    out.xi = xi;
    out.boundGeometric = [];
    out.boundArithmetic = [];
    out.isXiError = [];
    out.countXiError = 0;
  }
  const logBound = xi === undefined ? NaN : Math.log(2 / (2 - xi));
  for (let i = 0; i < n; i++) {
    if (!(m[i] > 0)) fail(fn, `fYm[${i}] = ${m[i]}: the confidence f(x)[y_m] must be positive`, 'range');
    if (t[i] > m[i]) fail(fn, `fY[${i}] = ${t[i]} exceeds fYm[${i}] = ${m[i]}: fYm must be the largest probability f(x)[y_m]`, 'range');
    const aStar = t[i] / m[i];
    let ratio: number; // min(A / A*, A* / A) in [0, 1]
    if (a[i] === aStar) ratio = 1;
    else if (a[i] === 0 || aStar === 0) ratio = 0;
    else ratio = Math.min(a[i] / aStar, aStar / a[i]);
    const xiG = 2 * (1 - ratio);
    const xiA = 2 * Math.abs(a[i] - aStar);
    const xiMin = Math.min(xiG, xiA);
    out.aStar.push(aStar);
    out.xiGeometric.push(xiG);
    out.xiArithmetic.push(xiA);
    out.xiMin.push(xiMin);
    if (xiMin < 1) out.countXiErrorSomeXi++;
    if (xi !== undefined) {
      // Bound (i) as written; |log(0/0)| is taken as 0 (A = A* = 0), |log(0)| as +Infinity.
      const logRatio = a[i] === aStar ? 0 : Math.abs(Math.log(a[i] / aStar));
      const bG = logRatio <= logBound;
      const bA = Math.abs(a[i] - aStar) <= xi / 2;
      out.boundGeometric!.push(bG);
      out.boundArithmetic!.push(bA);
      out.isXiError!.push(bG || bA);
      if (bG || bA) out.countXiError!++;
    }
  }
  return out;
}
