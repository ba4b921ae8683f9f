/** Image models: train, attack, export/import in the tfjs format, save; curves and the attack panel. */
import { useMemo } from 'react';
import type { ImageAttackView } from '../../../../workers/protocol';
import { pct } from '../../ui/format';
import { TrainingCurves } from '../../plots/TrainingCurves';
import { attackImage, exportImageModel, importImageModelFiles, saveImageModelToLibrary, trainImage } from './imageActions';
import { useStore } from '../../state/store';
import { ImageCanvas } from './ImageCanvas';
import { ResultDownloads } from '../../ui/ResultDownloads';
import { SPLIT_CATEGORIES } from '../../../core/settings';
import { Section } from '../../ui/Section';
import { LabeledSelect } from '../../ui/Select';
import { useBusy } from '../../ui/useBusy';
import { FileButton } from '../../ui/FileButton';

function Perturbation({ clean, adversarial, shape, eps }: { clean: Float32Array; adversarial: Float32Array; shape: readonly number[]; eps: number }) {
  // Amplified for display: the perturbation mapped from [-eps, eps] to [0, 1] (grey = unchanged).
  const shown = useMemo(() => Float32Array.from(adversarial, (a, i) => 0.5 + (a - clean[i]) / (2 * Math.max(eps, 1e-9))), [clean, adversarial, eps]);
  return <ImageCanvas pixels={shown} shape={shape} size={72} title="perturbation, amplified to the full range (grey = 0)" />;
}

function AttackExamples({ view, classNames }: { view: ImageAttackView; classNames: string[] }) {
  const name = (k: number) => classNames[k] ?? `class ${k}`;
  return (
    <div className="examples" data-testid="attack-examples">
      {view.examples.map((e) => (
        <div className="example" key={e.index} data-testid="attack-example">
          <figure>
            <ImageCanvas pixels={e.clean} shape={view.shape} size={72} />
            <figcaption>
              clean: <strong>{name(e.prediction)}</strong> {pct(e.confidence, 0)}
              <br />
              label {name(e.label)}
            </figcaption>
          </figure>
          <figure>
            <Perturbation clean={e.clean} adversarial={e.adversarial} shape={view.shape} eps={view.attack.eps} />
            <figcaption>
              perturbation ×{(0.5 / Math.max(view.attack.eps, 1e-9)).toFixed(0)}
              <br />
              {view.attack.norm === 'linf' ? 'l∞' : 'l₂'} {e.perturbationNorm.toFixed(4)}
            </figcaption>
          </figure>
          <figure>
            <ImageCanvas pixels={e.adversarial} shape={view.shape} size={72} />
            <figcaption className={e.adversarialPrediction !== e.prediction ? 'flipped' : ''}>
              adversarial: <strong>{name(e.adversarialPrediction)}</strong> {pct(e.adversarialConfidence, 0)}
            </figcaption>
          </figure>
        </div>
      ))}
    </div>
  );
}

export function ImageModelPanel() {
  const models = useStore((s) => s.imageModels);
  const active = useStore((s) => s.activeImageModelId);
  const dataset = useStore((s) => s.imageDataset);
  const errors = useStore((s) => s.imageErrors);
  const busy = useBusy();
  const attack = useStore((s) => (active ? s.imageAttacks[active] : undefined));
  const model = active ? models[active] : undefined;
  const history = model?.history;
  const valid = Object.keys(errors).length === 0;
  return (
    <>
      <Section title="Image model" testId="image-model-panel">
        <div className="run-buttons">
          <button type="button" className="primary" data-testid="train-image" disabled={busy || !dataset || !valid} onClick={() => void trainImage()} title={dataset ? 'Train a fresh model with these settings.' : 'Load a dataset first.'}>
            Train
          </button>
          <button type="button" data-testid="attack-image" disabled={busy || !model || !dataset || !valid} onClick={() => active && void attackImage(active)} title="Attack the first test images.">
            Attack test images
          </button>
          <button type="button" data-testid="export-image-model" disabled={busy || !model} onClick={() => active && void exportImageModel(active)} title="Download model.json + weights.bin (tfjs LayersModel format).">
            Export
          </button>
          <FileButton
            testId="import-image-model"
            inputTestId="import-image-model-files"
            disabled={busy || !dataset}
            multiple
            accept=".json,.bin"
            onFiles={(files) => void importImageModelFiles(files)}
            title="Load model.json + weights.bin (tfjs LayersModel format, e.g. from Keras via tfjs-converter)."
          >
            Import…
          </FileButton>
          <button type="button" data-testid="save-image-model" disabled={busy || !model} onClick={() => active && void saveImageModelToLibrary(active)} title="Keep this model in the browser (IndexedDB).">
            Save
          </button>
        </div>
        {Object.keys(models).length ? (
          <LabeledSelect
            label="Model shown"
            testId="image-model-select"
            value={active ?? ''}
            options={Object.values(models).map((m) => ({ value: m.id, label: `${m.name} (${m.source === 'imported' ? 'imported' : `${m.epochsCompleted} epochs`})` }))}
            onChange={(id) => useStore.setState({ activeImageModelId: id || null })}
          />
        ) : (
          <p className="hint">Train a model, or import one in the tfjs format.</p>
        )}
        {history?.length ? (
          <>
            <TrainingCurves history={history ?? []} testIdPrefix="image-" />
          </>
        ) : null}
      </Section>
      <Section title="Attack" testId="image-attack-panel">
        {attack && model ? (
          <>
            <div className="metrics" data-testid="image-metrics">
              <div className="headline">
                <div title="Share of the attacked test images predicted correctly." data-testid="image-metric-natural">
                  <span className="k">natural acc.</span> <span className="v">{pct(attack.split.naturalAccuracy)}</span>
                </div>
                <div title="Share predicted correctly and not changed by the attack within eps." data-testid="image-metric-robust">
                  <span className="k">robust acc.</span> <span className="v">{pct(attack.split.robustAccuracy)}</span>
                </div>
                <div title="Share predicted wrongly and robustly so (the attack cannot change the wrong answer)." data-testid="image-metric-robust-inacc">
                  <span className="k">robust inacc.</span> <span className="v">{pct(attack.split.robustInaccuracy)}</span>
                </div>
              </div>
              <div className="attack-desc">
                {attack.attack.kind.toUpperCase()} {attack.attack.norm === 'linf' ? 'l∞' : 'l₂'} eps {(attack.attack.eps * 255).toFixed(1)}/255 on {attack.split.n} test images ·{' '}
                {(attack.elapsedMs / 1000).toFixed(1)} s{' '}
                <ResultDownloads
                  name={`image-attack-${attack.attack.kind}-eps${(attack.attack.eps * 255).toFixed(0)}of255`}
                  rows={() =>
                    Array.from({ length: attack.split.n }, (_, i) => ({
                      index: i,
                      prediction: attack.split.predictions[i],
                      adversarialPrediction: attack.split.adversarialPredictions[i],
                      category: SPLIT_CATEGORIES[attack.split.categories[i]],
                    }))
                  }
                  json={() => ({ model: model.name, attack: attack.attack, config: model.config, metrics: { naturalAccuracy: attack.split.naturalAccuracy, robustAccuracy: attack.split.robustAccuracy, robustInaccuracy: attack.split.robustInaccuracy, fractions: attack.split.fractions, counts: attack.split.counts } })}
                />
              </div>
            </div>
            <AttackExamples view={attack} classNames={model.classNames} />
          </>
        ) : (
          <p className="hint">Attack a trained model to see clean, perturbation and adversarial images with their predictions.</p>
        )}
      </Section>
    </>
  );
}
