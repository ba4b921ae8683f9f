/**
 * The evaluation of paper 001 that `evaluate` runs on 2-D points and on images alike: the split
 * of the robust model at eps, the robustness-indicator selector S (select x iff the model is
 * robust on B(x, eps)) with its robust selection at 2·eps, and with a core model the
 * 2-compositional model H = S·F_robust + (1 − S)·F_core, through the core's composeModels.
 * The caller supplies how to split its inputs (points or images) at a multiple of eps.
 */
import { type CompositionResult, type RobustnessSplit, composeModels } from '../core';
import { type SplitLike, categoryNames, splitMetrics, status } from './session';

export interface SelectorRuns<S extends SplitLike> {
  atEps: S;
  atTwoEps: S;
  coreAtEps?: S;
  /** F_core on the clean inputs (-1, never a label, without a core model: H abstains). */
  corePredictions: Int32Array;
  composed: CompositionResult;
  hasCore: boolean;
}

/** Splits under `model` ('robust' or 'core') at eps·epsScale; `label` is for the progress line. */
export type SplitAt<S> = (model: 'robust' | 'core', epsScale: number, label: string) => Promise<S>;

export async function runSelector<S extends SplitLike>(labels: ArrayLike<number>, attack: { kind: string; eps: number }, split: SplitAt<S>, hasCore: boolean): Promise<SelectorRuns<S>> {
  const atEps = await split('robust', 1, `robust model, ${attack.kind} eps ${attack.eps}`);
  const atTwoEps = await split('robust', 2, `robust model, ${attack.kind} eps ${2 * attack.eps} (2·eps)`);
  let coreAtEps: S | undefined;
  let corePredictions: Int32Array;
  if (hasCore) {
    coreAtEps = await split('core', 1, `core model, ${attack.kind} eps ${attack.eps}`);
    corePredictions = coreAtEps.predictions;
  } else {
    corePredictions = new Int32Array(labels.length).fill(-1);
  }
  // composeModels reads the predictions and accuracies only, not the adversarial points.
  const full = (s: S): RobustnessSplit => ({ adversarial: new Float32Array(0), ...s });
  const composed = composeModels({
    labels,
    robustAtEps: full(atEps),
    robustAtTwoEps: full(atTwoEps),
    corePredictions,
    coreAtEps: coreAtEps && full(coreAtEps),
  });
  return { atEps, atTwoEps, coreAtEps, corePredictions, composed, hasCore };
}

export function selectorSummary(r: SelectorRuns<SplitLike>) {
  return {
    selectionRate: r.composed.selectionRate,
    abstentionRate: 1 - r.composed.selectionRate,
    robustSelection: r.composed.robustSelection,
    selectedRobustAccuracy: r.composed.selectedRobustAccuracy,
  };
}

/** The metrics of the result JSON. */
export function selectorMetrics(r: SelectorRuns<SplitLike>) {
  const c = r.composed;
  return {
    atEps: splitMetrics(r.atEps),
    atTwoEps: splitMetrics(r.atTwoEps),
    selector: selectorSummary(r),
    // Without a core model: F_robust with S, abstaining elsewhere (abstaining = not correct).
    abstainModel: r.hasCore ? undefined : c.composition,
    composition: r.hasCore ? { composition: c.composition, authorsRobustAccuracy: c.authorsRobustAccuracy, robustModel: c.robustModel, coreModel: c.coreModel, coreAtEps: splitMetrics(r.coreAtEps!) } : undefined,
  };
}

/** Per-input columns (same order as the inputs). */
export function selectorColumns(r: SelectorRuns<SplitLike>) {
  return {
    categoriesAtEps: categoryNames(r.atEps),
    categoriesAtTwoEps: categoryNames(r.atTwoEps),
    selected: Array.from(r.composed.selected),
    robustlySelected: Array.from(r.composed.robustlySelected),
    corePredictions: r.hasCore ? Array.from(r.corePredictions) : undefined,
    compositionPredictions: r.hasCore ? Array.from(r.composed.predictions) : undefined,
  };
}

/** The summary lines on stderr. */
export function logSelector(r: SelectorRuns<SplitLike>, eps: number): void {
  const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);
  const s = selectorSummary(r);
  const c = r.composed;
  status.log(
    `robust model at eps ${eps}: natural ${pct(r.atEps.naturalAccuracy)}, robust acc ${pct(r.atEps.robustAccuracy)}, robust inacc ${pct(r.atEps.robustInaccuracy)}; ` +
      `selector: selects ${pct(s.selectionRate)}, robustly (2·eps) ${pct(s.robustSelection)}`,
  );
  if (r.hasCore) {
    status.log(
      `composition: natural ${pct(c.composition.naturalAccuracy)}, robust ${pct(c.composition.robustAccuracy)} (lower bound; the authors' measure ${pct(c.authorsRobustAccuracy)}); ` +
        `core alone: natural ${pct(c.coreModel.naturalAccuracy)}, robust ${pct(c.coreModel.robustAccuracy)}`,
    );
  }
}
