/** The Smoothing view's settings: the base classifier, σ and the certification counts, the runs' buttons, and the comparison of smoothing-aware training methods. */
import { useState } from 'react';
import { useStore } from '../../state/store';
import { type SmoothingSettings, importLog, runCertification, runSmoothedGrid, settingProblems, settingsProblems, useSmoothing } from './smoothing';
import { presetWork, runSmoothingComparison, runSmoothingPreset } from './smoothingCompare';
import { compareWork } from './compareWork';
import { useNoiseRejection } from './noiseRejection';
import { PresetButton } from '../../ui/PresetButton';
import { type SettingBinding, SettingField } from '../../ui/SettingField';
import { ModelSourcePicker } from '../../ui/ModelSourcePicker';
import { Section } from '../../ui/Section';
import { sourceOfKey } from '../../state/modelSource';
import { useBusy } from '../../ui/useBusy';
import { FileButton } from '../../ui/FileButton';

export function useSmoothingSetting(name: keyof SmoothingSettings): SettingBinding {
  const value = useSmoothing((s) => s.settings[name]);
  const set = useSmoothing((s) => s.set);
  const error = useSmoothing((s) => settingProblems(s.settings)[name]);
  return { value, error, onValue: (v) => set({ [name]: v }) };
}

function SourcePicker() {
  return (
    <ModelSourcePicker
      store={useSmoothing}
      label="Base classifier"
      tip="The base classifier f; the smoothed classifier g predicts the class f returns most often under Gaussian noise."
      empty="No trained model yet: train one in the Playground (2-D) or the Images view, ideally with Gaussian augmentation at the σ you certify with."
      testId="smoothing-source"
    />
  );
}

export function SmoothingComparePanel() {
  const [withRejection, setWithRejection] = useState(true);
  const config = useStore((s) => s.config);
  const smoothing = useSmoothing((s) => s.settings);
  const rejection = useNoiseRejection((s) => s.settings);
  return (
    <Section title="Compare training for smoothing (2-D)" testId="smoothing-compare">
      <p className="hint">
        Trains Gaussian augmentation, CAT-RS (Jeong et al.) and CRA (Merkli et al.) on the Playground's data and model at this σ, certifies each on the test points, and puts
        their curves on one plot.
      </p>
      <label className="field check" title="Also train a denoiser and rejectors (Sheikholeslami et al.) for the Gaussian model and certify it with sample rejection.">
        <input type="checkbox" checked={withRejection} data-testid="compare-rejection" onChange={(e) => setWithRejection(e.target.checked)} />
        <span className="field-label">+ Gaussian with rejection (Sheikholeslami et al.)</span>
      </label>
      <div className="run-buttons">
        <PresetButton run={{ preset: 'smoothing-compare', work: presetWork(config) }} testId="smoothing-compare-preset" onRun={runSmoothingPreset} title="At the preset's size: 500 points and 8 epochs per method, n = 10,000 draws on 100 test inputs, with rejection (it sets those fields).">
          Compare (preset size)
        </PresetButton>
        <PresetButton
          run={{ preset: 'smoothing-compare', work: compareWork(config, smoothing, rejection, withRejection) }}
          testId="smoothing-compare-run"
          primary={false}
          onRun={() => runSmoothingComparison(withRejection)}
          title="With your settings: the Playground's data, model and epochs and the smoothing settings above (the full size; it can take minutes)."
        >
          Compare with these settings
        </PresetButton>
      </div>
    </Section>
  );
}

export function SmoothingSettingsPanel() {
  const settings = useSmoothing((s) => s.settings);
  const sourceKey = useSmoothing((s) => s.sourceKey);
  const busy = useBusy();
  const problems = settingsProblems(settings);
  // Re-read on every store change: the chosen model may be retrained, forgotten or loaded.
  const srcIs2d = useStore(() => sourceOfKey(sourceKey)?.is2d ?? null);
  const ok = !problems.length && srcIs2d !== null && !busy;
  return (
    <Section title="Randomized smoothing" testId="smoothing-settings">
      <SourcePicker />
      <SettingField name="sigma" useSetting={useSmoothingSetting} testId="smoothing-sigma" label="sigma" tip="Standard deviation σ of the Gaussian noise added to the input; the certified radius scales with it." unit="input units" />
      <SettingField name="n0" useSetting={useSmoothingSetting} testId="smoothing-n0" label="n0" tip="Noise samples used to pick the top class before estimating its probability (Cohen et al.: 100)." />
      <SettingField name="n" useSetting={useSmoothingSetting} testId="smoothing-n" label="n" tip="Noise samples used to bound the top class's probability (papers: 100,000; fewer certify smaller radii)." />
      <SettingField name="alpha" useSetting={useSmoothingSetting} testId="smoothing-alpha" label="alpha" tip="Failure probability: the certificate holds with probability at least 1 − alpha (papers: 0.001)." />
      <SettingField name="batchSize" useSetting={useSmoothingSetting} testId="smoothing-batchSize" label="batch size" tip="Noisy copies classified per forward pass (larger is faster until memory runs out)." />
      <SettingField name="seed" useSetting={useSmoothingSetting} testId="smoothing-seed" label="seed" tip="Seed of the noise: the same seed on the same backend gives the same certificates." />
      <SettingField name="max" useSetting={useSmoothingSetting} testId="smoothing-max" label="inputs" tip="How many test inputs to certify (the first ones, every skip-th)." />
      <SettingField name="skip" useSetting={useSmoothingSetting} testId="smoothing-skip" label="skip" tip="Certify every skip-th test input (Cohen et al.'s --skip)." />
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="certify" disabled={!ok} onClick={() => void runCertification('certify')} title="CERTIFY each input: its smoothed prediction and a certified l2 radius, or abstain.">
          Certify
        </button>
        <button type="button" data-testid="smoothed-predict" disabled={!ok} onClick={() => void runCertification('predict')} title="PREDICT each input: the smoothed prediction with a binomial test, or abstain (no radius).">
          Predict
        </button>
        <FileButton
          inputTestId="import-log"
          accept=".tsv,.txt,.log,text/plain,text/tab-separated-values"
          onFiles={([f]) => {
            if (f) void importLog(f);
          }}
          title="Add a log written by Cohen et al.'s certify.py (idx label predict radius correct time), e.g. certified with PyTorch elsewhere."
        >
          Import log
        </FileButton>
      </div>
      {srcIs2d ? (
        <>
          <SettingField name="gridN" useSetting={useSmoothingSetting} testId="smoothing-gridN" label="grid samples" tip="Noise samples per grid cell for the smoothed decision regions (PREDICT per cell)." />
          <SettingField name="gridResolution" useSetting={useSmoothingSetting} testId="smoothing-gridResolution" label="grid resolution" tip="Cells per side of the grid on which the smoothed classifier is drawn." />
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
