/**
 * Randomized smoothing (issue 4): pick a trained model (2-D or image), set sigma, n0, n, alpha,
 * and certify its test inputs with Cohen et al.'s CERTIFY — the certified-accuracy curve grows
 * as each input is certified, next to other runs and imported logs. On 2-D models: the smoothed
 * classifier's regions (abstain in grey) and each certified point's radius as a circle.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { averageCertifiedRadius, certifiedAccuracyTable, smoothedSelection } from '../../core/settings';
import { datasetKey, useStore } from '../state/store';
import { loadDataset } from '../state/actions';
import { type CertRun, type SmoothingSettings, exportLog, importLog, removeRun, resolveSource, runCertification, runSmoothedGrid, settingProblems, settingsProblems, useSmoothing } from '../state/smoothing';
import { runSmoothingComparison } from '../state/smoothingCompare';
import { Plot } from '../plots/Plot';
import { certifiedCurveLayout, certifiedCurveTraces } from '../plots/certifiedCurve';
import { smoothedRegionLayout, smoothedRegionTraces } from '../plots/smoothedRegions';
import { LooseNumberField } from './Field';
import { ModelSourcePicker } from './ModelSourcePicker';
import { LibraryPanel } from './LibraryPanel';
import { Section } from './Section';
import { RejectionPanel } from './RejectionPanel';

const TABLE_RADII = [0, 0.25, 0.5, 0.75, 1.0];

function SettingField({ name, label, tip, unit }: { name: keyof SmoothingSettings; label: string; tip: string; unit?: string }) {
  const value = useSmoothing((s) => s.settings[name]);
  const set = useSmoothing((s) => s.set);
  const problem = useSmoothing((s) => settingProblems(s.settings)[name]);
  return <LooseNumberField label={label} tip={tip} unit={unit} value={value} error={problem} testId={`smoothing-${name}`} onValue={(v) => set({ [name]: v })} />;
}

function SourcePicker() {
  const sourceKey = useSmoothing((s) => s.sourceKey);
  return (
    <ModelSourcePicker
      value={sourceKey}
      onChange={(key) => useSmoothing.setState({ sourceKey: key })}
      label="Base classifier"
      tip="The base classifier f; the smoothed classifier g predicts the class f returns most often under Gaussian noise."
      empty="No trained model yet: train one in the Playground (2-D) or the Images view, ideally with Gaussian augmentation at the σ you certify with."
      testId="smoothing-source"
    />
  );
}

function ComparePanel() {
  const busy = useStore((s) => Object.keys(s.jobs).length > 0);
  const [withRejection, setWithRejection] = useState(true);
  return (
    <Section title="Compare training for smoothing (2-D)" testId="smoothing-compare">
      <p className="hint">
        Trains Gaussian augmentation, CAT-RS (paper 002) and CRA (paper 001) on the Playground's data and model at this σ, certifies each on the test points, and puts
        their curves on one plot.
      </p>
      <label className="field check" title="Also train a denoiser and rejectors (paper 003) for the Gaussian model and certify it with sample rejection.">
        <input type="checkbox" checked={withRejection} data-testid="compare-rejection" onChange={(e) => setWithRejection(e.target.checked)} />
        <span className="field-label">+ Gaussian with rejection (paper 003)</span>
      </label>
      <div className="run-buttons">
        <button type="button" data-testid="smoothing-compare-run" disabled={busy} onClick={() => void runSmoothingComparison(withRejection)} title="Train the three methods one after the other, then certify each (the smoothing settings above apply).">
          Compare
        </button>
      </div>
    </Section>
  );
}

function SettingsPanel() {
  const settings = useSmoothing((s) => s.settings);
  const sourceKey = useSmoothing((s) => s.sourceKey);
  const busy = useStore((s) => Object.keys(s.jobs).length > 0);
  const models = useStore((s) => s.models);
  const problems = settingsProblems(settings);
  const src = useMemo(() => resolveSource(sourceKey), [sourceKey, models]); // eslint-disable-line react-hooks/exhaustive-deps
  const ok = !problems.length && !!src && !busy;
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <Section title="Randomized smoothing" testId="smoothing-settings">
      <SourcePicker />
      <SettingField name="sigma" label="sigma" tip="Standard deviation σ of the Gaussian noise added to the input; the certified radius scales with it." unit="input units" />
      <SettingField name="n0" label="n0" tip="Noise samples used to pick the top class before estimating its probability (Cohen et al.: 100)." />
      <SettingField name="n" label="n" tip="Noise samples used to bound the top class's probability (papers: 100,000; fewer certify smaller radii)." />
      <SettingField name="alpha" label="alpha" tip="Failure probability: the certificate holds with probability at least 1 − alpha (papers: 0.001)." />
      <SettingField name="batchSize" label="batch size" tip="Noisy copies classified per forward pass (larger is faster until memory runs out)." />
      <SettingField name="seed" label="seed" tip="Seed of the noise: the same seed on the same backend gives the same certificates." />
      <SettingField name="max" label="inputs" tip="How many test inputs to certify (the first ones, every skip-th)." />
      <SettingField name="skip" label="skip" tip="Certify every skip-th test input (Cohen et al.'s --skip)." />
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="certify" disabled={!ok} onClick={() => void runCertification('certify')} title="CERTIFY each input: its smoothed prediction and a certified l2 radius, or abstain.">
          Certify
        </button>
        <button type="button" data-testid="smoothed-predict" disabled={!ok} onClick={() => void runCertification('predict')} title="PREDICT each input: the smoothed prediction with a binomial test, or abstain (no radius).">
          Predict
        </button>
        <button type="button" onClick={() => fileRef.current?.click()} title="Add a log written by Cohen et al.'s certify.py (idx label predict radius correct time), e.g. certified with PyTorch elsewhere.">
          Import log
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".tsv,.txt,.log,text/plain,text/tab-separated-values"
          data-testid="import-log"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importLog(f);
          }}
        />
      </div>
      {src?.is2d ? (
        <>
          <SettingField name="gridN" label="grid samples" tip="Noise samples per grid cell for the smoothed decision regions (PREDICT per cell)." />
          <SettingField name="gridResolution" label="grid resolution" tip="Cells per side of the grid on which the smoothed classifier is drawn." />
          <div className="run-buttons">
            <button type="button" data-testid="smoothed-grid" disabled={!ok} onClick={() => void runSmoothedGrid()} title="Run PREDICT on every grid cell: the smoothed classifier's decision regions, abstain in grey.">
              Smoothed regions
            </button>
          </div>
        </>
      ) : null}
      {problems.length ? <p className="hint">Fix the flagged settings to run.</p> : null}
    </Section>
  );
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function RunsTable() {
  const runs = useSmoothing((s) => s.runs);
  const eps = useSmoothing((s) => s.settings.selectionEps);
  if (!runs.length) return <p className="hint">No runs yet. Certify a model, or import a log.</p>;
  return (
    <div className="table-scroll">
      <table className="bench-table" data-testid="certify-runs">
        <thead>
          <tr>
            <th>run</th>
            <th title="Inputs done (of planned).">inputs</th>
            <th title="Share of inputs where the smoothed classifier abstained.">abstain</th>
            {TABLE_RADII.map((r) => (
              <th key={r} title={`Certified accuracy at radius ${r}: the share of inputs certified correct with a radius of at least ${r}.`}>
                r={r}
              </th>
            ))}
            <th title="Average certified radius: the mean radius over all inputs, wrong or abstained ones counting 0.">ACR</th>
            <th title={`Paper 001's selector for smoothed models: an input is selected iff its certified radius ≥ eps (${eps}); robust accuracy / robust inaccuracy are the shares selected and correct / selected and wrong.`}>
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
  );
}

function RunRow({ run, eps }: { run: CertRun; eps: number }) {
  const certify = run.mode === 'certify';
  const table = certify ? certifiedAccuracyTable(run.rows, TABLE_RADII) : null;
  const sel = certify ? smoothedSelection(run.rows, eps) : null;
  const abstained = run.rows.filter((row) => row.predict < 0).length;
  const accuracy = run.rows.filter((row) => row.correct === 1).length / (run.rows.length || 1);
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
      <td>{pct(abstained / (run.rows.length || 1))}</td>
      {table ? table.map((v, i) => <td key={i}>{pct(v)}</td>) : TABLE_RADII.map((r, i) => <td key={i}>{i === 0 ? pct(accuracy) : '–'}</td>)}
      <td data-testid="acr">{certify ? averageCertifiedRadius(run.rows).toFixed(3) : '–'}</td>
      <td>{sel ? `${pct(sel.robustAccuracy)} / ${pct(sel.robustInaccuracy)}` : '–'}</td>
      <td>{run.backend ? `${run.backend}, noise on ${run.noise === 'device' ? 'GPU' : 'CPU (JS)'}, ${Math.round(run.drawsPerSecond ?? 0).toLocaleString()} draws/s` : run.origin === 'imported' ? 'imported' : '…'}</td>
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

function RegionsPanel() {
  const sourceKey = useSmoothing((s) => s.sourceKey);
  const models = useStore((s) => s.models);
  const modelId = sourceKey?.startsWith('2d:') ? sourceKey.slice(3) : null;
  const model = modelId ? models[modelId] : undefined;
  const dataset = useStore((s) => (model ? (s.datasets[datasetKey(model.config.data)] ?? null) : null));
  const grid = useSmoothing((s) => (modelId ? (s.grids[modelId] ?? null) : null));
  const runs = useSmoothing((s) => s.runs);
  useEffect(() => {
    if (model) void loadDataset(model.config.data);
  }, [model]);
  const latest = [...runs].reverse().find((r) => r.mode === 'certify' && r.source?.kind === '2d' && r.source.modelId === modelId) ?? null;
  const rows = latest?.rows ?? null;
  const traces = useMemo(() => smoothedRegionTraces(dataset, grid, rows), [dataset, grid, rows]);
  const layout = useMemo(() => smoothedRegionLayout(dataset, rows), [dataset, rows]);
  if (!model) return null;
  return (
    <Section title="Smoothed classifier on the plane" testId="smoothed-regions">
      <p className="hint">
        {grid ? `Regions: PREDICT with n = ${grid.n} per cell, σ = ${grid.sigma}, alpha = ${grid.alpha} (grey: abstain). ` : 'Press "Smoothed regions" to draw the smoothed classifier. '}
        {rows ? `Circles: certified l2 radius of each test point from the latest certification (${rows.length} points).` : ''}
      </p>
      <Plot data={traces} layout={layout} testId="smoothed-regions-plot" />
    </Section>
  );
}

function LatestRows() {
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
              <td>{row.radius == null ? '–' : row.radius.toFixed(3)}</td>
              <td>{row.counts ? row.counts.join(' / ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function SmoothingView() {
  const runs = useSmoothing((s) => s.runs);
  const traces = useMemo(() => certifiedCurveTraces(runs), [runs]);
  return (
    <div className="playground smoothing">
      <aside className="settings">
        <SettingsPanel />
        <ComparePanel />
        <Section title="Selection (paper 001)">
          <SettingField name="selectionEps" label="eps" tip="Paper 001's robustness-indicator selector for smoothed models: select an input iff its certified radius is at least eps." unit="l2" />
        </Section>
      </aside>
      <main className="center">
        <Section title="Certified accuracy against radius" testId="certified-curve">
          <Plot data={traces} layout={certifiedCurveLayout} testId="certified-curve-plot" />
          <RunsTable />
        </Section>
        <RejectionPanel />
        <RegionsPanel />
      </main>
      <aside className="results">
        <LatestRows />
        <LibraryPanel />
      </aside>
    </div>
  );
}
