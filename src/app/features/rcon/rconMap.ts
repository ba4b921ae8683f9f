/**
 * R-Con over the 2-D plane (Pang et al. on toy data): the rejector's score at every grid cell, at
 * the chosen temperature, with the contour R-Con = 1/2 where Theorem 1's second stage switches.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { Dataset2d } from '../../../core/settings';
import type { RConGridView } from '../../../../workers/protocol';
import { axis, pointsByClass, regionLayout, rows } from '../../plots/decisionRegions';
import { readScores } from './rconScores';

export function rconMapTraces(grid: RConGridView, temperature: number, dataset: Dataset2d | null): Data[] {
  const { rCon } = readScores(grid.logits, grid.aux, grid.numClasses, temperature);
  const x = axis(grid.bounds.xMin, grid.bounds.xMax, grid.resolution);
  const y = axis(grid.bounds.yMin, grid.bounds.yMax, grid.resolution);
  const z = rows(rCon!, grid.resolution, (v) => v);
  const traces: Data[] = [
    { type: 'heatmap', x, y, z, zmin: 0, zmax: 1, colorscale: 'RdBu', reversescale: false, colorbar: { title: { text: 'R-Con' }, len: 0.8 }, name: 'R-Con', hovertemplate: '(%{x:.2f}, %{y:.2f}): R-Con %{z:.3f}<extra></extra>' },
    { type: 'contour', x, y, z, showscale: false, contours: { start: 0.5, end: 0.5, size: 1, coloring: 'none' }, line: { color: '#000', width: 2 }, name: 'R-Con = 1/2', hoverinfo: 'skip' },
  ];
  if (dataset) traces.push(...pointsByClass(dataset.xTest, dataset.yTest, dataset.numClasses, 'test', 'diamond', '#000000'));
  return traces;
}

export function rconMapLayout(grid: RConGridView): Layout {
  return { ...regionLayout(grid.bounds, undefined, true), height: 420, uirevision: 'rconmap' };
}
