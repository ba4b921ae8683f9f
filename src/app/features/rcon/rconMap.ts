/**
 * R-Con over the 2-D plane (Pang et al. on toy data): the rejector's score at every grid cell, at
 * the chosen temperature, painted as one image (vermillion where R-Con is low and the input would
 * be rejected, white at 1/2, blue where it is high), with the level line R-Con = 1/2 where
 * Theorem 1's second stage switches, and the test points.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { Dataset2d } from '../../../core/settings';
import type { RConGridView } from '../../../../workers/protocol';
import { pointsByClass, regionLayout, type RegionBytes } from '../../plots/decisionRegions';
import { gridRgba, mix, rgbOf } from '../../plots/regionImage';
import { levelSegments } from '../../plots/levelLine';
import { readScores } from './rconScores';

/** The diverging scale: R-Con 0, 1/2 and 1 (apart under every colour-vision deficiency). */
const LOW = '#d55e00';
const MID = '#f7f7f7';
const HIGH = '#0072b2';
const LOW_RGB = rgbOf(LOW);
const MID_RGB = rgbOf(MID);
const HIGH_RGB = rgbOf(HIGH);

/** The scale as a CSS gradient, for the colour key drawn beside the plot (an image has no colour bar). */
export const RCON_GRADIENT = `linear-gradient(to right, ${LOW}, ${MID}, ${HIGH})`;

export interface RconMap {
  rCon: Float32Array;
  region: RegionBytes;
  traces: Data[];
}

/** R-Con's colour: LOW at 0, MID at 1/2, HIGH at 1. */
export function rconColor(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  return t < 0.5 ? mix(LOW_RGB, MID_RGB, 2 * t) : mix(MID_RGB, HIGH_RGB, 2 * t - 1);
}

export function rconMap(grid: RConGridView, temperature: number, dataset: Dataset2d | null): RconMap {
  const { rCon } = readScores(grid.logits, grid.aux, grid.numClasses, temperature);
  const values = rCon!;
  const n = grid.resolution;
  const region: RegionBytes = { rgba: gridRgba(n, (i) => [...rconColor(values[i]), 255] as const), n, bounds: grid.bounds, opacity: 0.85 };
  const line = levelSegments(values, n, grid.bounds, 0.5);
  const traces: Data[] = [
    { type: 'scatter', mode: 'lines', x: line.x, y: line.y, connectgaps: false, line: { color: '#000', width: 2 }, name: 'R-Con = 1/2', hoverinfo: 'skip' } as Data,
  ];
  if (dataset) traces.push(...pointsByClass(dataset.xTest, dataset.yTest, dataset.numClasses, 'test', 'diamond', '#000000'));
  return { rCon: values, region, traces };
}

/** The hover text of the plane at (x, y): R-Con of the nearest grid cell. */
export function rconAt(grid: RConGridView, rCon: Float32Array, x: number, y: number): string | null {
  const { bounds, resolution: n } = grid;
  const c = Math.round(((x - bounds.xMin) / (bounds.xMax - bounds.xMin)) * (n - 1));
  const r = Math.round(((y - bounds.yMin) / (bounds.yMax - bounds.yMin)) * (n - 1));
  if (c < 0 || r < 0 || c >= n || r >= n) return null;
  return `(${x.toFixed(2)}, ${y.toFixed(2)}): R-Con ${rCon[r * n + c].toFixed(3)}`;
}

export function rconMapLayout(grid: RConGridView): Layout {
  return { ...regionLayout(grid.bounds, undefined, true), height: 420, uirevision: 'rconmap' };
}
