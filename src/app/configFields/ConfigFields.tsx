/**
 * Form fields bound to a dotted path of the 2-D or the image experiment config (the playground's
 * and the Images view's settings). An invalid value is kept (so that no job starts with a stale
 * one) and flagged beside the field with the reason.
 */
import type { ReactNode } from 'react';
import { getPath } from '../../core/settings';
import { type AppState, useStore } from '../state/store';
import { FieldFrame, type SettingBinding, SettingField } from '../ui/SettingField';
import { Checkbox } from '../ui/Checkbox';
import { Select, type SelectOption } from '../ui/Select';

/** Which settings a field edits: the 2-D experiment or the image experiment. */
export type FieldScope = 'experiment' | 'image';

interface BaseProps {
  path: string;
  label: string;
  /** One sentence explaining the setting (shown on hover). */
  tip: string;
  unit?: string;
  scope?: FieldScope;
}

const valueOf = (s: AppState, scope: FieldScope, path: string) => getPath(scope === 'image' ? s.imageConfig : s.config, path);
const errorOf = (s: AppState, scope: FieldScope, path: string) => (scope === 'image' ? s.imageErrors : s.fieldErrors)[path];
const setterOf = (s: AppState, scope: FieldScope) => (scope === 'image' ? s.setImageField : s.setField);

function FieldShell({ path, label, tip, unit, scope = 'experiment', children }: BaseProps & { children: ReactNode }) {
  const error = useStore((s) => errorOf(s, scope, path));
  return (
    <FieldFrame label={label} tip={tip} unit={unit} error={error ? `${label} ${error}` : undefined} errorTestId={`error-${path}`}>
      {children}
    </FieldFrame>
  );
}

function useConfigSetting(scope: FieldScope, path: string): SettingBinding {
  const value = useStore((s) => valueOf(s, scope, path)) as number;
  const error = useStore((s) => errorOf(s, scope, path));
  const setField = useStore((s) => setterOf(s, scope));
  return { value, error, onValue: (v) => setField(path, v) };
}

const useExperimentSetting = (path: string) => useConfigSetting('experiment', path);
const useImageSetting = (path: string) => useConfigSetting('image', path);

export function NumberField({ path, label, tip, unit, scope = 'experiment' }: BaseProps) {
  return <SettingField name={path} useSetting={scope === 'image' ? useImageSetting : useExperimentSetting} label={label} tip={tip} unit={unit} testId={`field-${path}`} errorTestId={`error-${path}`} labelInError />;
}

export function SelectField(props: BaseProps & { options: readonly SelectOption[] }) {
  const scope = props.scope ?? 'experiment';
  const value = useStore((s) => valueOf(s, scope, props.path)) as string;
  const setField = useStore((s) => setterOf(s, scope));
  return (
    <FieldShell {...props}>
      <Select value={value} options={props.options} testId={`field-${props.path}`} onChange={(v) => setField(props.path, v)} />
    </FieldShell>
  );
}

export function CheckField(props: BaseProps) {
  const scope = props.scope ?? 'experiment';
  const value = useStore((s) => valueOf(s, scope, props.path)) as boolean;
  const setField = useStore((s) => setterOf(s, scope));
  return <Checkbox label={props.label} tip={props.tip} checked={value} testId={`field-${props.path}`} onChange={(on) => setField(props.path, on)} />;
}
