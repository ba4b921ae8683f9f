/**
 * Training curves: loss and accuracy per epoch on the training and test sets. Each series is a
 * line without hover and its markers (the hover), both drawn on a canvas over plotly's axes
 * (TrainingCurves.tsx); the axes' ranges are fixed here and grow in steps, so a new epoch redraws
 * the canvas and plotly re-lays out the frame only when a range steps up (3 times in 20 epochs).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { EpochStats } from '../../core/settings';

interface Series {
  name: string;
  color: string;
  dash?: 'dot';
  y: Array<number | null>;
  /** How a value is written in the hover ("0.512", "87.5%"). */
  format: (v: number) => string;
}

/** A series as two traces: its line (the legend entry) and its markers, hidden together by their legend group. */
function seriesTraces(x: number[], s: Series): Data[] {
  return [
    { type: 'scatter', mode: 'lines', x, y: s.y, name: s.name, legendgroup: s.name, line: { color: s.color, width: 2, ...(s.dash ? { dash: s.dash } : {}) }, hoverinfo: 'skip', connectgaps: false } as Data,
    {
      type: 'scatter', mode: 'markers', x, y: s.y, name: s.name, legendgroup: s.name, showlegend: false,
      text: s.y.map((v, i) => (v === null ? '' : `epoch ${x[i]}: ${s.format(v)}`)),
      marker: { color: s.color, size: 6 },
    } as Data,
  ];
}

const loss = (v: number) => v.toFixed(3);
const percent = (v: number) => `${v.toFixed(1)}%`;

export function lossTraces(history: EpochStats[]): Data[] {
  const x = history.map((h) => h.epoch);
  return [
    ...seriesTraces(x, { name: 'training objective', color: '#888', dash: 'dot', y: history.map((h) => h.objective), format: loss }),
    ...seriesTraces(x, { name: 'train loss (clean CE)', color: '#1f77b4', y: history.map((h) => h.trainLoss), format: loss }),
    ...seriesTraces(x, { name: 'test loss (clean CE)', color: '#ff7f0e', y: history.map((h) => h.testLoss), format: loss }),
  ];
}

export function accuracyTraces(history: EpochStats[]): Data[] {
  const x = history.map((h) => h.epoch);
  return [
    ...seriesTraces(x, { name: 'train accuracy', color: '#1f77b4', y: history.map((h) => 100 * h.trainAccuracy), format: percent }),
    ...seriesTraces(x, { name: 'test accuracy', color: '#ff7f0e', y: history.map((h) => (h.testAccuracy === null ? null : 100 * h.testAccuracy)), format: percent }),
  ];
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is at least v (v > 0). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  // toPrecision drops the binary noise of m · 10^k (0.15, not 0.15000000000000002): tick labels stay round.
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= v * (1 - 1e-12)) return Number((m * step).toPrecision(12));
  return Number((10 * step).toPrecision(12));
}

/** The last epoch the x axis shows: 5, 10, 20, 50, 100, … (the next step up from the epochs so far). */
export function epochAxisTop(history: EpochStats[]): number {
  const last = history.length ? history[history.length - 1].epoch : 0;
  let top = 5;
  for (let k = 0; top < last; k++) top = [10, 20, 50][k % 3] * 10 ** Math.floor(k / 3);
  return top;
}

/** The top of the loss axis: a round number above every loss plotted (1 before any). */
export function lossAxisTop(history: EpochStats[]): number {
  let max = 0;
  for (const h of history) for (const v of [h.objective, h.trainLoss, h.testLoss]) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return niceCeil(max * 1.05);
}

/** Room past the last value, so the markers at a range's end are drawn whole. */
const PAD = 0.03;

export function curveLayout(yTitle: string, xTop: number, yTop: number): Layout {
  return {
    margin: { l: 48, r: 10, t: 10, b: 40 },
    xaxis: { title: { text: 'epoch', standoff: 4 }, range: [0, xTop * (1 + PAD)] },
    yaxis: { title: { text: yTitle }, range: [0, yTop * (1 + PAD)] },
    legend: { orientation: 'h', y: -0.3, yanchor: 'top', font: { size: 11 } },
    height: 220,
    uirevision: yTitle,
  };
}
