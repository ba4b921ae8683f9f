/**
 * Sample rejection (Sheikholeslami et al.) in the Smoothing view: train a denoiser D and K rejectors in front
 * of the chosen model, certify with rejection (the run joins the certified-accuracy plot above),
 * and look at each input's counts as in the paper's Fig. 6.
 */
import { useMemo } from 'react';
import type { RejectionSystemView } from '../../../../workers/protocol';
import { type EpochLoss, type NumericNoiseRejectionSetting, type NoiseRejectionSettings, certifyWithNoiseRejection, forgetNoiseRejection, noiseRejectionSettingProblems, trainNoiseRejection, useNoiseRejection } from './noiseRejection';
import { settingsProblems, useSmoothing } from './smoothing';
import { Plot } from '../../plots/Plot';
import { NOISE_REJECTION_HISTOGRAM_CAPTION, countedRows, noiseRejectionHistogramLayout, noiseRejectionHistogramTraces } from './noiseRejectionHistogram';
import { FieldFrame, type SettingBinding, SettingField } from '../../ui/SettingField';
import { Checkbox } from '../../ui/Checkbox';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';
import { pct } from '../../ui/format';

function useNoiseRejectionSetting(name: NumericNoiseRejectionSetting): SettingBinding {
  const value = useNoiseRejection((s) => s.settings[name]);
  const set = useNoiseRejection((s) => s.set);
  const error = useNoiseRejection((s) => noiseRejectionSettingProblems(s.settings)[name]);
  return { value, error, onValue: (v) => set({ [name]: v }) };
}

function CheckSetting({ name, label, tip }: { name: 'stability' | 'splitAlpha'; label: string; tip: string }) {
  const value = useNoiseRejection((s) => s.settings[name]);
  const set = useNoiseRejection((s) => s.set);
  return <Checkbox label={label} tip={tip} checked={value} testId={`rejection-${name}`} onChange={(on) => set({ [name]: on } as Partial<NoiseRejectionSettings>)} />;
}

/** Per training stage: epochs, first and last epoch loss. */
function LossTable({ losses }: { losses: EpochLoss[] }) {
  const stages = [...new Set(losses.map((l) => `${l.part}:${l.stage}`))];
  if (!stages.length) return null;
  return (
    <div className="table-scroll">
      <table className="bench-table" data-testid="rejection-losses">
        <thead>
          <tr>
            <th>part</th>
            <th title="mse: ||D(x+ε) − x||²; stability: CE(f(D(x+ε)), f(x)); rejection: BCE of head f(x) against b = 1[f(D(x+ε)) ≠ f(x)] (Eq. 7–9).">loss</th>
            <th>epochs</th>
            <th>first epoch</th>
            <th>last epoch</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((key) => {
            const rows = losses.filter((l) => `${l.part}:${l.stage}` === key);
            return (
              <tr key={key}>
                <td>{rows[0].part}</td>
                <td>{rows[0].stage}</td>
                <td>{rows.length}</td>
                <td>{rows[0].loss.toFixed(4)}</td>
                <td>{rows[rows.length - 1].loss.toFixed(4)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function SystemSummary({ view }: { view: RejectionSystemView }) {
  const d = view.denoiser;
  const r = view.rejectors;
  return (
    <div data-testid="rejection-system">
      <p className="hint">
        σ = {view.settings.sigma}: denoiser {d.kind === 'none' ? 'none (D = identity)' : `${d.kind}, ${d.epochsCompleted} / ${d.epochsPlanned} epochs`}; rejectors {r.kind}, {r.epochsCompleted} / {r.epochsPlanned} epochs; {view.trainInputs} training inputs; {view.status} in{' '}
        {(view.elapsedMs / 1000).toFixed(1)} s.
      </p>
      <div className="table-scroll">
        <table className="bench-table" data-testid="rejection-evaluation">
          <tbody>
            <tr title={`On ${view.evalInputs} test inputs, one noise draw each: mean ||D(x+ε) − x||² against ||ε||² without a denoiser.`}>
              <th>denoiser MSE / no denoiser</th>
              <td>{d.evaluation ? `${d.evaluation.mse.toFixed(4)} / ${d.evaluation.noisyMse.toFixed(4)}` : '–'}</td>
            </tr>
            <tr title="Share of noisy test inputs where f(D(x+ε)) = f(x).">
              <th>f unchanged under noise</th>
              <td>{pct(d.evaluation?.stability, 1, '–')}</td>
            </tr>
            <tr title={`On ${view.evalInputs} test inputs × T = ${view.settings.noiseDraws} draws: the share with b = 1 (f(D(x+ε)) ≠ f(x)), i.e. what the rejectors should reject.`}>
              <th>target b = 1</th>
              <td data-testid="rejection-target-rate">{pct(r.evaluation?.targetRate, 1, '–')}</td>
            </tr>
            <tr title={`Share of those samples that head f(x) rejects at threshold ${view.settings.threshold}.`}>
              <th>rejected</th>
              <td data-testid="rejection-reject-rate">{pct(r.evaluation?.rejectRate, 1, '–')}</td>
            </tr>
            <tr title="Share of samples where the head's decision equals b.">
              <th>rejector accuracy on b</th>
              <td data-testid="rejection-accuracy">{pct(r.evaluation?.accuracy, 1, '–')}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Histogram() {
  const runs = useSmoothing((s) => s.runs);
  const selected = useNoiseRejection((s) => s.selectedRunId);
  const candidates = runs.filter((r) => r.rejection && r.mode === 'certify');
  const run = candidates.find((r) => r.id === selected) ?? candidates[candidates.length - 1] ?? null;
  const n = run?.options?.n ?? 1;
  const rows = run?.rows;
  const traces = useMemo(() => (rows ? noiseRejectionHistogramTraces(rows, n) : []), [rows, n]);
  const layout = useMemo(() => noiseRejectionHistogramLayout(n), [n]);
  if (!run) return <p className="hint">Certify with rejection to see each input’s counts (Sheikholeslami et al., Fig. 6).</p>;
  return (
    <div data-testid="rejection-histogram">
      <FieldFrame label="run" tip="The certification with rejection whose counts are drawn.">
        <select value={run.id} data-testid="rejection-run" onChange={(e) => useNoiseRejection.setState({ selectedRunId: e.target.value })}>
          {candidates.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.rows.length} inputs)
            </option>
          ))}
        </select>
      </FieldFrame>
      <Plot data={traces} layout={layout} testId="rejection-histogram-plot" />
      <p className="hint" data-testid="rejection-histogram-caption">
        {NOISE_REJECTION_HISTOGRAM_CAPTION} Here N = n = {n}, {countedRows(run.rows).length} inputs, threshold {run.rejection?.threshold}
        {run.rejection?.splitAlpha ? ', alpha split between the two bounds' : ''}.
      </p>
    </div>
  );
}

export function NoiseRejectionPanel() {
  const sourceKey = useSmoothing((s) => s.sourceKey);
  const smoothingOk = useSmoothing((s) => settingsProblems(s.settings).length === 0);
  const busy = useBusy();
  const settings = useNoiseRejection((s) => s.settings);
  const system = useNoiseRejection((s) => (sourceKey ? s.systems[sourceKey] : undefined));
  const live = useNoiseRejection((s) => s.live);
  const problems = Object.values(noiseRejectionSettingProblems(settings));
  const ok = !!sourceKey && smoothingOk && !problems.length && !busy;
  const losses = live && live.key === sourceKey ? live.losses : system ? [...system.denoiser.history.map((stats) => ({ part: 'denoiser' as const, ...stats })), ...system.rejectors.history.map((stats) => ({ part: 'rejectors' as const, ...stats }))] : [];
  return (
    <Section title="Sample rejection (Sheikholeslami et al.)" testId="rejection">
      <p className="hint">
        A denoiser D in front of the chosen model f and one rejector head h_k per class, trained at the smoothing σ: f_R answers R (rejected) when head f(D(x+ε)) flags the denoised input. Certification uses the Randomized smoothing settings (σ, n0, n, alpha,
        inputs) and counts each sample as the top class, rejected, or another class (Theorem 3.1).
      </p>
      <div className="row">
        <SettingField name="denoiserEpochs" useSetting={useNoiseRejectionSetting} testId="rejection-denoiserEpochs" label="denoiser epochs" tip="Epochs of the MSE loss ||D(x+ε) − x||² on the training inputs; 0 (with stability off) means no denoiser, i.e. rejection on the raw noisy input." />
        <SettingField name="denoiserLearningRate" useSetting={useNoiseRejectionSetting} testId="rejection-denoiserLearningRate" label="denoiser lr" tip="Adam learning rate of the denoiser; the last third of the epochs use a tenth of it (the papers' step decay, compressed)." />
        <CheckSetting name="stability" label="stability loss" tip="After the MSE epochs, fine-tune D with the stability loss CE(f(D(x+ε)), f(x)) against the frozen classifier (Salman et al.), at a tenth of the denoiser's learning rate." />
        {settings.stability ? <SettingField name="stabilityEpochs" useSetting={useNoiseRejectionSetting} testId="rejection-stabilityEpochs" label="stability epochs" tip="Epochs of the stability loss after the MSE epochs (paper: 20 after 90)." /> : null}
        <SettingField name="rejectorEpochs" useSetting={useNoiseRejectionSetting} testId="rejection-rejectorEpochs" label="rejector epochs" tip="Epochs of Eq. 7–9: the head of class f(x) learns to flag samples with f(D(x+ε)) ≠ f(x) (paper: 20)." />
        <SettingField name="rejectorLearningRate" useSetting={useNoiseRejectionSetting} testId="rejection-rejectorLearningRate" label="rejector lr" tip="Adam learning rate of the rejectors; the last third of the epochs use a tenth of it." />
        <SettingField name="noiseDraws" useSetting={useNoiseRejectionSetting} testId="rejection-noiseDraws" label="T noise draws" tip="Noise draws per training input for the rejectors (paper: T = 20); each mini-batch becomes T·B noisy samples." />
        <SettingField name="trainBatchSize" useSetting={useNoiseRejectionSetting} testId="rejection-trainBatchSize" label="training batch" tip="Training inputs per mini-batch, for the denoiser and the rejectors." />
        <SettingField name="trainMax" useSetting={useNoiseRejectionSetting} testId="rejection-trainMax" label="training inputs" tip="Train on at most this many training inputs (the first ones)." />
        <SettingField name="threshold" useSetting={useNoiseRejectionSetting} testId="rejection-threshold" label="threshold" tip="Head h_k rejects when its sigmoid output is at least this threshold (paper: 0.5); a higher threshold rejects less." />
        <CheckSetting
          name="splitAlpha"
          label="split alpha"
          tip="Take each of the two lower bounds (on P(top class) and on P(top class or rejected)) at alpha/2, so that the certificate holds with probability ≥ 1 − alpha; the paper takes each at alpha, which by the union bound guarantees only 1 − 2·alpha jointly."
        />
      </div>
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="train-rejection" disabled={!ok} onClick={() => void trainNoiseRejection()} title="Train the denoiser (MSE, then optionally stability) and the rejectors (Eq. 7–9) for the chosen model at the smoothing σ.">
          Train denoiser + rejectors
        </button>
        <button type="button" data-testid="certify-rejection" disabled={!ok} onClick={() => void certifyWithNoiseRejection()} title="CERTIFY the chosen model's test inputs with the denoiser and rejectors (Theorem 3.1); the run joins the certified-accuracy plot.">
          Certify with rejection
        </button>
        <button type="button" data-testid="drop-rejection" disabled={!system || busy} onClick={() => void forgetNoiseRejection()} title="Free the worker's denoiser and rejectors of this model.">
          Forget
        </button>
      </div>
      {problems.length ? <p className="hint">Fix the flagged settings to run.</p> : null}
      {system ? <SystemSummary view={system} /> : <p className="hint">No denoiser and rejectors for this model yet.</p>}
      <LossTable losses={losses} />
      <Histogram />
    </Section>
  );
}
