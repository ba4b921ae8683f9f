/**
 * A rejector of paper 000's evaluation on the abstain arena's footing (metrics/abstainOutcomes.ts):
 * the rejector as deployed, one threshold set on the clean inputs (keep the share `tpr` of the
 * correctly classified ones, the authors' TPR-95 rule) and then held fixed under every attack.
 * (The paper's own TPR-95 accuracy sets a new threshold on each attacked set; that is reported
 * beside it in rconRejectionMetrics.ts.) The attacked sets are grouped by threat model (norm and
 * eps); within a group an input counts as robust only if it survives every attack of the group.
 *
 * Decisions: the prediction where the score keeps the input, abstain where it rejects it. An input
 * whose output is not finite (rejectNonFinite) answers nothing on a clean input, and counts as a
 * wrong answer at an attack's point: a non-finite output under attack is not a detection.
 */
import { abstainOutcomes } from '../metrics/abstainOutcomes';
import { ABSTAIN_DECISION, type RejectorFooting } from '../metrics/abstainMeasures';

export type { RejectorFooting } from '../metrics/abstainMeasures';
import { tprAccuracy } from '../metrics/selective';
import type { RejectionEvaluation, ScoredSet } from './rconRejectionMetrics';

/**
 * Each score's footing, or an empty list without a clean set or without a correctly classified
 * clean input (then no threshold exists).
 */
export function rejectorFooting(ev: Pick<RejectionEvaluation, 'numClasses' | 'scoreNames' | 'tpr' | 'sets'>): RejectorFooting[] {
  const clean = ev.sets.find((s) => !s.adversarial);
  if (!clean || !clean.correct.some((c) => c === 1)) return [];
  // Decisions are compared with a symbolic label K (no class has that index): a kept, correct
  // input decides K; a kept, wrong one its (wrong) class; a rejected one abstains.
  const K = ev.numClasses;
  const NON_FINITE = K + 1;
  const groups = new Map<string, ScoredSet[]>();
  for (const s of ev.sets) {
    if (!s.adversarial) continue;
    const key = `${s.setting.norm} ${s.setting.eps}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const labels = new Int32Array(clean.predictions.length).fill(K);
  return ev.scoreNames.flatMap((score) => {
    const cleanScores = clean.scores[score];
    if (!cleanScores) return [];
    const { threshold, keepRule } = tprAccuracy(cleanScores, clean.correct, ev.tpr);
    const kept = (v: number) => (keepRule === '>' ? v > threshold : v >= threshold);
    const decisions = (set: ScoredSet, nonFinite: number) => {
      const scores = set.scores[score]!;
      return Int32Array.from(set.predictions, (p, i) => (p < 0 ? nonFinite : !kept(scores[i]) ? ABSTAIN_DECISION : set.correct[i] ? K : p));
    };
    const cleanDecisions = decisions(clean, ABSTAIN_DECISION);
    const threats = [...groups.values()].map((sets) => ({
      norm: sets[0].setting.norm,
      eps: sets[0].setting.eps,
      sets: sets.map((s) => s.id),
      outcomes: abstainOutcomes({ labels, clean: cleanDecisions, attacked: sets.map((s) => decisions(s, NON_FINITE)) }),
    }));
    return [{ score, threshold, keepRule, tpr: ev.tpr, threats }];
  });
}
