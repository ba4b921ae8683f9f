/**
 * Baharlouei et al., Fig. 2-3: standard error (x) against verified error (y), one point per verified
 * model and bound — filled circles for IBP, open diamonds for CROWN — one colour per series (a
 * model, or a curve of the trade-off sweep over λ, drawn as a line through its points). The
 * legend names each series once.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
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
      traces.push({
        type: 'scatter',
        mode: points.length > 1 ? 'lines+markers' : 'markers',
        name: bound === 'ibp' ? name : `${name} · CROWN`,
        legendgroup: name,
        showlegend: !named,
        x: points.map((p) => p.b!.standardError),
        y: points.map((p) => p.b!.verifiedError),
        text: points.map((p) => `${p.r.modelName}${p.r.note ? ` (${p.r.note})` : ''}, eps ${p.r.eps}`),
        line: { color, width: 1, dash: bound === 'crown' ? 'dot' : 'solid' },
        marker: { color, size: 9, symbol: SYMBOLS[bound], line: { color, width: 1.5 } },
        hovertemplate: `%{text}<br>${bound.toUpperCase()}: standard %{x:.3f}, verified %{y:.3f}<extra></extra>`,
      } as Data);
      named = true;
    }
  });
  return traces;
}

export const tradeoffLayout = resultLayout({
  x: { title: 'standard error', rangemode: 'tozero', zeroline: false },
  y: { title: 'verified error', rangemode: 'tozero', zeroline: false },
  height: 420,
  uirevision: 'tradeoff',
});
