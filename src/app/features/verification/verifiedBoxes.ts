/**
 * Verification on 2-D data (Baharlouei et al.): the decision regions with each abstain class in its own
 * hatched grey (decisionRegions.ts), the test points, and around each verified test point its
 * eps-box, the l∞ ball B(x, eps), as a square: black where the input is verified (clean output
 * right and every point of the box provably in {y} ∪ A), dashed vermillion where not.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { Dataset2d, GridPrediction } from '../../../core/settings';
import type { BoundResult } from '../../../../workers/protocol';
import { type RegionBytes, abstainTraces, pointTraces, regionBytes, regionLayout } from '../../plots/decisionRegions';
import { showingOf, thinIndices } from '../../plots/thin';
import { type Outline, outlineTrace } from '../../plots/outlines';
import { OUTCOME_RIGHT, OUTCOME_WRONG } from '../../plots/colors';


const DISPLAY = { showTrain: false, showTest: true, colourBySplit: false, arrows: 'none', showGridSplit: false, evalSet: 'test' } as const;

export function verifiedBoxRegion(dataset: Dataset2d | null, grid: GridPrediction | null, abstainClasses: number): RegionBytes | null {
  return regionBytes({ dataset, grid, gridSplit: null, display: DISPLAY, abstainClasses });
}

export function verifiedRegionTraces(dataset: Dataset2d | null, grid: GridPrediction | null): Data[] {
  const traces = [...abstainTraces(grid, dataset?.numClasses ?? 2, true), ...pointTraces({ dataset, evaluation: null, gridSplit: null, display: DISPLAY })];
  return traces;
}

/** How many inputs have a box, and how many of them are drawn. */
export function boxCounts(dataset: Dataset2d | null, result: BoundResult | null, all = false): { total: number; shown: number; caption: string } {
  const total = dataset && result ? Math.min(result.verified.length, dataset.yTest.length) : 0;
  const shown = all ? total : thinIndices(total).length;
  return { total, shown, caption: showingOf(shown, total) };
}

/**
 * The boxes [x ± eps] around the drawn inputs (all, or an evenly spread sample of at most 30), as
 * two line traces that are also the legend entries: verified (solid black) and not (dashed vermillion).
 */
export function verifiedBoxTraces(dataset: Dataset2d | null, eps: number, result: BoundResult | null, all = false): Data[] {
  if (!dataset || !result) return [];
  const ok = result.verified.reduce((a, b) => a + b, 0);
  const total = boxCounts(dataset, result).total;
  const boxes: Record<'yes' | 'no', Outline[]> = { yes: [], no: [] };
  for (const i of thinIndices(total, all ? total : undefined)) boxes[result.verified[i] === 1 ? 'yes' : 'no'].push({ x: dataset.xTest[2 * i], y: dataset.xTest[2 * i + 1], r: eps });
  return [
    outlineTrace('square', boxes.yes, { name: `verified (${ok})`, color: OUTCOME_RIGHT, width: 1, dashed: false }),
    outlineTrace('square', boxes.no, { name: `not verified (${result.verified.length - ok})`, color: OUTCOME_WRONG, width: 1.5, dashed: true }),
  ];
}

export function verifiedBoxLayout(dataset: Dataset2d | null): Layout {
  return { ...regionLayout(dataset?.bounds ?? null, undefined, true), uirevision: 'verified-boxes' } as Layout;
}
