/**
 * Theorem 1's coupled rejector (Con, then R-Con) and Definition 1's xi-error of paper 000.
 */
import { rocAuc } from './roc';
import { type BinaryLabels, checkLengths, checkXi, fail, readLabels, readProbabilities } from './selectiveInputs';

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
