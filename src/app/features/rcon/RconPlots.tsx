/** The Rectified Rejection view's plots: the R-Con vs confidence scatter with its sliders, ROC and accuracy–coverage curves, and R-Con over the 2-D plane. */
import { useEffect, useMemo } from 'react';
import type { RejectorScoreName, ScoredSet } from '../../../core/settings';
import { datasetKey, useStore } from '../../state/store';
import { loadDataset } from '../../state/playgroundModels';
import { useRcon } from './rconRejection';
import { playgroundModelIdOf } from '../../state/modelSource';
import { Plot } from '../../plots/Plot';
import { rconScatterLayout, rconScatterTraces, stageOneThreshold } from './rconScatter';
import { coverageLayout, coverageTraces, rocLayout, rocTraces } from './rconRejectionCurves';
import { RCON_GRADIENT, rconAt, rconMap, rconMapLayout } from './rconMap';
import { CanvasPlot } from '../../plots/CanvasPlot';
import { boundsKey } from '../../plots/decisionRegions';
import { Section } from '../../ui/Section';
import { LabeledSelect } from '../../ui/Select';
import { CoupledTable } from './RconTables';

function Sliders() {
  const xi = useRcon((s) => s.xi);
  const temperature = useRcon((s) => s.temperature);
  const trained = useRcon((s) => s.evaluation?.trainedTemperature ?? null);
  return (
    <div className="row sliders">
      <label className="field" title="ξ of Theorem 1: stage 1 keeps inputs with Con > 1/(2 − ξ); where A_φ is ξ-error, R-Con = 1/2 then separates correct from wrong.">
        <span className="field-label">
          ξ = {xi.toFixed(2)} (Con &gt; {stageOneThreshold(xi).toFixed(3)})
        </span>
        <input type="range" min={0} max={0.95} step={0.01} value={xi} data-testid="rr-xi" onChange={(e) => useRcon.setState({ xi: Number(e.target.value) })} />
      </label>
      <label className="field" title={`Softmax temperature τ at which Con and R-Con are read (Fig. 3: a lower τ lets more inputs pass stage 1)${trained != null ? `; the model was trained at τ = ${trained}` : ''}.`}>
        <span className="field-label">τ = {temperature.toFixed(3)} (log₂ τ = {Math.log2(temperature).toFixed(2)})</span>
        <input type="range" min={-4} max={2} step={0.25} value={Math.log2(temperature)} data-testid="rr-temperature" onChange={(e) => useRcon.setState({ temperature: 2 ** Number(e.target.value) })} />
      </label>
    </div>
  );
}

export function RconScatterPanel({ sets }: { sets: ScoredSet[] }) {
  const xi = useRcon((s) => s.xi);
  const shown = useRcon((s) => s.shown);
  const evaluation = useRcon((s) => s.evaluation);
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
            <input type="checkbox" checked={shown.includes(s.id)} onChange={(e) => useRcon.setState({ shown: e.target.checked ? [...shown, s.id] : shown.filter((x) => x !== s.id) })} />
            <span className="field-label">{s.label}</span>
          </label>
        ))}
      </div>
      <CanvasPlot traces={traces} layout={layout} region={null} testId="rr-scatter-plot" />
      <CoupledTable sets={visible} />
    </Section>
  );
}

export function RconCurvesPanel({ sets }: { sets: ScoredSet[] }) {
  const curveSet = useRcon((s) => s.curveSet);
  const set = sets.find((s) => s.id === curveSet) ?? sets[0];
  const roc = useMemo(() => (set ? rocTraces(set.scores as Partial<Record<RejectorScoreName, Float32Array>>, set.correct) : []), [set]);
  const cov = useMemo(() => (set ? coverageTraces(set.scores as Partial<Record<RejectorScoreName, Float32Array>>, set.correct) : []), [set]);
  if (!set) return null;
  return (
    <Section title="ROC and accuracy–coverage" testId="rr-curves">
      <LabeledSelect label="set" testId="rr-curve-set" value={set.id} options={sets.map((s) => ({ value: s.id, label: s.label }))} onChange={(id) => useRcon.setState({ curveSet: id })} />
      {roc.length ? <Plot data={roc} layout={rocLayout} testId="rr-roc-plot" /> : <p className="hint">Every input of this set is correct (or every one wrong): no ROC curve.</p>}
      <Plot data={cov} layout={coverageLayout} testId="rr-coverage-plot" />
    </Section>
  );
}

export function RconMapPanel() {
  const grid = useRcon((s) => s.grid);
  const temperature = useRcon((s) => s.temperature);
  const sourceKey = useRcon((s) => s.sourceKey);
  const modelId = playgroundModelIdOf(sourceKey);
  const model = useStore((s) => (modelId ? s.models[modelId] : undefined));
  const dataset = useStore((s) => (model ? (s.datasets[datasetKey(model.config.data)] ?? null) : null));
  const map = useMemo(() => (grid ? rconMap(grid, temperature, dataset) : null), [grid, temperature, dataset]);
  const layout = useMemo(() => (grid ? rconMapLayout(grid) : null), [grid]);
  useEffect(() => {
    if (model) void loadDataset(model.config.data);
  }, [model]);
  if (!grid || !map || !layout || !model || grid.modelId !== model.id) return null;
  return (
    <Section title="R-Con over the plane" testId="rr-map">
      <CanvasPlot key={boundsKey(grid.bounds)} traces={map.traces} layout={layout} region={map.region} testId="rr-map-plot" valueAt={(x, y) => rconAt(grid, map.rCon, x, y)} />
      <div className="color-key" aria-label="Colour key: R-Con from 0 to 1">
        <span>R-Con 0</span>
        <span className="color-key-bar" style={{ background: RCON_GRADIENT }} />
        <span>1</span>
      </div>
      <p className="hint">Vermillion where R-Con is low (the input would be rejected), white at 1/2, blue where it is high; the black line is R-Con = 1/2.</p>
    </Section>
  );
}
