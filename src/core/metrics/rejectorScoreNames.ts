/**
 * The rejector scores of paper 000's comparison as plain data (no tfjs import), for the page.
 * Every score follows Eq. 1's convention: keep the prediction when the score is at least the
 * threshold (higher = keep). The scores themselves are computed in rejectorScores.ts.
 */
import type { ModelHeads } from '../training/rejectionHeadsConfig';

export const REJECTOR_SCORES = ['confidence', 'rcon', 'energy', 'selection'] as const;
export type RejectorScoreName = (typeof REJECTOR_SCORES)[number];

export const REJECTOR_SCORE_LABELS: Record<RejectorScoreName, string> = {
  confidence: 'Confidence (softmax response) max_l f(x)[l]',
  rcon: 'R-Con f(x)[y_m]·A(x) (Pang et al., Eq. 3)',
  energy: 'Energy score logsumexp(z(x)) (= −E(x), Liu et al. 2020)',
  selection: 'SelectiveNet selection g(x)',
};

/** Short names for tables and legends. */
export const REJECTOR_SCORE_SHORT: Record<RejectorScoreName, string> = { confidence: 'Confidence', rcon: 'R-Con', energy: 'Energy', selection: 'Selection g' };

/** The scores a model with these heads provides: confidence and energy always, R-Con with RR's head, selection with SelectiveNet's. */
export function rejectorScoresOf(heads: ModelHeads): RejectorScoreName[] {
  if (heads === 'rr') return ['confidence', 'rcon', 'energy'];
  if (heads === 'selectivenet') return ['confidence', 'energy', 'selection'];
  return ['confidence', 'energy'];
}
