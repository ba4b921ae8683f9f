/**
 * Rectified Rejection (issue 5, paper 000): evaluate a model's rejectors — confidence, R-Con,
 * energy, SelectiveNet's selection — on clean and attacked test inputs, and watch Theorem 1
 * happen: the R-Con vs confidence scatter with the lines Con = 1/(2 − ξ) and R-Con = 1/2, a ξ
 * slider and a temperature slider that re-read every score live, the metrics table (accuracy,
 * TPR-95 accuracy, ROC-AUC), ROC and accuracy–coverage curves, and on 2-D data R-Con over the plane.
 */
import { useEffect, useMemo } from 'react';
import { type RejectionMetric, type RejectorScoreName, type ScoredSet, COUPLED_REJECTION_PRESET, REJECTION_EVAL_OBJECTIVES, REJECTOR_SCORE_LABELS, REJECTOR_SCORE_SHORT, coupledRejection, scoreMetric } from '../../core/settings';
import { datasetKey, useStore } from '../state/store';
import { loadDataset } from '../state/actions';
import { type AdaptiveObjective, type DataKind, type RectifiedSettings, rectifiedProblems, runCoupledPreset, runRejectionEvaluation, useRectified } from '../state/rectified';
import { readScores } from '../state/rectifiedScores';
import { resolveSource } from '../state/smoothing';
import { Plot } from '../plots/Plot';
import { rconScatterLayout, rconScatterTraces, stageOneThreshold } from '../plots/rconScatter';
import { coverageLayout, coverageTraces, rocLayout, rocTraces } from '../plots/rejectionCurves';
import { rconMapLayout, rconMapTraces } from '../plots/rconMap';
import { LooseNumberField } from './Field';
import { ModelSourcePicker } from './ModelSourcePicker';
import { Section } from './Section';

const ADAPTIVE_NAMES: Record<AdaptiveObjective, string> = {
  'ce-logrcon': 'CE + η·log R-Con',
  'ce-rr': 'CE + η·L_RR',
  'con-rr': 'Con + η·L_RR',
  'con-logrcon': 'Con + η·log R-Con',
  'multi-target': 'Con + η·L_RR, multi-target',
};

function useKind(): DataKind {
  const key = useRectified((s) => s.sourceKey);
  return key?.startsWith('image:') ? 'image' : '2d';
}

function SettingField({ name, label, tip, unit }: { name: Exclude<keyof RectifiedSettings, 'adaptive'>; label: string; tip: string; unit?: string }) {
  const kind = useKind();
  const value = useRectified((s) => s.settings[kind][name]);
  const set = useRectified((s) => s.set);
  return <LooseNumberField key={kind} label={label} tip={tip} unit={unit} value={value} testId={`rr-${name}`} onValue={(v) => set(kind, { [name]: v })} />;
}

function SettingsPanel() {
  const kind = useKind();
  const settings = useRectified((s) => s.settings[kind]);
  const set = useRectified((s) => s.set);
  const sourceKey = useRectified((s) => s.sourceKey);
  const busy = useStore((s) => Object.keys(s.jobs).length > 0);
  const problems = rectifiedProblems(kind, settings);
  const toggle = (o: AdaptiveObjective, on: boolean) => set(kind, { adaptive: on ? [...settings.adaptive, o] : settings.adaptive.filter((x) => x !== o) });
  return (
    <Section title="Rectified Rejection (paper 000)" testId="rr-settings">
      <ModelSourcePicker
        value={sourceKey}
        onChange={(key) => useRectified.setState({ sourceKey: key })}
        label="Model"
        tip="A trained model; R-Con and the adaptive attacks need one trained with Rectified Rejection (its auxiliary head A_φ)."
        empty="No trained model yet: train one with “Rectified Rejection” in the Playground (2-D) or the Images view."
        testId="rr-source"
      />
      <SettingField name="count" label="test inputs" tip="How many test inputs to evaluate (the first ones)." />
      <div className="row">
        <SettingField name="eps" label="eps l∞" tip="Radius of the first PGD set and of the adaptive attacks (paper 000: 8/255)." />
        <SettingField name="eps2" label="eps₂ l∞" tip="Radius of the second PGD set (paper 000: 16/255)." />
        <SettingField name="l2eps" label="eps l₂" tip="Radius of the l₂ PGD set (paper 000: 128/255)." />
      </div>
      <div className="row">
        <SettingField name="steps" label="steps" tip="Iterations of every attack (PGD-10 in the paper's main table)." />
        <SettingField name="eta" label="η" tip="Weight of the rejector term in the adaptive objectives (the paper varies it)." />
        <SettingField name="tpr" label="TPR" tip="Share of correctly classified inputs the rejection threshold keeps (TPR-95: 0.95)." />
      </div>
      <SettingField name="seed" label="seed" tip="Seed of the attacks' random starts." />
      <fieldset className="checks" title="Adaptive attacks (paper 000, Section 6.2): PGD that fools the classifier and pushes the rejector's score up; RR models only.">
        <legend>Adaptive attacks at eps l∞</legend>
        {REJECTION_EVAL_OBJECTIVES.map((o) => (
          <label key={o} className="field check">
            <input type="checkbox" checked={settings.adaptive.includes(o)} data-testid={`rr-adaptive-${o}`} onChange={(e) => toggle(o, e.target.checked)} />
            <span className="field-label">{ADAPTIVE_NAMES[o]}</span>
          </label>
        ))}
      </fieldset>
      {problems.length ? (
        <p className="field-error" role="alert" data-testid="rr-problems">
          {problems.join('; ')}
        </p>
      ) : null}
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="rr-evaluate" disabled={busy || !!problems.length || !sourceKey} onClick={() => void runRejectionEvaluation()} title="Attack the test inputs with every set and score every rejector.">
          Evaluate rejectors
        </button>
      </div>
    </Section>
  );
}

/** The sets re-read at the slider's temperature: Con and R-Con recomputed from the raw outputs. */
function useLiveSets(): ScoredSet[] {
  const evaluation = useRectified((s) => s.evaluation);
  const temperature = useRectified((s) => s.temperature);
  return useMemo(() => {
    if (!evaluation) return [];
    return evaluation.sets.map((set) => {
      const r = readScores(set.logits, set.aux, evaluation.numClasses, temperature);
      return { ...set, scores: { ...set.scores, confidence: r.con, ...(r.rCon ? { rcon: r.rCon } : {}) } };
    });
  }, [evaluation, temperature]);
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');

function Sliders() {
  const xi = useRectified((s) => s.xi);
  const temperature = useRectified((s) => s.temperature);
  const trained = useRectified((s) => s.evaluation?.trainedTemperature ?? null);
  return (
    <div className="row sliders">
      <label className="field" title="ξ of Theorem 1: stage 1 keeps inputs with Con > 1/(2 − ξ); where A_φ is ξ-error, R-Con = 1/2 then separates correct from wrong.">
        <span className="field-label">
          ξ = {xi.toFixed(2)} (Con &gt; {stageOneThreshold(xi).toFixed(3)})
        </span>
        <input type="range" min={0} max={0.95} step={0.01} value={xi} data-testid="rr-xi" onChange={(e) => useRectified.setState({ xi: Number(e.target.value) })} />
      </label>
      <label className="field" title={`Softmax temperature τ at which Con and R-Con are read (Fig. 3: a lower τ lets more inputs pass stage 1)${trained != null ? `; the model was trained at τ = ${trained}` : ''}.`}>
        <span className="field-label">τ = {temperature.toFixed(3)} (log₂ τ = {Math.log2(temperature).toFixed(2)})</span>
        <input type="range" min={-4} max={2} step={0.25} value={Math.log2(temperature)} data-testid="rr-temperature" onChange={(e) => useRectified.setState({ temperature: 2 ** Number(e.target.value) })} />
      </label>
    </div>
  );
}

function ScatterPanel({ sets }: { sets: ScoredSet[] }) {
  const xi = useRectified((s) => s.xi);
  const shown = useRectified((s) => s.shown);
  const evaluation = useRectified((s) => s.evaluation);
  const rr = evaluation?.heads === 'rr';
  const visible = sets.filter((s) => shown.includes(s.id) && s.scores.rcon);
  const traces = useMemo(() => rconScatterTraces(visible.map((s) => ({ name: s.label, adversarial: s.adversarial, con: s.scores.confidence!, rCon: s.scores.rcon!, correct: s.correct }))), [visible]);
  const layout = useMemo(() => rconScatterLayout(xi), [xi]);
  if (!evaluation) return <p className="hint">Evaluate a model to see the R-Con vs confidence scatter, the metrics and the curves.</p>;
  if (!rr) return <p className="hint">This model has no auxiliary head A_φ (train it with Rectified Rejection for R-Con); confidence and energy are in the table.</p>;
  return (
    <Section title="R-Con vs confidence (Theorem 1)" testId="rr-scatter">
      <Sliders />
      <div className="checks" data-testid="rr-shown">
        {sets.map((s) => (
          <label key={s.id} className="field check">
            <input type="checkbox" checked={shown.includes(s.id)} onChange={(e) => useRectified.setState({ shown: e.target.checked ? [...shown, s.id] : shown.filter((x) => x !== s.id) })} />
            <span className="field-label">{s.label}</span>
          </label>
        ))}
      </div>
      <Plot data={traces} layout={layout} testId="rr-scatter-plot" />
      <CoupledTable sets={visible} />
    </Section>
  );
}

function CoupledTable({ sets }: { sets: ScoredSet[] }) {
  const xi = useRectified((s) => s.xi);
  const rows = sets.map((s) => ({ set: s, r: coupledRejection(s.scores.confidence!, s.scores.rcon!, s.correct, xi) }));
  return (
    <table className="bench-table" data-testid="rr-coupled">
      <thead>
        <tr>
          <th>set</th>
          <th title="Inputs with Con > 1/(2 − ξ), which go on to stage 2.">pass stage 1</th>
          <th title="Inputs also with R-Con ≥ 1/2: accepted by the coupled rejector.">accepted</th>
          <th title="Accuracy on the accepted inputs.">accepted accuracy</th>
          <th title="Among stage-1 inputs: correct ones with R-Con ≥ 1/2 and wrong ones below, as a share (1 = R-Con = 1/2 separates them perfectly).">separation at 1/2</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ set, r }) => (
          <tr key={set.id}>
            <td>{set.label}</td>
            <td>{r.counts.passedStage1}</td>
            <td>{r.counts.accepted}</td>
            <td>{pct(r.counts.accepted ? r.counts.acceptedCorrect / r.counts.accepted : NaN)}</td>
            <td>{pct(r.separation.accuracy)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MetricsTable({ sets }: { sets: ScoredSet[] }) {
  const evaluation = useRectified((s) => s.evaluation)!;
  const metrics: RejectionMetric[] = useMemo(
    () => sets.flatMap((set) => evaluation.scoreNames.map((score) => scoreMetric(set, score, { tpr: evaluation.tpr, curve: false }))),
    [sets, evaluation],
  );
  return (
    <Section title="Rejectors under attack" testId="rr-metrics">
      <table className="bench-table" data-testid="rr-metrics-table">
        <thead>
          <tr>
            <th>set</th>
            <th>score</th>
            <th title="Accuracy on all inputs, no rejection.">accuracy</th>
            <th title={`Accuracy on the inputs kept when the threshold keeps ${Math.round(100 * evaluation.tpr)}% of the correctly classified inputs (the authors' threshold rule).`}>TPR-{Math.round(100 * evaluation.tpr)} acc.</th>
            <th title="Share of all inputs kept at that threshold.">kept</th>
            <th title="ROC-AUC of the score separating correctly from wrongly classified inputs (0.5 = no better than chance).">ROC-AUC</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={`${m.set}-${m.score}`} data-testid="rr-metric">
              <td>{sets.find((s) => s.id === m.set)?.label}</td>
              <td title={REJECTOR_SCORE_LABELS[m.score]}>{REJECTOR_SCORE_SHORT[m.score]}</td>
              <td>{pct(m.accuracy)}</td>
              <td>{pct(m.tpr.accuracy)}</td>
              <td>{pct(m.tpr.coverage)}</td>
              <td>{Number.isFinite(m.auc) ? m.auc.toFixed(3) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        “–” in TPR acc.: no input is kept at that threshold — the scores are tied there (e.g. confidences saturated at 1 at a low τ), and the authors' rule keeps only
        scores strictly above it. “–” in ROC-AUC: the set has only correct (or only wrong) inputs.
      </p>
      <p className="hint">
        {evaluation.n} test inputs of {evaluation.modelName}, read at τ = {useRectified.getState().temperature.toFixed(3)}; {(evaluation.elapsedMs / 1000).toFixed(1)} s.
      </p>
    </Section>
  );
}

function CurvesPanel({ sets }: { sets: ScoredSet[] }) {
  const curveSet = useRectified((s) => s.curveSet);
  const set = sets.find((s) => s.id === curveSet) ?? sets[0];
  const scores = set ? (set.scores as Partial<Record<RejectorScoreName, Float32Array>>) : {};
  const roc = useMemo(() => (set ? rocTraces(scores, set.correct) : []), [set]); // eslint-disable-line react-hooks/exhaustive-deps
  const cov = useMemo(() => (set ? coverageTraces(scores, set.correct) : []), [set]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!set) return null;
  return (
    <Section title="ROC and accuracy–coverage" testId="rr-curves">
      <label className="field">
        <span className="field-label">set</span>
        <select value={set.id} data-testid="rr-curve-set" onChange={(e) => useRectified.setState({ curveSet: e.target.value })}>
          {sets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {roc.length ? <Plot data={roc} layout={rocLayout} testId="rr-roc-plot" /> : <p className="hint">Every input of this set is correct (or every one wrong): no ROC curve.</p>}
      <Plot data={cov} layout={coverageLayout} testId="rr-coverage-plot" />
    </Section>
  );
}

function MapPanel() {
  const grid = useRectified((s) => s.grid);
  const temperature = useRectified((s) => s.temperature);
  const sourceKey = useRectified((s) => s.sourceKey);
  const model = useStore((s) => (sourceKey?.startsWith('2d:') ? s.models[sourceKey.slice(3)] : undefined));
  const dataset = useStore((s) => (model ? (s.datasets[datasetKey(model.config.data)] ?? null) : null));
  const traces = useMemo(() => (grid ? rconMapTraces(grid, temperature, dataset) : []), [grid, temperature, dataset]);
  useEffect(() => {
    if (model) void loadDataset(model.config.data);
  }, [model]);
  if (!grid || !model || grid.modelId !== model.id) return null;
  return (
    <Section title="R-Con over the plane" testId="rr-map">
      <Plot data={traces} layout={rconMapLayout(grid)} testId="rr-map-plot" />
    </Section>
  );
}

function PresetPanel() {
  const busy = useStore((s) => Object.keys(s.jobs).length > 0);
  return (
    <Section title="Preset" testId="rr-preset">
      <p className="hint">{COUPLED_REJECTION_PRESET.description}</p>
      <div className="run-buttons">
        <button type="button" data-testid="rr-preset-run" disabled={busy} onClick={() => void runCoupledPreset()} title="Train the preset's model (about half a minute on WASM), evaluate it, and show its PGD-10 examples.">
          {COUPLED_REJECTION_PRESET.label}
        </button>
      </div>
    </Section>
  );
}

export function RectifiedView() {
  const sets = useLiveSets();
  const evaluation = useRectified((s) => s.evaluation);
  const sourceKey = useRectified((s) => s.sourceKey);
  const fresh = evaluation && resolveSource(sourceKey) && `${evaluation.source.kind}:${evaluation.source.modelId}` === sourceKey;
  return (
    <div className="playground rectified">
      <aside className="settings">
        <SettingsPanel />
        <PresetPanel />
      </aside>
      <main className="center">
        {evaluation && !fresh ? <p className="hint">Showing the evaluation of {evaluation.modelName}; press “Evaluate rejectors” for the chosen model.</p> : null}
        <ScatterPanel sets={sets} />
        {evaluation ? <MetricsTable sets={sets} /> : null}
      </main>
      <aside className="results">
        <CurvesPanel sets={sets} />
        <MapPanel />
      </aside>
    </div>
  );
}
