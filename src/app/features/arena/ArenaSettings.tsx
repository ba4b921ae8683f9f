/** The arena's settings: data, threat model, budget, the smoothed classifiers' sampling, and which families enter (each with why it cannot run, where it cannot). */
import { ARENA_FAMILIES, ARENA_FAMILY_INFO, DATASET2D_INFO, DATASET2D_KINDS, type Dataset2dKind, familyUnavailable, getPath } from '../../../core/settings';
import { Checkbox } from '../../ui/Checkbox';
import { LabeledSelect } from '../../ui/Select';
import { Section } from '../../ui/Section';
import { type SettingBinding, SettingField } from '../../ui/SettingField';
import { useStore } from '../../state/store';
import { useBusy } from '../../ui/useBusy';
import { loadBuiltinImages } from '../images/imageActions';
import { arenaProblems, useArena } from './arenaState';

function useArenaSetting(path: string): SettingBinding {
  const value = useArena((s) => getPath(s.config, path) as number);
  const error = useArena((s) => arenaProblems(s.config)[path]);
  const setField = useArena((s) => s.setField);
  return { value, error, onValue: (v) => setField(path, v) };
}

function Field({ path, label, tip, unit }: { path: string; label: string; tip: string; unit?: string }) {
  return <SettingField name={path} useSetting={useArenaSetting} label={label} tip={tip} unit={unit} testId={`arena-${path.replace(/\./g, '-')}`} errorTestId={`arena-error-${path.replace(/\./g, '-')}`} labelInError />;
}

/** Which image data set the arena would use: the one loaded in the Images view, or a button that loads the shipped subset. */
function ImageSource() {
  const dataset = useStore((s) => s.imageDataset);
  const busy = useBusy();
  if (dataset) {
    return (
      <p className="hint" data-testid="arena-image-dataset">
        Images: {dataset.name} ({dataset.train.records} training, {dataset.test.records} test records of {dataset.shape.join(' × ')}, {dataset.numClasses} classes), as loaded in the Images view.
      </p>
    );
  }
  return (
    <p className="field-error" role="alert" data-testid="arena-image-dataset">
      No image data set is loaded: drop files in the Images view, or{' '}
      <button type="button" className="small" data-testid="arena-load-subset" disabled={busy} onClick={() => void loadBuiltinImages()}>
        load the shipped Fashion-MNIST subset
      </button>
    </p>
  );
}

function PointsData() {
  const config = useArena((s) => s.config);
  const setField = useArena((s) => s.setField);
  return (
    <>
      <LabeledSelect label="2-D data" tip="The toy data every family trains and is tested on (20% of the points are held out)." value={config.data.kind} testId="arena-data-kind" options={DATASET2D_KINDS.map((k) => ({ value: k, label: DATASET2D_INFO[k].label }))} onChange={(v) => setField('data.kind', v as Dataset2dKind)} />
      <Field path="data.size" label="points" tip="Points generated, 20% of them held out for testing." />
    </>
  );
}

function ImagesData() {
  const config = useArena((s) => s.config);
  const setField = useArena((s) => s.setField);
  return (
    <>
      <ImageSource />
      <Field path="images.trainLimit" label="training images" tip="Training records every family trains on (0 = all), the same number of each class, chosen by the seed." />
      <Field path="count" label="test images" tip="Test images every family is evaluated on: the first ones (0 = all)." />
      <LabeledSelect label="model" tip="The network every family trains (its default size from the Images view); CROWN bounds the MLP only." value={config.images.model.kind} testId="arena-image-model" options={[{ value: 'cnn', label: 'CNN' }, { value: 'mlp', label: 'MLP' }]} onChange={(v) => setField('images.model.kind', v)} />
    </>
  );
}

/** Whether the run reuses and keeps models in the browser's library. */
function LibraryUse() {
  const library = useArena((s) => s.library);
  const setLibrary = useArena((s) => s.setLibrary);
  const source = useArena((s) => s.config.source);
  const sameData = source === '2d' ? 'the same seed' : 'the same training images (their fingerprint) and seed';
  return (
    <>
      <Checkbox label="Reuse models from the library" tip={`A model an earlier arena kept, trained with exactly a family's settings to its last epoch on this backend, stands in for training it again: ${sameData} on the same backend and tfjs give the same weights, so the table is the same and only the training time is saved.`} checked={library.reuse} testId="arena-library-reuse" onChange={(reuse) => setLibrary({ reuse })} />
      <Checkbox label="Keep the trained models in the library" tip="Saves every model the run trains (named after its family, data and seed), so that a later run with more attack steps or another evaluation reuses them." checked={library.keep} testId="arena-library-keep" onChange={(keep) => setLibrary({ keep })} />
    </>
  );
}

export function ArenaSettings() {
  const config = useArena((s) => s.config);
  const setFamily = useArena((s) => s.setFamily);
  const setField = useArena((s) => s.setField);
  const setSource = useArena((s) => s.setSource);
  const familiesError = arenaProblems(config).families;
  return (
    <>
      <Section title="Data and threat model" testId="arena-data">
        <LabeledSelect label="data" tip="2-D toy points (with decision regions), or the image data set loaded in the Images view (pixels in [0, 1])." value={config.source} testId="arena-source" options={[{ value: '2d', label: '2-D points' }, { value: 'images', label: 'Images (loaded in the Images view)' }]} onChange={(v) => setSource(v as '2d' | 'images')} />
        {config.source === 'images' ? <ImagesData /> : <PointsData />}
        <LabeledSelect label="norm" tip="The threat model's norm: every attack, and the certificates, use it." value={config.threat.norm} testId="arena-norm" options={[{ value: 'linf', label: 'l∞' }, { value: 'l2', label: 'l2' }]} onChange={(v) => setField('threat.norm', v)} />
        <Field path="threat.eps" label="eps" tip="Radius of the threat model's ball B(x, eps), in input units: every family trains for it (where it trains adversarially) and is attacked at it." />
        <Field path="seed" label="seed" tip="Seeds every family's initial weights, shuffles and attacks: the same seed gives the same table on the same backend." />
      </Section>
      <Section title="Budget (the same for every family)" testId="arena-budget">
        <Field path="budget.epochs" label="epochs" tip="Training epochs of every family." />
        <Field path="budget.trainingAttackSteps" label="training attack steps" tip="PGD steps inside each training step of PGD-AT, TRADES, ERA, RR and CAT-RS." />
        <Field path="budget.attackSteps" label="attack steps" tip="Iterations of every evaluation attack: PGD, APGD-CE and each family's adaptive attack." />
        <Field path="smoothing.sigma" label="σ (smoothing)" tip="Noise level of Gaussian augmentation and CAT-RS, and of their smoothed classifiers." />
        <Field path="smoothing.predictSamples" label="PREDICT samples" tip="Noisy copies per input behind a smoothed classifier's decision (clean and attacked)." />
        <Field path="smoothing.certifyN" label="CERTIFY samples" tip="Noisy copies per input behind the certified radius." />
      </Section>
      <Section title="Families" testId="arena-families">
        {ARENA_FAMILIES.map((f) => {
          const why = familyUnavailable(f, config);
          return (
            <div key={f}>
              <Checkbox label={ARENA_FAMILY_INFO[f].paper === '—' ? ARENA_FAMILY_INFO[f].label : `${ARENA_FAMILY_INFO[f].label} — ${ARENA_FAMILY_INFO[f].paper}`} tip={ARENA_FAMILY_INFO[f].abstains} checked={config.families.includes(f)} testId={`arena-family-${f}`} onChange={(on) => setFamily(f, on)} />
              {why && config.families.includes(f) ? <p className="hint">{why}</p> : null}
              {f === 'sample-rejection' && config.source === 'images' ? (
                <p className="hint" data-testid="arena-slow-sample-rejection">
                  Slow on images: its DnCNN denoiser runs on every noisy copy (PREDICT and CERTIFY of every test image), tens of minutes to hours on WASM.
                </p>
              ) : null}
            </div>
          );
        })}
        {familiesError ? <p className="field-error" role="alert" data-testid="arena-error-families">Families {familiesError}</p> : null}
        <LibraryUse />
      </Section>
    </>
  );
}
