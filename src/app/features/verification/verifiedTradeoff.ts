/**
 * Baharlouei et al., Fig. 2-3: standard error (x) against verified error (y), one point per verified
 * model and bound — filled circles for IBP, open diamonds for CROWN — one colour per series (a
 * model, or a curve of the trade-off sweep over λ, drawn as a line through its points). The
 * legend names each series once. The points and lines are drawn on a canvas (CanvasPlot) over
 * axes whose ranges grow in round steps, so a newly verified model redraws the canvas, not plotly.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
import { niceCeil } from '../../plots/curves';
import type { VerifyRow } from './verification';
import { RUN_COLORS } from '../../plots/colors';

const SYMBOLS = { ibp: 'circle', crown: 'diamond-open' } as const;

export function tradeoffTraces(rows: VerifyRow[]): Data[] {
  const verified = rows.filter((r) => r.verify);
  const series = [...new Set(verified.map((r) => r.series))];
  const traces: Data[] = [];
  series.forEach((name, i) => {
    const color = RUN_COLORS[i % RUN_COLORS.length];
    let named = false;
    for (const bound of ['ibp', 'crown'] as const) {
      const points = verified
        .map((r) => ({ r, b: r.verify!.results.find((x) => x.bound === bound) }))
        .filter((p) => p.r.series === name && p.b)
        .sort((a, b) => a.b!.standardError - b.b!.standardError);
      if (!points.length) continue;
      const x = points.map((p) => p.b!.standardError);
      const y = points.map((p) => p.b!.verifiedError);
      if (points.length > 1) {
        traces.push({ type: 'scatter', mode: 'lines', x, y, name: `${name} · ${bound.toUpperCase()} curve`, legendgroup: name, showlegend: false, line: { color, width: 1, dash: bound === 'crown' ? 'dot' : 'solid' }, hoverinfo: 'skip' } as Data);
      }
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: bound === 'ibp' ? name : `${name} · CROWN`,
        legendgroup: name,
        showlegend: !named,
        x,
        y,
        text: points.map((p) => `${p.r.modelName}${p.r.note ? ` (${p.r.note})` : ''}, eps ${p.r.eps}, ${bound.toUpperCase()}`),
        marker: { color, size: 9, symbol: SYMBOLS[bound], line: { color, width: 1.5 } },
        hovertemplate: `%{text}<br>${bound.toUpperCase()}: standard %{x:.3f}, verified %{y:.3f}<extra></extra>`,
      } as Data);
      named = true;
    }
  });
  return traces;
}

/** The top of an error axis: a round number past the largest error plotted, with room for the markers. */
export function errorAxisTop(traces: Data[], axis: 'x' | 'y'): number {
  let max = 0;
  for (const t of traces) for (const v of Array.from((t[axis] as ArrayLike<number | null> | undefined) ?? [])) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return Math.min(1, niceCeil(Math.max(0.01, max * 1.1)));
}

export function tradeoffLayout(xTop: number, yTop: number): Layout {
  return resultLayout({
    x: { title: 'standard error', range: [0, xTop * 1.04], zeroline: false },
    y: { title: 'verified error', range: [0, yTop * 1.04], zeroline: false },
    height: 420,
    uirevision: 'tradeoff',
  });
}
