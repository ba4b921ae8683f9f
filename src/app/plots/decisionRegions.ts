/**
 * Maps a model's grid predictions, the data and the 4-way split to what the region plot draws:
 * the decision regions as one image (class hue, lighter where the model is less confident;
 * Baharlouei et al.'s abstain outputs in hatched greys of their own), the training and test points,
 * the robustness view (points — and optionally grid cells — coloured by their category) and
 * arrows from clean to adversarial points.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { type Bounds2d, type Dataset2d, type GridPrediction, SPLIT_CATEGORIES, SPLIT_LABELS } from '../../core/settings';
import type { EvaluationView, GridSplitView } from '../../../workers/protocol';
import type { DisplayOptions } from '../state/store';
import { CLASS_COLORS, SPLIT_COLORS, SPLIT_SYMBOLS, outputColor } from './colors';
import { gridRgba, mix, rgbOf } from './regionImage';
import { showingOf, thinIndices } from './thin';

/** The colours of a grid of cells, drawn as one image over `bounds`. */
export interface RegionBytes {
  rgba: Uint8ClampedArray<ArrayBuffer>;
  n: number;
  bounds: Bounds2d;
  opacity: number;
}

export interface RegionInputs {
  dataset: Dataset2d | null;
  grid: GridPrediction | null;
  evaluation: EvaluationView | null;
  gridSplit: GridSplitView | null;
  display: DisplayOptions;
  /** M, the model's abstain outputs (Baharlouei et al.); shown in their own hatched greys. */
  abstainClasses?: number;
}

export function axis(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** K + M: the outputs the grid can show (M from the caller, or the highest output index seen). */
function outputsOf(grid: GridPrediction, numClasses: number, abstainClasses = 0): number {
  let max = numClasses + abstainClasses - 1;
  for (let i = 0; i < grid.classes.length; i++) if (grid.classes[i] > max) max = grid.classes[i];
  return max + 1;
}

/** Class hue per cell, lighter where less confident; abstain outputs (index ≥ K) in their own greys. */
export function classRegionBytes(grid: GridPrediction, numClasses: number, abstainClasses = 0): RegionBytes {
  const k = outputsOf(grid, numClasses, abstainClasses);
  // 256 shades per output, from the tint (at chance) to the full colour (at confidence 1).
  const lut = new Uint8ClampedArray(k * 256 * 3);
  for (let c = 0; c < k; c++) {
    const tint = rgbOf(outputColor(c, numClasses, true));
    const full = rgbOf(outputColor(c, numClasses));
    for (let s = 0; s < 256; s++) lut.set(mix(tint, full, (0.999 * s) / 255), (c * 256 + s) * 3);
  }
  const n = grid.resolution;
  const rgba = new Uint8ClampedArray(new ArrayBuffer(n * n * 4));
  const chance = 1 / k;
  for (let r = 0; r < n; r++) {
    const top = (n - 1 - r) * n;
    for (let col = 0; col < n; col++) {
      const i = r * n + col;
      const shade = Math.round(255 * Math.max(0, (grid.confidence[i] - chance) / (1 - chance)));
      const from = (grid.classes[i] * 256 + Math.min(255, shade)) * 3;
      const o = (top + col) * 4;
      rgba[o] = lut[from];
      rgba[o + 1] = lut[from + 1];
      rgba[o + 2] = lut[from + 2];
      rgba[o + 3] = 255;
    }
  }
  return { rgba, n, bounds: grid.bounds, opacity: 0.55 };
}

/**
 * Diagonal hatch marks over the cells whose output is an abstain class (Baharlouei et al.), in that
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

/** One flat colour per grid cell: value v + shift in [0, colors.length) is drawn in colors[v + shift]. */
export function categoryRegionBytes(bounds: Bounds2d, resolution: number, values: ArrayLike<number>, shift: number, colors: string[], opacity: number): RegionBytes {
  const rgb = colors.map(rgbOf);
  const rgba = gridRgba(resolution, (i) => [...rgb[values[i] + shift], 255] as const);
  return { rgba, n: resolution, bounds, opacity };
}

const splitRegionBytes = (view: GridSplitView): RegionBytes =>
  categoryRegionBytes(view.bounds, view.resolution, view.categories, 0, SPLIT_CATEGORIES.map((cat) => SPLIT_COLORS[cat]), 0.7);

/** Legend entries for the grid's 4-way split (the plane itself is an image, which has none). */
function splitLegend(view: GridSplitView): Data[] {
  return SPLIT_CATEGORIES.map((cat) => ({
    type: 'scatter', mode: 'markers', x: [null], y: [null], name: `grid: ${SPLIT_LABELS[cat]} ${(100 * view.fractions[cat]).toFixed(1)}%`, legendgroup: 'grid-split',
    marker: { color: SPLIT_COLORS[cat], size: 12, symbol: 'square', line: { color: '#666', width: 1 } },
  }) as Data);
}

/** What paints the plane: the grid's 4-way split when shown, else the decision regions. */
export function regionBytes({ dataset, grid, gridSplit, display, abstainClasses = 0 }: Omit<RegionInputs, 'evaluation' | 'display'> & { display: Pick<DisplayOptions, 'showGridSplit'> }): RegionBytes | null {
  if (gridSplit && display.showGridSplit) return splitRegionBytes(gridSplit);
  return grid ? classRegionBytes(grid, dataset?.numClasses ?? 2, abstainClasses) : null;
}

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
      marker: { color: SPLIT_COLORS[cat], size: 9, symbol: SPLIT_SYMBOLS[cat], line: { color: '#000', width: cat === 'robustInaccurate' ? 2.5 : 1 } },
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
  const chosen = [...categories.keys()].filter((i) => which === 'all' || categories[i] >= 2);
  const shown = thinIndices(chosen.length).map((j) => chosen[j]);
  for (const i of shown) {
    lx.push(xs[2 * i], adversarial[2 * i], null);
    ly.push(xs[2 * i + 1], adversarial[2 * i + 1], null);
    ax.push(adversarial[2 * i]);
    ay.push(adversarial[2 * i + 1]);
  }
  const note = showingOf(shown.length, chosen.length);
  return [
    { type: 'scatter', mode: 'lines', x: lx, y: ly, name: `clean → adversarial${note ? ` (${note})` : ''}`, line: { color: '#222', width: 1 }, hoverinfo: 'skip', legendgroup: 'adv', cliponaxis: true },
    { type: 'scatter', mode: 'markers', x: ax, y: ay, name: 'adversarial point', legendgroup: 'adv', marker: { color: '#222', size: 5, symbol: 'x-thin', line: { color: '#222', width: 1.5 } }, hovertemplate: 'adversarial (%{x:.3f}, %{y:.3f})<extra></extra>' },
  ];
}

/** The hatch marks of abstain regions (empty when no grid cell is an abstain output). */
export function abstainTraces(grid: GridPrediction | null, numClasses: number, showing: boolean): Data[] {
  const hatch = grid && showing ? abstainHatch(grid, numClasses) : NO_TRACES;
  return hatch.length ? hatch : NO_TRACES;
}

const NO_TRACES: Data[] = [];

/** The points (by class, or by the 4-way split in the robustness view), the arrows and the grid split's legend. */
export function pointTraces({ dataset, evaluation, gridSplit, display }: Omit<RegionInputs, 'grid'>): Data[] {
  const traces: Data[] = [];
  if (gridSplit && display.showGridSplit) traces.push(...splitLegend(gridSplit));
  if (!dataset) return traces;
  const numClasses = dataset.numClasses;
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
    // Below the x-axis title (which takes about 50 px under the axis), never on it.
    legend: { orientation: 'h', y: -0.16, yanchor: 'top', font: { size: 11 } },
    // Keep the user's zoom across live redraws (the plot is remounted when the bounds change).
    uirevision: 'regions',
  };
}

/** Identifies a plot's bounds; the region plot is remounted when they change (plotly keeps a stale range otherwise). */
export function boundsKey(bounds: Bounds2d | null): string {
  return bounds ? `${bounds.xMin}:${bounds.xMax}:${bounds.yMin}:${bounds.yMax}` : 'none';
}
