/**
 * Sheikholeslami et al., Fig. 6: for each certified input, of the N estimation samples, x1 = the samples
 * classified as the top class and not rejected (countTop) and x2 = the samples rejected
 * (countRejected), as a 2-D histogram, with the line x1 + x2 = N (every sample either the top
 * class or rejected; the N − x1 − x2 others went to other classes). Each input is also drawn as a
 * point (certified correct / certified wrong / abstained), and the dotted line 2·x1 + x2 = N marks
 * where the radius σ/2·(Φ⁻¹(pA) + Φ⁻¹(pA+R)) is 0 at the empirical rates pA = x1/N,
 * pA+R = (x1 + x2)/N: inputs left of it abstain; right of it they certify once the confidence
 * bounds leave room.
 */
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
import type { CertificationRow } from '../../../core/settings';
import { ABSTAIN_GREY } from './smoothedRegions';
import { OUTCOME_RIGHT, OUTCOME_WRONG } from '../../plots/colors';

export const NOISE_REJECTION_HISTOGRAM_CAPTION =
  'Sheikholeslami et al., Fig. 6: each input’s N estimation samples split into x1 = top class, not rejected, and x2 = rejected (the rest went to other classes). ' +
  'The dashed line x1 + x2 = N holds the inputs whose samples were all either the top class or rejected; rejection moves samples from other classes onto it. ' +
  'Left of the dotted line 2·x1 + x2 = N the radius is 0 even before the confidence bounds: those inputs abstain.';

const GROUPS: Array<{ name: string; color: string; symbol: string; test: (r: CertificationRow) => boolean }> = [
  { name: 'certified, correct', color: OUTCOME_RIGHT, symbol: 'circle', test: (r) => r.predict >= 0 && r.correct === 1 },
  { name: 'certified, wrong', color: OUTCOME_WRONG, symbol: 'x', test: (r) => r.predict >= 0 && r.correct === 0 },
  { name: 'abstained', color: ABSTAIN_GREY, symbol: 'square', test: (r) => r.predict < 0 },
];

/** The rows that carry the two counts (a certification with rejection). */
export function countedRows(rows: CertificationRow[]): Array<CertificationRow & { countTop: number; countRejected: number }> {
  return rows.filter((r): r is CertificationRow & { countTop: number; countRejected: number } => r.countTop != null && r.countRejected != null);
}

export function noiseRejectionHistogramTraces(rows: CertificationRow[], n: number): Data[] {
  const counted = countedRows(rows);
  const bin = { start: 0, end: n, size: Math.max(1, n / 20) };
  const traces: Data[] = [
    {
      type: 'histogram2d',
      x: counted.map((r) => r.countTop),
      y: counted.map((r) => r.countRejected),
      xbins: bin,
      ybins: bin,
      colorscale: [
        [0, 'rgba(255,255,255,0)'],
        [1e-6, '#dbe9f6'],
        [1, '#08519c'],
      ],
      showscale: false,
      name: 'inputs per bin',
      hovertemplate: 'x1 %{x}, x2 %{y}: %{z} inputs<extra></extra>',
    } as Data,
  ];
  for (const g of GROUPS) {
    const pts = counted.filter(g.test);
    traces.push({
      type: 'scatter',
      mode: 'markers',
      x: pts.map((r) => r.countTop),
      y: pts.map((r) => r.countRejected),
      customdata: pts.map((r) => [r.idx, r.radius ?? 0]),
      name: g.name,
      marker: { color: g.color, symbol: g.symbol, size: 7, line: { width: 1, color: '#ffffff' } },
      hovertemplate: 'input %{customdata[0]}: x1 = %{x}, x2 = %{y}, radius %{customdata[1]:.3f}<extra></extra>',
    } as Data);
  }
  traces.push(
    { type: 'scatter', mode: 'lines', x: [0, n], y: [n, 0], name: 'x1 + x2 = N', line: { color: '#000000', dash: 'dash', width: 1.5 }, hoverinfo: 'skip' } as Data,
    { type: 'scatter', mode: 'lines', x: [0, n / 2], y: [n, 0], name: '2·x1 + x2 = N (radius 0)', line: { color: '#777777', dash: 'dot', width: 1 }, hoverinfo: 'skip' } as Data,
  );
  return traces;
}

export function noiseRejectionHistogramLayout(n: number): Layout {
  const range = [-0.02 * n, 1.04 * n];
  return resultLayout({
    x: { title: 'x1: samples of the top class, not rejected (countTop)', range },
    y: { title: 'x2: samples rejected (countRejected)', range },
    height: 400,
    left: 60,
    uirevision: 'rejection-histogram',
  });
}
