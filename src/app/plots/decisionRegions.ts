/**
 * Maps a model's grid predictions, the data and the 4-way split to plotly traces: the decision
 * regions (class hue, lighter where the model is less confident; paper 004's abstain outputs in
 * hatched greys of their own), the training and test points,
 * the robustness view (points — and optionally grid cells — coloured by their category) and
 * arrows from clean to adversarial points.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { type Bounds2d, type Dataset2d, type GridPrediction, SPLIT_CATEGORIES, SPLIT_LABELS } from '../../core/settings';
import type { EvaluationView, GridSplitView } from '../../../workers/protocol';
import type { DisplayOptions } from '../state/store';
import { CLASS_COLORS, SPLIT_COLORS, SPLIT_SYMBOLS, outputColor } from './colors';

export interface RegionInputs {
  dataset: Dataset2d | null;
  grid: GridPrediction | null;
  evaluation: EvaluationView | null;
  gridSplit: GridSplitView | null;
  display: DisplayOptions;
  /** M, the model's abstain outputs (paper 004); shown in their own hatched greys. */
  abstainClasses?: number;
}

export function axis(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function rows<T>(values: ArrayLike<number>, n: number, map: (v: number, i: number) => T): T[][] {
  const out: T[][] = [];
  for (let r = 0; r < n; r++) {
    const row: T[] = new Array(n);
    for (let c = 0; c < n; c++) row[c] = map(values[r * n + c], r * n + c);
    out.push(row);
  }
  return out;
}

/** K + M: the outputs the grid can show (M from the caller, or the highest output index seen). */
function outputsOf(grid: GridPrediction, numClasses: number, abstainClasses = 0): number {
  let max = numClasses + abstainClasses - 1;
  for (let i = 0; i < grid.classes.length; i++) if (grid.classes[i] > max) max = grid.classes[i];
  return max + 1;
}

/** Class hue per cell, lighter where less confident; abstain outputs (index ≥ K) in their own greys. */
function classHeatmap(grid: GridPrediction, numClasses: number, abstainClasses = 0): Data {
  const k = outputsOf(grid, numClasses, abstainClasses);
  const colorscale: Array<[number, string]> = [];
  for (let c = 0; c < k; c++) {
    colorscale.push([c / k, outputColor(c, numClasses, true)], [(c + 1) / k - 1e-6, outputColor(c, numClasses)]);
  }
  colorscale[colorscale.length - 1][0] = 1;
  const x = axis(grid.bounds.xMin, grid.bounds.xMax, grid.resolution);
  const y = axis(grid.bounds.yMin, grid.bounds.yMax, grid.resolution);
  const z = rows(grid.classes, grid.resolution, (cls, i) => cls + 0.999 * Math.max(0, (grid.confidence[i] - 1 / k) / (1 - 1 / k)));
  return {
    type: 'heatmap', x, y, z, zmin: 0, zmax: k, colorscale, showscale: false, opacity: 0.55,
    hoverinfo: 'skip', name: 'decision regions', zsmooth: false,
  };
}

/**
 * Diagonal hatch marks over the cells whose output is an abstain class (paper 004), in that
 * class's colour on a sparse lattice, so abstain regions read as hatched; one legend entry each.
 */
function abstainHatch(grid: GridPrediction, numClasses: number): Data[] {
  const n = grid.resolution;
  const step = Math.max(1, Math.round(n / 30));
  const x = axis(grid.bounds.xMin, grid.bounds.xMax, n);
  const y = axis(grid.bounds.yMin, grid.bounds.yMax, n);
  const byClass = new Map<number, { px: number[]; py: number[] }>();
  for (let r = 0; r < n; r += step) {
    for (let c = (r / step) % 2 ? Math.floor(step / 2) : 0; c < n; c += step) {
      const cls = grid.classes[r * n + c];
      if (cls < numClasses) continue;
      if (!byClass.has(cls)) byClass.set(cls, { px: [], py: [] });
      byClass.get(cls)!.px.push(x[c]);
      byClass.get(cls)!.py.push(y[r]);
    }
  }
  return [...byClass.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cls, p]) => ({
      type: 'scatter', mode: 'markers', x: p.px, y: p.py, name: `abstain a${cls - numClasses + 1}`, legendgroup: 'abstain',
      marker: { symbol: 'line-ne', size: 9, color: outputColor(cls, numClasses), line: { color: outputColor(cls, numClasses), width: 1.5 } },
      hoverinfo: 'skip',
    }) as Data);
}

/** A heatmap with one category per grid cell: value v + shift in [0, colors.length) is drawn flat in colors[v + shift]. */
export function categoryHeatmap(bounds: Bounds2d, resolution: number, values: ArrayLike<number>, shift: number, colors: string[], name: string): Data {
  const n = colors.length;
  const colorscale: Array<[number, string]> = [];
  colors.forEach((c, i) => colorscale.push([i / n, c], [(i + 1) / n - 1e-6, c]));
  colorscale[colorscale.length - 1][0] = 1;
  return {
    type: 'heatmap',
    x: axis(bounds.xMin, bounds.xMax, resolution),
    y: axis(bounds.yMin, bounds.yMax, resolution),
    z: rows(values, resolution, (c) => c + shift + 0.5),
    zmin: 0,
    zmax: n,
    colorscale,
    showscale: false,
    opacity: 0.45,
    zsmooth: false,
    hoverinfo: 'skip',
    name,
  };
}

const splitHeatmap = (view: GridSplitView): Data =>
  categoryHeatmap(view.bounds, view.resolution, view.categories, 0, SPLIT_CATEGORIES.map((cat) => SPLIT_COLORS[cat]), 'grid 4-way split');

export function pointsByClass(xs: Float32Array, ys: Int32Array, numClasses: number, name: string, symbol: string, outline: string): Data[] {
  const traces: Data[] = [];
  for (let c = 0; c < numClasses; c++) {
    const px: number[] = [];
    const py: number[] = [];
    for (let i = 0; i < ys.length; i++) if (ys[i] === c) { px.push(xs[2 * i]); py.push(xs[2 * i + 1]); }
    traces.push({
      type: 'scatter', mode: 'markers', x: px, y: py, name: `${name} · class ${c}`, legendgroup: name,
      marker: { color: CLASS_COLORS[c], size: 6, symbol, line: { color: outline, width: 1 } },
      hovertemplate: `${name}, label ${c}<br>(%{x:.3f}, %{y:.3f})<extra></extra>`,
    });
  }
  return traces;
}

function pointsBySplit(xs: Float32Array, ys: Int32Array, view: EvaluationView): Data[] {
  return SPLIT_CATEGORIES.map((cat, code) => {
    const px: number[] = [];
    const py: number[] = [];
    const text: string[] = [];
    const { categories, predictions, adversarialPredictions } = view.split;
    for (let i = 0; i < categories.length; i++) {
      if (categories[i] !== code) continue;
      px.push(xs[2 * i]);
      py.push(xs[2 * i + 1]);
      text.push(`label ${ys[i]}, predicted ${predictions[i]}, under attack ${adversarialPredictions[i]}`);
    }
    return {
      type: 'scatter', mode: 'markers', x: px, y: py, text, name: `${SPLIT_LABELS[cat]} (${px.length})`,
      marker: { color: SPLIT_COLORS[cat], size: 8, symbol: SPLIT_SYMBOLS[cat], line: { color: '#222', width: 1 } },
      hovertemplate: `${SPLIT_LABELS[cat]}<br>%{text}<br>(%{x:.3f}, %{y:.3f})<extra></extra>`,
    };
  });
}

function arrows(xs: Float32Array, view: EvaluationView, which: 'non-robust' | 'all'): Data[] {
  const lx: Array<number | null> = [];
  const ly: Array<number | null> = [];
  const ax: number[] = [];
  const ay: number[] = [];
  const { categories, adversarial } = view.split;
  for (let i = 0; i < categories.length; i++) {
    if (which === 'non-robust' && categories[i] < 2) continue;
    lx.push(xs[2 * i], adversarial[2 * i], null);
    ly.push(xs[2 * i + 1], adversarial[2 * i + 1], null);
    ax.push(adversarial[2 * i]);
    ay.push(adversarial[2 * i + 1]);
  }
  return [
    { type: 'scatter', mode: 'lines', x: lx, y: ly, name: 'clean → adversarial', line: { color: '#222', width: 1 }, hoverinfo: 'skip', legendgroup: 'adv' },
    { type: 'scatter', mode: 'markers', x: ax, y: ay, name: 'adversarial point', legendgroup: 'adv', marker: { color: '#222', size: 5, symbol: 'x-thin', line: { color: '#222', width: 1.5 } }, hovertemplate: 'adversarial (%{x:.3f}, %{y:.3f})<extra></extra>' },
  ];
}

export function regionTraces({ dataset, grid, evaluation, gridSplit, display, abstainClasses = 0 }: RegionInputs): Data[] {
  const traces: Data[] = [];
  const numClasses = dataset?.numClasses ?? 2;
  if (gridSplit && display.showGridSplit) traces.push(splitHeatmap(gridSplit));
  else if (grid) traces.push(classHeatmap(grid, numClasses, abstainClasses), ...abstainHatch(grid, numClasses));
  if (!dataset) return traces;
  const evalSet = evaluation && display.colourBySplit ? evaluation.set : null;
  const sets = [
    { key: 'train' as const, show: display.showTrain, xs: dataset.xTrain, ys: dataset.yTrain, symbol: 'circle', outline: '#ffffff' },
    { key: 'test' as const, show: display.showTest, xs: dataset.xTest, ys: dataset.yTest, symbol: 'diamond', outline: '#000000' },
  ];
  for (const s of sets) {
    if (!s.show) continue;
    if (evalSet === s.key && evaluation && evaluation.split.n === s.ys.length) traces.push(...pointsBySplit(s.xs, s.ys, evaluation));
    else traces.push(...pointsByClass(s.xs, s.ys, numClasses, s.key, s.symbol, s.outline));
  }
  if (evaluation && display.arrows !== 'none') {
    const s = sets.find((t) => t.key === evaluation.set)!;
    if (evaluation.split.n === s.ys.length) traces.push(...arrows(s.xs, evaluation, display.arrows));
  }
  return traces;
}

export function regionLayout(bounds: Bounds2d | null, title?: string, showLegend = true): Layout {
  return {
    title: title ? { text: title, font: { size: 14 } } : undefined,
    margin: { l: 40, r: 10, t: title ? 36 : 10, b: 36 },
    xaxis: { range: bounds ? [bounds.xMin, bounds.xMax] : undefined, autorange: !bounds, title: { text: 'x₁' }, zeroline: false, constrain: 'domain' },
    yaxis: { range: bounds ? [bounds.yMin, bounds.yMax] : undefined, autorange: !bounds, title: { text: 'x₂' }, scaleanchor: 'x', scaleratio: 1, zeroline: false, constrain: 'domain' },
    showlegend: showLegend,
    legend: { orientation: 'h', y: -0.12, font: { size: 11 } },
    // Keep the user's zoom across live redraws (the plot is remounted when the bounds change).
    uirevision: 'regions',
  };
}

/** Identifies a plot's bounds; the region plot is remounted when they change (plotly keeps a stale range otherwise). */
export function boundsKey(bounds: Bounds2d | null): string {
  return bounds ? `${bounds.xMin}:${bounds.xMax}:${bounds.yMin}:${bounds.yMax}` : 'none';
}
