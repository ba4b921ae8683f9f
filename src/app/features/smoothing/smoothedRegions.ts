/**
 * The smoothed classifier on 2-D data: its decision regions from PREDICT on every grid cell
 * (abstain in grey), the test points, and each certified test point's radius as a circle around
 * it (solid black: certified and correct; dashed vermillion: certified but wrong — a robust
 * misclassification).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { CertificationRow, Dataset2d } from '../../../core/settings';
import type { SmoothedGridView } from '../../../../workers/protocol';
import { CLASS_COLORS, OUTCOME_RIGHT, OUTCOME_WRONG } from '../../plots/colors';
import { type RegionBytes, categoryRegionBytes, pointsByClass, regionLayout } from '../../plots/decisionRegions';
import { showingOf, thinIndices } from '../../plots/thin';
import { type Outline, outlineTrace } from '../../plots/outlines';

export const ABSTAIN_GREY = '#b0b0b0';

/** Values −1 (abstain), 0 … K−1: abstain in grey, each class in its colour. */
export const smoothedRegion = (view: SmoothedGridView | null, numClasses: number): RegionBytes | null =>
  view ? categoryRegionBytes(view.bounds, view.resolution, view.predictions, 1, [ABSTAIN_GREY, ...CLASS_COLORS.slice(0, numClasses)], 0.45) : null;

export function smoothedRegionTraces(dataset: Dataset2d | null, certified: CertificationRow[] | null): Data[] {
  const traces: Data[] = [];
  const k = dataset?.numClasses ?? 3;
  if (dataset) traces.push(...pointsByClass(dataset.xTest, dataset.yTest, k, 'test', 'diamond', '#000000'));
  // A legend entry for the abstain colour.
  traces.push({ type: 'scatter', mode: 'markers', x: [null], y: [null], name: 'abstain (grey)', marker: { color: ABSTAIN_GREY, size: 10, symbol: 'square' } } as Data);
  if (certified?.length) traces.push(...radiusTraces(dataset, certified));
  return traces;
}

/** The certified test points with a positive radius (those that get a circle). */
function circled(dataset: Dataset2d | null, certified: CertificationRow[] | null): CertificationRow[] {
  if (!dataset || !certified) return [];
  return certified.filter((row) => row.predict >= 0 && (row.radius ?? 0) > 0 && row.idx < dataset.yTest.length);
}

/** "showing 30 of 120" when only a sample of the circles is drawn. */
export function radiusCaption(dataset: Dataset2d | null, certified: CertificationRow[] | null): string {
  const all = circled(dataset, certified);
  return showingOf(thinIndices(all.length).length, all.length);
}

/**
 * Circles of the certified radius around an evenly spread sample (at most 30) of the certified
 * test points, as two line traces (also the legend entries): correct and wrong.
 */
function radiusTraces(dataset: Dataset2d | null, certified: CertificationRow[]): Data[] {
  const all = circled(dataset, certified);
  const circles: Record<'right' | 'wrong', Outline[]> = { right: [], wrong: [] };
  for (const row of thinIndices(all.length).map((i) => all[i])) circles[row.correct ? 'right' : 'wrong'].push({ x: dataset!.xTest[2 * row.idx], y: dataset!.xTest[2 * row.idx + 1], r: row.radius ?? 0 });
  return [
    outlineTrace('circle', circles.right, { name: 'certified radius, correct', color: OUTCOME_RIGHT, width: 1, dashed: false }),
    outlineTrace('circle', circles.wrong, { name: 'certified radius, wrong', color: OUTCOME_WRONG, width: 1.5, dashed: true }),
  ];
}

export function smoothedRegionLayout(dataset: Dataset2d | null): Layout {
  return { ...regionLayout(dataset?.bounds ?? null, undefined, true), height: 460 };
}
