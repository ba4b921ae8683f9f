/**
 * Verification (Baharlouei et al.): verify a model with K regular and M abstain outputs with IBP
 * and CROWN bounds (an abstain output counts as success on perturbed inputs only), attack it with
 * PGD under the same rule, and compare models: the runs tables, the detections per abstain class
 * (Fig. 4), standard vs verified error (Fig. 2-3), and on 2-D data the eps-boxes of the test points.
 */
import { useEffect } from 'react';
import { ABSTAIN_PRESET } from '../../../core/settings';
import { useStore } from '../../state/store';
import { type BoundChoice, type VerifySettings, blockingProblem, boundsFor, loadVerifyInfo, runAbstainPgd, runVerify, useVerification, verifyProblems } from './verification';
import { runAbstainRuns } from './verificationPreset';
import { FieldFrame, type SettingBinding, SettingField } from '../../ui/SettingField';
import { ModelSourcePicker } from '../../ui/ModelSourcePicker';
import { Section } from '../../ui/Section';
import { PgdTable, VerifyTable } from './VerificationTables';
import { BoxesPanel, DetectionsPanel, TradeoffPanel } from './VerificationPlots';
import { kindOfKey } from '../../state/modelSource';
import { useBusy } from '../../ui/useBusy';
import { PresetButton } from '../../ui/PresetButton';
import { ViewIntro } from '../../ui/ViewIntro';
import { QuickStart } from '../../ui/QuickStart';
import { ViewColumns } from '../../ui/ViewColumns';

type NumberSetting = Exclude<keyof VerifySettings, 'bound'>;

/** A number setting of the verification form, for the chosen model's kind of data. */
function useVerifySetting(name: NumberSetting): SettingBinding {
  const kind = useVerification((s) => kindOfKey(s.sourceKey));
  const value = useVerification((s) => s.settings[kind][name]);
  const error = useVerification((s) => verifyProblems(s.settings[kind])[name]);
  const set = useVerification((s) => s.set);
  return { value, error, onValue: (v) => set(kind, { [name]: v }) };
}

const BOUND_LABELS: Record<BoundChoice, string> = { ibp: 'IBP', crown: 'CROWN', both: 'IBP and CROWN' };

function BoundField() {
  const kind = useVerification((s) => kindOfKey(s.sourceKey));
  const choice = useVerification((s) => s.settings[kind].bound);
  const info = useVerification((s) => s.info);
  const set = useVerification((s) => s.set);
  const crownProblem = info?.crownProblem ?? null;
  const { problem } = boundsFor(choice, info);
  return (
    <>
      <FieldFrame label="Bound" tip="How the box of the last layer's input is bounded: IBP (interval bounds through every layer) or CROWN (linear bounds, tighter; ReLU MLPs only)." error={problem ?? undefined} errorTestId="verify-error-bound">
        <select value={choice} data-testid="verify-bound" onChange={(e) => set(kind, { bound: e.target.value as BoundChoice })}>
          {(Object.keys(BOUND_LABELS) as BoundChoice[]).map((b) => (
            <option key={b} value={b} disabled={b !== 'ibp' && crownProblem !== null} title={b !== 'ibp' && crownProblem ? crownProblem : undefined}>
              {BOUND_LABELS[b]}
            </option>
          ))}
        </select>
      </FieldFrame>
      {crownProblem && info && !info.problem ? (
        <p className="hint" data-testid="verify-crown-reason">
          CROWN is off for this model: {crownProblem}.{choice === 'both' ? ' “IBP and CROWN” runs IBP only.' : ''}
        </p>
      ) : null}
    </>
  );
}

function ModelInfo() {
  const info = useVerification((s) => s.info);
  const infoError = useVerification((s) => s.infoError);
  if (infoError) return <p className="field-error" role="alert" data-testid="verify-model-problem">{infoError}</p>;
  if (!info) return null;
  return (
    <>
      <p className="hint" data-testid="verify-info" title="K regular classes (the dataset's), M abstain classes (the model's other outputs, indices K … K + M − 1).">
        K = {info.numClasses} regular classes, M = {info.abstainClasses ?? '–'} abstain classes ({info.outputs} outputs); {info.testCount} test inputs.
      </p>
      {info.problem ? (
        <p className="field-error" role="alert" data-testid="verify-model-problem">
          This model cannot be verified: {info.problem}.
        </p>
      ) : null}
    </>
  );
}

function SettingsPanel() {
  const sourceKey = useVerification((s) => s.sourceKey);
  const models = useStore((s) => s.models);
  const imageModels = useStore((s) => s.imageModels);
  const busy = useBusy();
  const infoKey = useVerification((s) => s.infoKey);
  // Re-read on every change of the settings or the model info (and of the models, above).
  const verifyBlocked = useVerification(() => blockingProblem('verify'));
  const pgdBlocked = useVerification(() => blockingProblem('pgd'));
  useEffect(() => {
    void loadVerifyInfo(sourceKey);
  }, [sourceKey, models, imageModels]);
  return (
    <Section title="Verify (Baharlouei et al.)" testId="verify-settings">
      <ModelSourcePicker
        store={useVerification}
        label="Model"
        tip="A trained model: K regular outputs and M abstain outputs (train one with “IBP + abstain classes”); any other model verifies with M = 0."
        empty="No trained model yet: train one with “IBP + abstain classes” in the Playground (2-D) or the Images view."
        testId="verify-source"
      />
      {infoKey === sourceKey ? <ModelInfo /> : null}
      <div className="row">
        <SettingField name="eps" useSetting={useVerifySetting} testId="verify-eps" label="eps l∞" tip="Radius of the l∞ ball B(x, eps) (∩ the pixel box [0, 1] for images) that must land in {y} ∪ A." />
        <SettingField name="count" useSetting={useVerifySetting} testId="verify-count" label="test inputs" tip="How many test inputs to verify and attack (the first ones)." />
      </div>
      <div className="row">
        <BoundField />
        <SettingField name="iterations" useSetting={useVerifySetting} testId="verify-iterations" label="mirror ascent" tip="Exponentiated-gradient iterations that optimise the simplex weights λ of Theorem 1 (Algorithm 1); any λ gives a sound bound, more give a tighter one." />
      </div>
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="verify-run" disabled={busy || !!verifyBlocked} title={verifyBlocked ?? 'Verify the test inputs at eps with the chosen bound(s).'} onClick={() => void runVerify()}>
          Verify
        </button>
      </div>
      <h3>PGD (abstain rule)</h3>
      <div className="row">
        <SettingField name="steps" useSetting={useVerifySetting} testId="verify-steps" label="steps" tip="PGD iterations; the attack succeeds only when the output leaves {y} ∪ A (an abstain output is a detection)." />
        <SettingField name="restarts" useSetting={useVerifySetting} testId="verify-restarts" label="restarts" tip="Random starts; an input counts as broken if any run breaks it." />
        <SettingField name="seed" useSetting={useVerifySetting} testId="verify-seed" label="seed" tip="Seed of the random starts." />
      </div>
      <div className="run-buttons">
        <button type="button" data-testid="verify-pgd" disabled={busy || !!pgdBlocked} title={pgdBlocked ?? 'Attack the test inputs at eps with PGD under the abstain success rule.'} onClick={() => void runAbstainPgd()}>
          PGD (abstain rule)
        </button>
      </div>
    </Section>
  );
}

function PresetPanel() {
  const iterationsBad = useVerification((s) => !!verifyProblems(s.settings['2d']).iterations);
  return (
    <Section title="Preset" testId="verify-preset-panel">
      <p className="hint">{ABSTAIN_PRESET.description}</p>
      <p className="hint">
        This is toy data: the paper's runs are MNIST and CIFAR-10 networks trained for GPU-hours; here four small MLPs train on three 2-D Gaussians in seconds, so the numbers show the
        paper's effects (fewer verified errors with abstain classes, the regulariser spreading the detections) but not its values.
      </p>
      <div className="run-buttons">
        <PresetButton run={{ preset: 'abstain', work: 1 }} testId="verify-preset" disabled={iterationsBad} title="Train the four models, verify each with IBP and CROWN and attack it with PGD." onRun={() => runAbstainRuns('preset')}>
          {ABSTAIN_PRESET.label}
        </PresetButton>
      </div>
    </Section>
  );
}

export function VerificationView() {
  return (
    <ViewColumns
      intro={
        <ViewIntro
          id="verify"
          title="Verification with abstain classes"
          idea="The model gets extra abstain classes and is trained with interval bounds, so that every point within eps of an input lands on its label or on an abstain class. An input is verified when the bounds prove this for its whole box: abstaining under attack counts as safe."
          papers={['abstain']}
          start={<QuickStart view="verify" preset={<PresetButton run={{ preset: 'abstain', work: 1 }} testId="verify-preset-top" onRun={() => runAbstainRuns('preset')}>Run the preset</PresetButton>} />}
        />
      }
      className="verification"
      settings={
        <>
          <SettingsPanel />
          <PresetPanel />
        </>
      }
      center={
        <>
          <VerifyTable />
          <PgdTable />
          <BoxesPanel />
        </>
      }
      results={
        <>
          <TradeoffPanel />
          <DetectionsPanel />
        </>
      }
    />
  );
}
