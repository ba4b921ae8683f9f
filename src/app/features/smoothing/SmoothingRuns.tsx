/** The Smoothing view's runs: a table of certified accuracy at a few radii per run, and the latest certified inputs of the running one. */
import { averageCertifiedRadius, certifiedAccuracyTable, smoothedSelection } from '../../../core/settings';
import { type CertRun, exportLog, removeRun, useSmoothing } from './smoothing';
import { Section } from '../../ui/Section';
import { fixed, pct } from '../../ui/format';

const TABLE_RADII = [0, 0.25, 0.5, 0.75, 1.0];

export function CertRunsTable() {
  const runs = useSmoothing((s) => s.runs);
  const eps = useSmoothing((s) => s.settings.selectionEps);
  if (!runs.length) return <p className="hint">No runs yet. Certify a model, or import a log.</p>;
  return (
    <div className="table-scroll">
      <div className="table-scroll">
        <table className="bench-table" data-testid="certify-runs">
          <thead>
            <tr>
              <th>run</th>
              <th title="Inputs done (of planned).">inputs</th>
              <th title="Share of inputs where the smoothed classifier abstained; draws lost to a non-finite forward pass (an overflow) are counted beside it.">abstain</th>
              {TABLE_RADII.map((r) => (
                <th key={r} title={`Certified accuracy at radius ${r}: the share of inputs certified correct with a radius of at least ${r}.`}>
                  r={r}
                </th>
              ))}
              <th title="Average certified radius: the mean radius over all inputs, wrong or abstained ones counting 0.">ACR</th>
              <th title={`Merkli et al.'s selector for smoothed models: an input is selected iff its certified radius ≥ eps (${eps}); robust accuracy / robust inaccuracy are the shares selected and correct / selected and wrong.`}>
                rob. acc / inacc @eps
              </th>
              <th title="Backend, where the noise was drawn, and noise draws (forward passes) per second.">speed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <RunRow key={r.id} run={r} eps={eps} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function RunRow({ run, eps }: { run: CertRun; eps: number }) {
  const certify = run.mode === 'certify';
  const table = certify ? certifiedAccuracyTable(run.rows, TABLE_RADII) : null;
  const sel = certify ? smoothedSelection(run.rows, eps) : null;
  const abstained = run.rows.filter((row) => row.predict < 0).length;
  const accuracy = run.rows.filter((row) => row.correct === 1).length / (run.rows.length || 1);
  const lost = run.rows.reduce((n, row) => n + (row.votesLost ?? 0), 0);
  return (
    <tr data-testid="certify-run">
      <td>
        {run.name}
        <span className="hint"> · {run.status}</span>
      </td>
      <td>
        {run.rows.length}
        {run.planned ? ` / ${run.planned}` : ''}
      </td>
      <td>
        {pct(abstained / (run.rows.length || 1))}
        {lost ? (
          <span className="error" data-testid="votes-lost" title="Noisy draws whose forward pass met NaN or ±Infinity (an overflow): each voted for no class, so it counted against the top class and can only have shrunk a certificate.">
            {' '}
            · {lost.toLocaleString('en')} votes lost
          </span>
        ) : null}
      </td>
      {table ? table.map((v, i) => <td key={i}>{pct(v)}</td>) : TABLE_RADII.map((r, i) => <td key={i}>{i === 0 ? pct(accuracy) : '–'}</td>)}
      <td data-testid="acr">{certify ? averageCertifiedRadius(run.rows).toFixed(3) : '–'}</td>
      <td>{sel ? `${pct(sel.robustAccuracy)} / ${pct(sel.robustInaccuracy)}` : '–'}</td>
      <td>{run.backend ? `${run.backend}, noise on ${run.noise === 'device' ? 'GPU' : run.noise === 'wasm' ? 'CPU (WASM SIMD)' : 'CPU (JS)'}, ${Math.round(run.drawsPerSecond ?? 0).toLocaleString()} draws/s` : run.origin === 'imported' ? 'imported' : '…'}</td>
      <td>
        <button type="button" data-testid="export-log" disabled={!run.rows.length} onClick={() => exportLog(run)} title="Download the run as a log in the reference code's format.">
          Export log
        </button>
        <button type="button" disabled={run.status === 'running'} onClick={() => removeRun(run.id)} title="Remove this run from the plot.">
          ×
        </button>
      </td>
    </tr>
  );
}

export function LatestCertifiedRows() {
  const runs = useSmoothing((s) => s.runs);
  const run = [...runs].reverse().find((r) => r.origin === 'here');
  if (!run || !run.rows.length) return null;
  const shown = run.rows.slice(-12).reverse();
  return (
    <Section title="Latest inputs" testId="latest-inputs">
      <table className="bench-table">
        <thead>
          <tr>
            <th>idx</th>
            <th>label</th>
            <th title="Smoothed prediction; abstain when the bound is not above 1/2 (CERTIFY) or the test is not significant (PREDICT).">prediction</th>
            <th title="Certified l2 radius σ·Φ⁻¹(pA_lower).">radius</th>
            <th title="Counts of the n noise samples per class.">counts</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.idx}>
              <td>{row.idx}</td>
              <td>{row.label}</td>
              <td>{row.predict < 0 ? 'abstain' : row.predict}</td>
              <td>{fixed(row.radius, 3, '–')}</td>
              <td>{row.counts ? row.counts.join(' / ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
