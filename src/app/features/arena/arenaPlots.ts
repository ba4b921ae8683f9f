/**
 * The arena's two comparison plots: robust accuracy against clean abstention (one point per
 * model, both with their 95% intervals as error bars), and accuracy on the accepted inputs
 * against coverage under the attack that hurt each score-based rejector most (one line each).
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import type { ArenaRow } from '../../../core/settings';
import { RUN_COLORS } from '../../plots/colors';
import { resultLayout } from '../../plots/resultLayout';

const done = (rows: readonly ArenaRow[]) => rows.filter((r) => r.status === 'done' && r.outcomes);

export function tradeoffTraces(rows: readonly ArenaRow[]): Data[] {
  return done(rows).map((r, i) => {
    const a = r.outcomes!.cleanAbstention;
    const ra = r.outcomes!.robustAccuracy;
    return {
      type: 'scatter',
      mode: 'markers',
      name: r.label,
      x: [a.value],
      y: [ra.value],
      error_x: { type: 'data', symmetric: false, array: [a.upper - a.value], arrayminus: [a.value - a.lower], thickness: 1, width: 3 },
      error_y: { type: 'data', symmetric: false, array: [ra.upper - ra.value], arrayminus: [ra.value - ra.lower], thickness: 1, width: 3 },
      marker: { size: 10, color: RUN_COLORS[i % RUN_COLORS.length] },
      hovertemplate: `${r.label}<br>clean abstention %{x:.1%}<br>robust accuracy %{y:.1%}<extra></extra>`,
    } as Data;
  });
}

export const tradeoffLayout: Layout = resultLayout({
  height: 320,
  uirevision: 'arena-tradeoff',
  x: { title: 'clean abstention (share of clean inputs declined)', rangemode: 'tozero', tickformat: '.0%' },
  y: { title: 'robust accuracy', range: [0, 1.02], tickformat: '.0%' },
});

export function coverageTraces(rows: readonly ArenaRow[]): Data[] {
  return done(rows)
    .filter((r) => r.coverage)
    .map((r, i) => ({
      type: 'scatter',
      mode: 'lines',
      name: `${r.label} (${r.coverage!.score})`,
      x: r.coverage!.coverage,
      y: r.coverage!.accuracy,
      line: { width: 2, color: RUN_COLORS[i % RUN_COLORS.length] },
      hovertemplate: `${r.label}, ${r.coverage!.score} under ${r.coverage!.attack}<br>coverage %{x:.1%}, accuracy %{y:.1%}<extra></extra>`,
    }) as Data);
}

export const coverageLayout: Layout = resultLayout({
  height: 320,
  uirevision: 'arena-coverage',
  x: { title: 'coverage under attack (share of attacked inputs kept)', range: [0, 1.02], tickformat: '.0%' },
  y: { title: 'accuracy on the kept inputs', range: [0, 1.02], tickformat: '.0%' },
});
