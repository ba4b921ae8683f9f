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
import { OUTCOME_RIGHT, OUTCOME_WRONG } from '../../plots/colors';


const DISPLAY = { showTrain: false, showTest: true, colourBySplit: false, arrows: 'none', showGridSplit: false, evalSet: 'test' } as const;

export function verifiedBoxRegion(dataset: Dataset2d | null, grid: GridPrediction | null, abstainClasses: number): RegionBytes | null {
  return regionBytes({ dataset, grid, gridSplit: null, display: DISPLAY, abstainClasses });
}

export function verifiedBoxTraces(dataset: Dataset2d | null, grid: GridPrediction | null, result: BoundResult | null): Data[] {
  const traces = [...abstainTraces(grid, dataset?.numClasses ?? 2, true), ...pointTraces({ dataset, evaluation: null, gridSplit: null, display: DISPLAY })];
  if (result) {
    const ok = result.verified.reduce((a, b) => a + b, 0);
    // Legend entries for the two kinds of box (the boxes themselves are layout shapes).
    traces.push({ type: 'scatter', mode: 'lines', x: [null], y: [null], name: `verified (${ok})`, line: { color: OUTCOME_RIGHT } } as Data);
    traces.push({ type: 'scatter', mode: 'lines', x: [null], y: [null], name: `not verified (${result.verified.length - ok})`, line: { color: OUTCOME_WRONG, dash: 'dash' } } as Data);
  }
  return traces;
}

/** How many inputs have a box, and how many of them are drawn. */
export function boxCounts(dataset: Dataset2d | null, result: BoundResult | null, all = false): { total: number; shown: number; caption: string } {
  const total = dataset && result ? Math.min(result.verified.length, dataset.yTest.length) : 0;
  const shown = all ? total : thinIndices(total).length;
  return { total, shown, caption: showingOf(shown, total) };
}

/** One square per drawn input (all, or an evenly spread sample of at most 30): the box [x ± eps] around test point i. */
export function verifiedBoxShapes(dataset: Dataset2d | null, eps: number, result: BoundResult | null, all = false): Array<Record<string, unknown>> {
  if (!dataset || !result) return [];
  const total = boxCounts(dataset, result).total;
  return thinIndices(total, all ? total : undefined).map((i) => {
    const x = dataset.xTest[2 * i];
    const y = dataset.xTest[2 * i + 1];
    const ok = result.verified[i] === 1;
    const color = ok ? OUTCOME_RIGHT : OUTCOME_WRONG;
    return { type: 'rect', xref: 'x', yref: 'y', x0: x - eps, x1: x + eps, y0: y - eps, y1: y + eps, line: { color, width: ok ? 1 : 1.5, dash: ok ? 'solid' : 'dash' }, layer: 'above' };
  });
}

export function verifiedBoxLayout(dataset: Dataset2d | null, eps: number, result: BoundResult | null, all = false): Layout {
  return { ...regionLayout(dataset?.bounds ?? null, undefined, true), shapes: verifiedBoxShapes(dataset, eps, result, all), uirevision: 'verified-boxes' } as Layout;
}
