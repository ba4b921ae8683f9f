/**
 * One footing for every way of abstaining: the measures the abstain arena reports for each model,
 * from per-input decisions alone, so that a plain classifier, an abstaining one (a selector, a
 * rejector's threshold, abstain classes, a smoothed classifier's abstention) and its paper's own
 * measure are counted by one rule. A decision is a class index or ABSTAIN (−1).
 *
 * Per input with label y, clean decision c and the decisions a_1..a_J at the points of the J
 * attacks run on it (the strongest attack is the worst case per input: an input survives only if
 * it survives every attack):
 *  - clean accuracy: c = y;  clean abstention: c = ⊥;  accuracy on accepted: c = y among c ≠ ⊥;
 *  - robust accuracy (paper 001, Eq. 2, with abstention): c = y and every a_j = y — right, and
 *    the attacks could neither change nor withdraw the answer;
 *  - robust inaccuracy (paper 001, Eq. 3, with abstention): c ∉ {y, ⊥} and every a_j = c — a
 *    wrong answer the attacks could not move, not even to an abstention;
 *  - robust error with abstention as success (paper 004): not [c = y and every a_j ∈ {y, ⊥}] —
 *    an attack that only makes the model abstain has failed, a clean error or abstention counts.
 * The attacks should push away from the model's own clean answer (the label where it is right or
 * abstains, the wrong class where it is wrong), as paper 001's robustness is about the prediction
 * staying put; the arena's attacks do. An attack's point stands for B(x, eps) only as far as the attack found the worst of it: these
 * are empirical (upper bounds on robust accuracy, lower bounds on robust error). Certified and
 * verified shares come from the certificates themselves; `share` gives them the same interval.
 *
 * Each share has its 95% Clopper–Pearson interval (two-sided: each bound at 2.5%), the
 * uncertainty of the test set's size, not of the attack's strength.
 */
import { clopperPearsonLower, clopperPearsonUpper } from '../certify/stats';
import { ABSTAIN_DECISION, type AbstainOutcomes, type Share } from './abstainMeasures';

export { ABSTAIN_DECISION, ABSTAIN_MEASURES, ABSTAIN_MEASURE_DEFINITIONS, type AbstainOutcomes, type Share } from './abstainMeasures';

const ALPHA_EACH_SIDE = 0.025;

/** k of n with its 95% Clopper–Pearson interval. */
export function share(k: number, n: number): Share {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new Error(`share: k and n must be whole numbers with 0 ≤ k ≤ n (got k = ${k}, n = ${n})`);
  if (n === 0) return { k, n, value: NaN, lower: NaN, upper: NaN };
  return { k, n, value: k / n, lower: clopperPearsonLower(k, n, ALPHA_EACH_SIDE), upper: clopperPearsonUpper(k, n, ALPHA_EACH_SIDE) };
}

export interface AbstainDecisions {
  labels: ArrayLike<number>;
  /** The model's decision on each clean input (a class, or ABSTAIN_DECISION). */
  clean: ArrayLike<number>;
  /** Per attack, the model's decision at that attack's point for each input (same order). */
  attacked: ArrayLike<number>[];
}


/** The measures above from per-input decisions; throws, naming the argument, on mismatched lengths or non-integer decisions. */
export function abstainOutcomes(d: AbstainDecisions): AbstainOutcomes {
  const n = d.labels.length;
  if (d.clean.length !== n) throw new Error(`abstainOutcomes: clean has ${d.clean.length} decisions for ${n} labels`);
  d.attacked.forEach((a, j) => {
    if (a.length !== n) throw new Error(`abstainOutcomes: attacked[${j}] has ${a.length} decisions for ${n} labels`);
  });
  const isDecision = (v: number) => Number.isInteger(v) && v >= ABSTAIN_DECISION;
  let correct = 0;
  let abstained = 0;
  let robustAccurate = 0;
  let robustInaccurate = 0;
  let robustSafe = 0;
  for (let i = 0; i < n; i++) {
    const y = d.labels[i];
    if (!(Number.isInteger(y) && y >= 0)) throw new Error(`abstainOutcomes: labels[${i}] is ${y}, not a class index (a whole number ≥ 0)`);
    const c = d.clean[i];
    if (!isDecision(c)) throw new Error(`abstainOutcomes: clean[${i}] is ${c}, not a class index or ${ABSTAIN_DECISION} (abstain)`);
    let allEqualC = true;
    let allSafe = true;
    for (const [j, a] of d.attacked.entries()) {
      const v = a[i];
      if (!isDecision(v)) throw new Error(`abstainOutcomes: attacked[${j}][${i}] is ${v}, not a class index or ${ABSTAIN_DECISION} (abstain)`);
      if (v !== c) allEqualC = false;
      if (v !== y && v !== ABSTAIN_DECISION) allSafe = false;
    }
    if (c === y) correct++;
    if (c === ABSTAIN_DECISION) abstained++;
    if (c === y && allEqualC) robustAccurate++;
    if (c !== y && c !== ABSTAIN_DECISION && allEqualC) robustInaccurate++;
    if (c === y && allSafe) robustSafe++;
  }
  return {
    cleanAccuracy: share(correct, n),
    cleanAbstention: share(abstained, n),
    acceptedAccuracy: share(correct, n - abstained),
    robustAccuracy: share(robustAccurate, n),
    robustInaccuracy: share(robustInaccurate, n),
    robustErrorAbstainSuccess: share(n - robustSafe, n),
  };
}
