/** The Rectified Rejection view's settings (Pang et al.): the model, the attacks and adaptive attacks, the seed, and the coupled-rejection preset. */
import { ADAPTIVE_LABELS, COUPLED_REJECTION_PRESET, REJECTION_EVAL_OBJECTIVES } from '../../../core/settings';
import { type AdaptiveObjective, type RconSettings, rconProblems, runCoupledPreset, runRconEvaluation, useRcon } from './rconRejection';
import { kindOfKey } from '../../state/modelSource';
import { type SettingBinding, SettingField } from '../../ui/SettingField';
import { ModelSourcePicker } from '../../ui/ModelSourcePicker';
import { Section } from '../../ui/Section';
import type { ModelKind } from '../../../../workers/protocol';
import { useBusy } from '../../ui/useBusy';
import { PresetButton } from '../../ui/PresetButton';
import { LabeledSelect } from '../../ui/Select';


function useKind(): ModelKind {
  return useRcon((s) => kindOfKey(s.sourceKey));
}

/** A number setting of the Rectified Rejection form, for the chosen model's kind of data. */
function useRconSetting(name: Exclude<keyof RconSettings, 'adaptive' | 'attackTau'>): SettingBinding {
  const kind = useKind();
  const value = useRcon((s) => s.settings[kind][name]);
  const set = useRcon((s) => s.set);
  return { value, onValue: (v) => set(kind, { [name]: v }) };
}

export function RconSettingsPanel() {
  const kind = useKind();
  const settings = useRcon((s) => s.settings[kind]);
  const set = useRcon((s) => s.set);
  const sourceKey = useRcon((s) => s.sourceKey);
  const busy = useBusy();
  const problems = rconProblems(kind, settings);
  const toggle = (o: AdaptiveObjective, on: boolean) => set(kind, { adaptive: on ? [...settings.adaptive, o] : settings.adaptive.filter((x) => x !== o) });
  return (
    <Section title="Rectified Rejection (Pang et al.)" testId="rr-settings">
      <ModelSourcePicker
        store={useRcon}
        label="Model"
        tip="A trained model; R-Con and the adaptive attacks need one trained with Rectified Rejection (its auxiliary head A_φ)."
        empty="No trained model yet: train one with “Rectified Rejection” in the Playground (2-D) or the Images view."
        testId="rr-source"
      />
      <SettingField name="count" useSetting={useRconSetting} testId="rr-count" label="test inputs" tip="How many test inputs to evaluate (the first ones)." />
      <div className="row">
        <SettingField name="eps" useSetting={useRconSetting} testId="rr-eps" label="eps l∞" tip="Radius of the first PGD set and of the adaptive attacks (Pang et al.: 8/255)." />
        <SettingField name="eps2" useSetting={useRconSetting} testId="rr-eps2" label="eps₂ l∞" tip="Radius of the second PGD set (Pang et al.: 16/255)." />
        <SettingField name="l2eps" useSetting={useRconSetting} testId="rr-l2eps" label="eps l₂" tip="Radius of the l₂ PGD set (Pang et al.: 128/255)." />
      </div>
      <div className="row">
        <SettingField name="steps" useSetting={useRconSetting} testId="rr-steps" label="steps" tip="Iterations of every attack (PGD-10 in the paper's main table)." />
        <SettingField name="eta" useSetting={useRconSetting} testId="rr-eta" label="η" tip="Weight of the rejector term in the adaptive objectives (the paper varies it)." />
        <SettingField name="tpr" useSetting={useRconSetting} testId="rr-tpr" label="TPR" tip="Share of correctly classified inputs the rejection threshold keeps (TPR-95: 0.95)." />
      </div>
      <SettingField name="seed" useSetting={useRconSetting} testId="rr-seed" label="seed" tip="Seed of the attacks' random starts." />
      <fieldset className="checks" title="Adaptive attacks (Pang et al., Section 6.2): PGD that fools the classifier and pushes the rejector's score up; RR models only.">
        <legend>Adaptive attacks at eps l∞</legend>
        {REJECTION_EVAL_OBJECTIVES.map((o) => (
          <label key={o} className="field check">
            <input type="checkbox" checked={settings.adaptive.includes(o)} data-testid={`rr-adaptive-${o}`} onChange={(e) => toggle(o, e.target.checked)} />
            <span className="field-label">{ADAPTIVE_LABELS[o]}</span>
          </label>
        ))}
        <LabeledSelect
          label="R-Con in the attack"
          testId="rr-attack-tau"
          value={settings.attackTau ?? 'model'}
          options={[
            { value: 'model', label: "at the model's training τ" },
            { value: 'one', label: "at τ = 1 (the authors' attack)" },
          ]}
          onChange={(v) => set(kind, { attackTau: v === 'one' ? 'one' : 'model' })}
        />
        <p className="hint">The adaptive attacks push up R-Con read at this temperature: the model's training τ attacks the score as it is read here; τ = 1 is what Pang et al.'s code attacks.</p>
      </fieldset>
      {problems.length ? (
        <p className="field-error" role="alert" data-testid="rr-problems">
          {problems.join('; ')}
        </p>
      ) : null}
      <div className="run-buttons">
        <button type="button" className="primary" data-testid="rr-evaluate" disabled={busy || !!problems.length || !sourceKey} onClick={() => void runRconEvaluation()} title="Attack the test inputs with every set and score every rejector.">
          Evaluate rejectors
        </button>
      </div>
    </Section>
  );
}

export function CoupledPresetPanel() {
  return (
    <Section title="Preset" testId="rr-preset">
      <p className="hint">{COUPLED_REJECTION_PRESET.description}</p>
      <div className="run-buttons">
        <PresetButton run={{ preset: 'coupled', work: 1 }} testId="rr-preset-run" onRun={() => runCoupledPreset()} title="Train the preset's model, evaluate it, and show its PGD-10 examples.">
          {COUPLED_REJECTION_PRESET.label}
        </PresetButton>
      </div>
    </Section>
  );
}
