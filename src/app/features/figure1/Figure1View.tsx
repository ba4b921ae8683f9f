/**
 * The preset "Robust inaccuracy — Merkli et al., Figure 1": one click trains standard, TRADES and
 * ERA models on the three-Gaussian data and shows their decision regions side by side, each
 * point coloured by the 4-way split, with each model's metrics below.
 */
import { useState } from 'react';
import { FIGURE1_QUICK, figure1ModelId, runFigure1 } from './figure1Actions';
import { PresetButton } from '../../ui/PresetButton';
import { ViewIntro } from '../../ui/ViewIntro';
import { useStore } from '../../state/store';
import { CompositionPanel } from '../playground/CompositionPanel';
import { MetricsTable } from '../playground/MetricsPanel';
import { DisplayToggles, RegionsPlot } from '../playground/RegionsPanel';
import { FIGURE1_PRESET, SPLIT_CATEGORIES, SPLIT_LABELS } from '../../../core/settings';
import { SPLIT_COLORS } from '../../plots/colors';

function SplitLegend() {
  return (
    <div className="legend">
      {SPLIT_CATEGORIES.map((c) => (
        <span key={c}>
          <span className="swatch" style={{ background: SPLIT_COLORS[c] }} />
          {SPLIT_LABELS[c]}
        </span>
      ))}
      <span>· circles: training points, diamonds: test points, lines: clean → adversarial</span>
    </div>
  );
}

const PAPER_NUMBERS: Record<string, string> = {
  standard: 'paper: 100% accurate, 91.1% robust & accurate',
  trades: 'paper: 98.4% robust accuracy, 1.6% robust inaccuracy',
  era: 'paper: 98.4% robust accuracy, 0% robust inaccuracy',
};

export function Figure1View() {
  const evaluations = useStore((s) => s.evaluations);
  const models = useStore((s) => s.models);
  const [size, setSize] = useState(FIGURE1_QUICK.size);
  const [epochs, setEpochs] = useState(FIGURE1_QUICK.epochs);
  const full = { size: FIGURE1_PRESET.config.data.size, epochs: FIGURE1_PRESET.config.training.epochs };
  const c = FIGURE1_PRESET.config;
  const sizeOk = Number.isInteger(size) && size >= 10 && size <= 100000;
  const epochsOk = Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000;
  return (
    <div className="figure1" data-testid="figure1-view">
      <ViewIntro
        id="figure1"
        title="Robust inaccuracy: three ways of training compared"
        idea="Standard training, TRADES and ERA learn the same three Gaussians; each model is attacked and its points split four ways. Adversarial training leaves points that are robust but wrong; ERA turns them into non-robust ones, which a selector can then abstain on."
        papers={['era']}
      />
      <div className="preset-head">
        <div>
          <h2>{FIGURE1_PRESET.label}</h2>
          <p className="hint">
            {FIGURE1_PRESET.description} Setup of Appendix A.2: MLP 4×64 ReLU, SGD lr {c.training.learningRate}, batch {c.training.batchSize}, PGD-{c.training.attack.steps} in training,
            β<sub>TRADES</sub> = {c.training.tradesBeta}, β<sub>ERA</sub> = {c.training.eraBeta}; the split is measured on the training points with APGD-CE-{c.evaluation.attack.steps}, l∞ eps ={' '}
            {c.evaluation.attack.eps}. The paper does not give the Gaussians' placement, eps or β<sub>ERA</sub>: they follow the authors' released code.
          </p>
        </div>
        <div className="preset-controls">
          <label className={`field${sizeOk ? '' : ' invalid'}`} title="Points generated, 20% of them held out (the paper trains on 1,000: 1,250 here).">
            <span className="field-label">Points (train + test)</span>
            <input type="text" inputMode="numeric" data-testid="preset-size" value={Number.isNaN(size) ? '' : size} onChange={(e) => setSize(e.target.value.trim() === '' ? NaN : Number(e.target.value))} />
            {sizeOk ? null : <span className="field-error" role="alert">Points must be a whole number between 10 and 100000</span>}
          </label>
          <label className={`field${epochsOk ? '' : ' invalid'}`} title="Epochs per model (the paper uses 20).">
            <span className="field-label">Epochs</span>
            <input type="text" inputMode="numeric" data-testid="preset-epochs" value={Number.isNaN(epochs) ? '' : epochs} onChange={(e) => setEpochs(e.target.value.trim() === '' ? NaN : Number(e.target.value))} />
            {epochsOk ? null : <span className="field-error" role="alert">Epochs must be a whole number between 1 and 1000</span>}
          </label>
          <PresetButton run={{ preset: 'figure1', work: size * epochs }} testId="run-preset" disabled={!sizeOk || !epochsOk} onRun={() => runFigure1({ size, epochs })}>
            Run preset
          </PresetButton>
          <PresetButton
            run={{ preset: 'figure1', work: full.size * full.epochs }}
            testId="run-preset-full"
            primary={false}
            title="The paper's size: 1,250 points (1,000 for training), 20 epochs per model."
            onRun={() => {
              setSize(full.size);
              setEpochs(full.epochs);
              return runFigure1(full);
            }}
          >
            Full paper size
          </PresetButton>
        </div>
      </div>
      <DisplayToggles />
      <SplitLegend />
      <div className="triptych">
        {FIGURE1_PRESET.methods.map((m) => {
          const id = figure1ModelId(m);
          const ev = evaluations[id];
          return (
            <div className="panel" key={m} data-testid={`fig1-panel-${m}`}>
              <RegionsPlot modelId={models[id] ? id : null} title={models[id]?.name ?? `${m} (not trained yet)`} showLegend={false} testId={`fig1-plot-${m}`} />
              {ev ? <MetricsTable view={ev} /> : <p className="hint">Metrics appear after the run.</p>}
              <p className="hint paper-ref">{PAPER_NUMBERS[m]}</p>
            </div>
          );
        })}
      </div>
      <CompositionPanel />
    </div>
  );
}
