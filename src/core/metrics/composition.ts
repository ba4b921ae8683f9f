/**
 * The robustness-indicator selector and the 2-compositional model of paper 001.
 *
 * Selector (Eq. 12): S(x) = 1 iff F_robust is robust on B(x, eps). A *robust* selection —
 * S(x') = 1 for every x' in B(x, eps) — needs F_robust to be robust on B(x, 2·eps), because every
 * x' in B(x, eps) has B(x', eps) ⊂ B(x, 2·eps) (Section 5, R_rob^sel). So robust selection and
 * robust accuracy of the abstain model are evaluated at 2·eps.
 *
 * Composition (Eq. 15): H(x) = S(x)·F_robust(x) + (1 − S(x))·F_core(x).
 * Natural accuracy of H uses S at eps on the clean input. Robust accuracy of H counts x when S
 * robustly selects x (F_robust robust at 2·eps) and F_robust(x) = y: then H(x') = F_robust(x') =
 * y on all of B(x, eps). Inputs that S does not robustly select are counted as not robust — a
 * conservative (lower-bound) choice: robustness through the core model would need S to abstain
 * robustly, which an attack cannot certify.
 *
 * The authors' code (ymerkli/robust-abstain, eval/comp.py, compositional_accuracy with the 'rob'
 * selector) reports another robust accuracy of H: the mean over inputs of
 * [S·acc_robust + (1 − S)·acc_core] · [S·rob_robust + (1 − S)·rob_core], with S the selector on
 * the clean input at eps and acc/rob each model's own accuracy and robustness at eps. It credits
 * an input that S leaves to a core model that is accurate and robust there, without asking
 * whether S itself stays put on B(x, eps). Reported apart (`authorsRobustAccuracy`), needing the
 * core model's split; it is at least the lower bound above.
 */
import { SPLIT_CATEGORIES, type RobustnessSplit } from './split';

const ROBUST_ACCURATE = SPLIT_CATEGORIES.indexOf('robustAccurate');

export interface CompositionInputs {
  labels: ArrayLike<number>;
  /** Split of the robust model at eps (decides S(x) on clean inputs). */
  robustAtEps: RobustnessSplit;
  /** Split of the robust model at 2·eps (decides robust selection). */
  robustAtTwoEps: RobustnessSplit;
  /** Predictions of the core model on clean inputs. */
  corePredictions: Int32Array;
  /** Split of the core model at eps (for its own robust accuracy). */
  coreAtEps?: RobustnessSplit;
}

export interface ModelMetrics {
  naturalAccuracy: number;
  robustAccuracy: number;
}

export interface CompositionResult {
  /** Per input: 1 if S selects (robust model answers), 0 if it abstains (core model answers). */
  selected: Uint8Array;
  /** Per input: 1 if S robustly selects (robust at 2·eps). */
  robustlySelected: Uint8Array;
  /** Per input: H's prediction on the clean input. */
  predictions: Int32Array;
  /** Fraction of inputs S selects at eps. */
  selectionRate: number;
  /** R_rob^sel: fraction robustly selected (robust at 2·eps). */
  robustSelection: number;
  /** Among robustly selected inputs, the fraction robust and accurate (R_rob^acc of the abstain model). */
  selectedRobustAccuracy: number;
  composition: ModelMetrics;
  /** H's robust accuracy as the authors' code computes it (see above); null without the core model's split. */
  authorsRobustAccuracy: number | null;
  robustModel: ModelMetrics;
  coreModel: ModelMetrics | { naturalAccuracy: number; robustAccuracy: null };
}

export function composeModels(inputs: CompositionInputs): CompositionResult {
  const { labels, robustAtEps, robustAtTwoEps, corePredictions, coreAtEps } = inputs;
  const n = labels.length;
  if (robustAtEps.n !== n || robustAtTwoEps.n !== n || corePredictions.length !== n) {
    throw new Error('composeModels: all inputs must describe the same points');
  }
  const selected = new Uint8Array(n);
  const robustlySelected = new Uint8Array(n);
  const predictions = new Int32Array(n);
  let nSel = 0;
  let nRobSel = 0;
  let nRobSelAcc = 0;
  let nCorrect = 0;
  let coreCorrect = 0;
  if (coreAtEps && coreAtEps.n !== n) throw new Error('composeModels: all inputs must describe the same points');
  let authorsCredited = 0;
  for (let i = 0; i < n; i++) {
    const s = robustAtEps.adversarialPredictions[i] === robustAtEps.predictions[i];
    // Robust at 2·eps implies robust at eps; two separate attacks can disagree, so require both.
    const rs = s && robustAtTwoEps.adversarialPredictions[i] === robustAtTwoEps.predictions[i];
    selected[i] = s ? 1 : 0;
    robustlySelected[i] = rs ? 1 : 0;
    predictions[i] = s ? robustAtEps.predictions[i] : corePredictions[i];
    nSel += s ? 1 : 0;
    nRobSel += rs ? 1 : 0;
    if (rs && robustAtTwoEps.predictions[i] === labels[i]) nRobSelAcc++;
    if (predictions[i] === labels[i]) nCorrect++;
    if (corePredictions[i] === labels[i]) coreCorrect++;
    // Robust and accurate at eps (code 0 of the split): the robust model where S selects, else the core model.
    if (coreAtEps && (s ? robustAtEps.categories[i] : coreAtEps.categories[i]) === ROBUST_ACCURATE) authorsCredited++;
  }
  return {
    selected,
    robustlySelected,
    predictions,
    selectionRate: nSel / n,
    robustSelection: nRobSel / n,
    selectedRobustAccuracy: nRobSel ? nRobSelAcc / nRobSel : NaN,
    composition: { naturalAccuracy: nCorrect / n, robustAccuracy: nRobSelAcc / n },
    authorsRobustAccuracy: coreAtEps ? authorsCredited / n : null,
    robustModel: { naturalAccuracy: robustAtEps.naturalAccuracy, robustAccuracy: robustAtEps.robustAccuracy },
    coreModel: coreAtEps
      ? { naturalAccuracy: coreAtEps.naturalAccuracy, robustAccuracy: coreAtEps.robustAccuracy }
      : { naturalAccuracy: coreCorrect / n, robustAccuracy: null },
  };
}
