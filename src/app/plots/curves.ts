/** Training curves: loss and accuracy per epoch on the training and test sets. */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { EpochStats } from '../../core/settings';

export function lossTraces(history: EpochStats[]): Data[] {
  const x = history.map((h) => h.epoch);
  return [
    { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.objective), name: 'training objective', line: { color: '#888', dash: 'dot' } },
    { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.trainLoss), name: 'train loss (clean CE)', line: { color: '#1f77b4' } },
    { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.testLoss), name: 'test loss (clean CE)', line: { color: '#ff7f0e' } },
  ];
}

export function accuracyTraces(history: EpochStats[]): Data[] {
  const x = history.map((h) => h.epoch);
  return [
    { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => 100 * h.trainAccuracy), name: 'train accuracy', line: { color: '#1f77b4' } },
    { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => (h.testAccuracy === null ? null : 100 * h.testAccuracy)), name: 'test accuracy', line: { color: '#ff7f0e' } },
  ];
}

export function curveLayout(yTitle: string, range?: [number, number]): Layout {
  return {
    margin: { l: 48, r: 10, t: 10, b: 40 },
    xaxis: { title: { text: 'epoch', standoff: 4 }, rangemode: 'tozero' },
    yaxis: { title: { text: yTitle }, range, rangemode: 'tozero' },
    legend: { orientation: 'h', y: -0.3, yanchor: 'top', font: { size: 11 } },
    height: 220,
    uirevision: yTitle,
  };
}
