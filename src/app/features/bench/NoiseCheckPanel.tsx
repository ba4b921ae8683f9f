/**
 * The bench view's "Noise generator check": on each backend of this
 * browser, draws N Gaussians with the randomized-smoothing generator (Philox4x32-10 + Box–Muller,
 * on the GPU for webgpu/webgl) and shows speed, moments, lag-1 correlation and the difference to
 * the JavaScript reference (src/core/noise/noiseCheck.ts decides pass/fail).
 */
import { useState } from 'react';
import type { NoiseCheckRow } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { BACKENDS, useRowStream } from './rowStream';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';

const rate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M/s` : `${(x / 1e3).toFixed(1)}k/s`);

export function NoiseCheckPanel() {
  const busy = useBusy();
  const [draws, setDraws] = useState(1_000_000);
  const [rows, stream] = useRowStream<NoiseCheckRow>();
  const run = () => stream('noise', 'Noise generator check', BACKENDS.length, (row) => row.backend, (jobId, onRow) => worker().noiseCheck(jobId, BACKENDS, draws, onRow));
  return (
    <Section title="Noise generator check" testId="noise-check">
      <p className="hint">
        Randomized-smoothing certification draws its Gaussian noise with Philox4x32-10 and Box–Muller, on the GPU where the backend allows it and in WebAssembly SIMD on the CPU otherwise (source "device", "wasm"; "javascript" where SIMD is missing). This draws the given number of N(0, 1) values on every backend of this browser and checks mean, variance and lag-1 correlation (failed beyond 5 standard errors) and the first 4,096 draws, plus two small draws of other shapes, against the float64 JavaScript reference (failed beyond 1e-4).
      </p>
      <div className="row">
        <label className="toggle">
          draws{' '}
          <input type="number" min={16} max={20_000_000} step={4096} value={draws} data-testid="noise-draws" onChange={(e) => setDraws(Math.max(16, Math.min(20_000_000, Math.round(Number(e.target.value)) || 16)))} />
        </label>
        <button type="button" className="primary" data-testid="noise-run" disabled={busy} onClick={() => void run()}>
          Check noise generator
        </button>
      </div>
      <table className="bench-table" data-testid="noise-table">
        <thead>
          <tr>
            <th>backend</th>
            <th>source</th>
            <th>draws/s</th>
            <th>mean</th>
            <th>variance</th>
            <th>lag-1 corr.</th>
            <th>max |Δ| vs JS</th>
            <th>result</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) =>
            'error' in r ? (
              <tr key={r.backend} data-testid={`noise-row-${r.backend}`} data-status="unavailable">
                <td>{r.backend}</td>
                <td colSpan={7} className="error">
                  {r.error}
                </td>
              </tr>
            ) : (
              <tr key={r.backend} data-testid={`noise-row-${r.backend}`} data-status={r.failures.length ? 'failed' : 'passed'} data-max-diff={r.maxAbsDiff} data-mean={r.mean} data-variance={r.variance} data-lag1={r.lag1} data-rate={r.drawsPerSecond}>
                <td>{r.backend}</td>
                <td>{r.source}</td>
                <td title={`${r.draws.toLocaleString()} draws in ${r.ms.toFixed(1)} ms, read-back included`}>{rate(r.drawsPerSecond)}</td>
                <td>{r.mean.toExponential(2)}</td>
                <td>{r.variance.toFixed(5)}</td>
                <td>{r.lag1.toExponential(2)}</td>
                <td>{r.maxAbsDiff.toExponential(2)}</td>
                <td className={r.failures.length ? 'error' : undefined}>{r.failures.length ? `failed: ${r.failures.join('; ')}` : 'passed'}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </Section>
  );
}
