/**
 * The four categories of paper 001's split (Section 3, Eq. 1–3) and their bookkeeping, as plain
 * data (no tfjs import): from labels, clean predictions and predictions at the attack's points.
 */

export const SPLIT_CATEGORIES = ['robustAccurate', 'robustInaccurate', 'nonRobustAccurate', 'nonRobustInaccurate'] as const;
export type SplitCategoryName = (typeof SPLIT_CATEGORIES)[number];
/** Per-input codes are indices into SPLIT_CATEGORIES (0 = robust & accurate, ..., 3 = non-robust & inaccurate). */
export const SPLIT_LABELS: Record<SplitCategoryName, string> = {
  robustAccurate: 'robust & accurate',
  robustInaccurate: 'robust & inaccurate',
  nonRobustAccurate: 'non-robust & accurate',
  nonRobustInaccurate: 'non-robust & inaccurate',
};

export interface RobustnessSplit {
  n: number;
  /** Per input: a SplitCode. */
  categories: Uint8Array;
  /** F(x) per input. */
  predictions: Int32Array;
  /** F(x') at the attack's point per input. */
  adversarialPredictions: Int32Array;
  /** The attack's points, flattened like x. */
  adversarial: Float32Array;
  counts: Record<SplitCategoryName, number>;
  fractions: Record<SplitCategoryName, number>;
  naturalAccuracy: number;
  /** R_acc (Eq. 2). */
  robustAccuracy: number;
  /** R_rob-inacc (Eq. 3). */
  robustInaccuracy: number;
  /** Fraction of inputs whose prediction the attack could not change (accurate or not). */
  robustness: number;
}

/** Builds the split from labels, clean and adversarial predictions. */
export function splitFromPredictions(
  labels: ArrayLike<number>,
  predictions: Int32Array,
  adversarialPredictions: Int32Array,
  adversarial: Float32Array,
): RobustnessSplit {
  const n = predictions.length;
  const categories = new Uint8Array(n);
  const counts: Record<SplitCategoryName, number> = { robustAccurate: 0, robustInaccurate: 0, nonRobustAccurate: 0, nonRobustInaccurate: 0 };
  for (let i = 0; i < n; i++) {
    const accurate = predictions[i] === labels[i];
    const robust = adversarialPredictions[i] === predictions[i];
    const code = robust ? (accurate ? 0 : 1) : accurate ? 2 : 3;
    categories[i] = code;
    counts[SPLIT_CATEGORIES[code]]++;
  }
  const frac = (k: number) => (n ? k / n : NaN);
  const fractions = {
    robustAccurate: frac(counts.robustAccurate),
    robustInaccurate: frac(counts.robustInaccurate),
    nonRobustAccurate: frac(counts.nonRobustAccurate),
    nonRobustInaccurate: frac(counts.nonRobustInaccurate),
  };
  return {
    n,
    categories,
    predictions,
    adversarialPredictions,
    adversarial,
    counts,
    fractions,
    naturalAccuracy: fractions.robustAccurate + fractions.nonRobustAccurate,
    robustAccuracy: fractions.robustAccurate,
    robustInaccuracy: fractions.robustInaccurate,
    robustness: fractions.robustAccurate + fractions.robustInaccurate,
  };
}
