/** The 2-D robustness playground: settings on the left, decision regions in the middle, curves and metrics on the right. */
import { evaluateModel, gridSplitModel, trainPlayground } from './playgroundActions';
import { fieldsValid, useStore } from '../../state/store';
import { SPLIT_CATEGORIES, SPLIT_LABELS } from '../../../core/settings';
import { CompositionPanel } from './CompositionPanel';
import { NextStepHint } from './NextStepHint';
import { CurvesPanel } from './CurvesPanel';
import { MetricsTable } from './MetricsPanel';
import { LibraryPanel } from '../library/LibraryPanel';
import { ModelList } from './ModelList';
import { DisplayToggles, RegionsPlot } from './RegionsPanel';
import { AttackSettings, DataSettings, ModelSettings, TrainingSettings } from './PlaygroundSettings';
import { Section } from '../../ui/Section';
import { useBusy } from '../../ui/useBusy';
import { pct } from '../../ui/format';
import { ViewColumns } from '../../ui/ViewColumns';
import { ViewIntro } from '../../ui/ViewIntro';

function RunButtons() {
  const errors = useStore((s) => s.fieldErrors);
  const busy = useBusy();
  const active = useStore((s) => s.activeModelId);
  const hasModel = useStore((s) => (active ? !!s.models[active] : false));
  const evalSet = useStore((s) => s.display.evalSet);
  const setDisplay = useStore((s) => s.setDisplay);
  // Training ends with an attack on the test points, so every setting must be valid.
  const trainOk = Object.keys(errors).length === 0;
  const evalOk = fieldsValid(errors, ['evaluation']);
  return (
    <div className="run-buttons">
      <button type="button" className="primary" data-testid="train" disabled={busy || !trainOk} onClick={() => void trainPlayground()} title={trainOk ? 'Train a fresh model with these settings.' : 'Fix the highlighted settings first.'}>
        Train
      </button>
      <button type="button" data-testid="attack" disabled={busy || !hasModel || !evalOk} onClick={() => active && void evaluateModel(active)} title="Attack the points and split them into the four categories.">
        Attack points
      </button>
      <button type="button" data-testid="grid-split" disabled={busy || !hasModel || !evalOk} onClick={() => active && void gridSplitModel(active)} title="Attack every grid cell too (slower) and colour the plane by the 4-way split, against the generator's noise-free labels.">
        Grid robustness
      </button>
      <label className="toggle" title="Which points to attack.">
        attack{' '}
        <select value={evalSet} data-testid="eval-set" onChange={(e) => setDisplay({ evalSet: e.target.value as 'train' | 'test' })}>
          <option value="test">test points</option>
          <option value="train">training points</option>
        </select>
      </label>
    </div>
  );
}

export function PlaygroundView() {
  const active = useStore((s) => s.activeModelId);
  const model = useStore((s) => (active ? s.models[active] : undefined));
  const evaluation = useStore((s) => (active ? s.evaluations[active] : undefined));
  const gridSplit = useStore((s) => (active ? s.gridSplits[active] : undefined));
  return (
    <ViewColumns
      intro={<ViewIntro id="playground" title="Playground: attacks on 2-D data" idea="A small network learns to separate points in the plane, and an attack (PGD) moves each test point within a box of half-width eps to change its prediction. The 4-way split sorts the points by whether the model is right and whether the attack can change its answer: robust but wrong is robust inaccuracy." papers={['era']} />}
      settings={
        <>
          <DataSettings />
          <ModelSettings />
          <TrainingSettings />
          <AttackSettings />
        </>
      }
      center={
        <>
          <RunButtons />
          <DisplayToggles />
          <RegionsPlot modelId={active} title={model ? model.name : 'Data (train a model to see its decision regions)'} />
          <NextStepHint />
          {gridSplit ? (
            <p className="hint" data-testid="grid-split-summary">
              Grid ({gridSplit.resolution}×{gridSplit.resolution}): {SPLIT_CATEGORIES.map((c) => `${SPLIT_LABELS[c]} ${pct(gridSplit.fractions[c])}`).join(', ')} — grid cells are
              labelled by the data generator's noise-free rule (nearest class manifold).
            </p>
          ) : null}
        </>
      }
      results={
        <>
          <Section title="Metrics" testId="metrics-panel">
            {evaluation ? <MetricsTable view={evaluation} /> : <p className="hint">Train a model, then attack its points to see natural accuracy, robust accuracy and robust inaccuracy.</p>}
          </Section>
          <CurvesPanel />
          <ModelList />
          <CompositionPanel />
          <LibraryPanel />
        </>
      }
    />
  );
}
