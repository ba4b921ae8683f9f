/**
 * The smoothed classifier on 2-D data: its decision regions from PREDICT on every grid cell
 * (abstain in grey), the test points, and each certified test point's radius as a circle around
 * it (green: certified and correct; red: certified but wrong — a robust misclassification).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { CertificationRow, Dataset2d } from '../../../core/settings';
import type { SmoothedGridView } from '../../../../workers/protocol';
import { CLASS_COLORS } from '../../plots/colors';
import { categoryHeatmap, pointsByClass, regionLayout } from '../../plots/decisionRegions';

export const ABSTAIN_GREY = '#b0b0b0';

/** Values −1 (abstain), 0 … K−1: abstain in grey, each class in its colour. */
const smoothedHeatmap = (view: SmoothedGridView, numClasses: number): Data =>
  categoryHeatmap(view.bounds, view.resolution, view.predictions, 1, [ABSTAIN_GREY, ...CLASS_COLORS.slice(0, numClasses)], 'smoothed regions');

export function smoothedRegionTraces(dataset: Dataset2d | null, grid: SmoothedGridView | null, certified: CertificationRow[] | null): Data[] {
  const traces: Data[] = [];
  const k = dataset?.numClasses ?? 3;
  if (grid) traces.push(smoothedHeatmap(grid, k));
  if (dataset) traces.push(...pointsByClass(dataset.xTest, dataset.yTest, k, 'test', 'diamond', '#000000'));
  // A legend entry for the abstain colour and for the two kinds of circle.
  traces.push({ type: 'scatter', mode: 'markers', x: [null], y: [null], name: 'abstain (grey)', marker: { color: ABSTAIN_GREY, size: 10, symbol: 'square' } } as Data);
  if (certified?.length) {
    traces.push({ type: 'scatter', mode: 'lines', x: [null], y: [null], name: 'certified radius, correct', line: { color: '#1b7f2a' } } as Data);
    traces.push({ type: 'scatter', mode: 'lines', x: [null], y: [null], name: 'certified radius, wrong', line: { color: '#d62728' } } as Data);
  }
  return traces;
}

/** Circles of the certified radius around each certified test point. */
export function radiusShapes(dataset: Dataset2d | null, certified: CertificationRow[] | null): Array<Record<string, unknown>> {
  if (!dataset || !certified) return [];
  const shapes: Array<Record<string, unknown>> = [];
  for (const row of certified) {
    const r = row.radius ?? 0;
    if (row.predict < 0 || r <= 0 || row.idx >= dataset.yTest.length) continue;
    const x = dataset.xTest[2 * row.idx];
    const y = dataset.xTest[2 * row.idx + 1];
    shapes.push({ type: 'circle', xref: 'x', yref: 'y', x0: x - r, x1: x + r, y0: y - r, y1: y + r, line: { color: row.correct ? '#1b7f2a' : '#d62728', width: 1 }, layer: 'above' });
  }
  return shapes;
}

export function smoothedRegionLayout(dataset: Dataset2d | null, certified: CertificationRow[] | null): Layout {
  return { ...regionLayout(dataset?.bounds ?? null, undefined, true), shapes: radiusShapes(dataset, certified), height: 460 };
}
