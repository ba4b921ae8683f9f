/** Certified accuracy against radius (Cohen et al. Fig. 2 style), one line per run. */
import type { Data } from 'plotly.js-cartesian-dist-min';
import { resultLayout } from '../../plots/resultLayout';
import { certifiedAccuracyCurve } from '../../../core/settings';
import type { CertRun } from './smoothing';
import { RUN_COLORS } from '../../plots/colors';

export function certifiedCurveTraces(runs: CertRun[]): Data[] {
  return runs
    .filter((r) => r.mode === 'certify' && r.rows.length > 0)
    .map((r, i) => {
      const curve = certifiedAccuracyCurve(r.rows);
      const maxR = curve.length ? curve[curve.length - 1].radius : 0;
      // Extend the last step a little so that a curve ending at 0 is visible as a line.
      const xs = [...curve.map((p) => p.radius), maxR * 1.05 + 1e-6];
      const ys = [...curve.map((p) => 100 * p.accuracy), 0];
      return {
        type: 'scatter',
        mode: 'lines',
        x: xs,
        y: ys,
        name: `${r.name} (${r.rows.length}${r.status === 'running' ? '…' : ''})`,
        line: { color: RUN_COLORS[i % RUN_COLORS.length], shape: 'linear', width: 2, dash: r.origin === 'imported' ? 'dash' : 'solid' },
        hovertemplate: 'radius %{x:.3f}: %{y:.1f}%<extra></extra>',
      } as Data;
    });
}

export const certifiedCurveLayout = resultLayout({
  x: { title: 'radius (l2, input units)', rangemode: 'tozero' },
  y: { title: 'certified accuracy (%)', range: [0, 100] },
  height: 320,
  uirevision: 'certified',
});
