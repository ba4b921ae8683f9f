/**
 * Form fields bound to a dotted path of the experiment config. An invalid value is kept (so
 * that no job starts with a stale one) and flagged beside the field with the reason.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { getPath } from '../../core/settings';
import { type AppState, useStore } from '../state/store';

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

/** The frame of a field: label with its tooltip and unit, the control, and the problem if any. */
export function FieldFrame({ label, tip, unit, error, errorTestId, children }: { label: string; tip: string; unit?: string; error?: string; errorTestId: string; children: ReactNode }) {
  return (
    <label className={`field${error ? ' invalid' : ''}`} title={tip}>
      <span className="field-label">
        {label}
        {unit ? <span className="unit"> ({unit})</span> : null}
        <span className="tip" aria-label={tip}>i</span>
      </span>
      {children}
      {error ? (
        <span className="field-error" role="alert" data-testid={errorTestId}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

function FieldShell({ path, label, tip, unit, scope = 'experiment', children }: BaseProps & { children: ReactNode }) {
  const error = useStore((s) => errorOf(s, scope, path));
  return (
    <FieldFrame label={label} tip={tip} unit={unit} error={error ? `${label} ${error}` : undefined} errorTestId={`error-${path}`}>
      {children}
    </FieldFrame>
  );
}

/**
 * A number field over any store: the typed text is kept as typed, its parsed value (NaN for junk)
 * goes to `onValue`, and `error` (the store's verdict on that value) is shown beside it.
 */
export function LooseNumberField({ label, tip, unit, value, error, testId, onValue }: { label: string; tip: string; unit?: string; value: number; error?: string; testId: string; onValue: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  return (
    <FieldFrame label={label} tip={tip} unit={unit} error={error} errorTestId={testId.replace(/^([a-z]+)-/, '$1-error-')}>
      <input
        type="text"
        inputMode="decimal"
        value={text}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          onValue(parseNumber(e.target.value));
        }}
      />
    </FieldFrame>
  );
}

/** A number typed by the user: decimals, exponents, or a fraction such as 8/255. Empty or junk is NaN. */
export function parseNumber(text: string): number {
  const t = text.trim();
  const frac = /^([0-9]*\.?[0-9]+)\s*\/\s*([0-9]*\.?[0-9]+)$/.exec(t);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  return t === '' ? NaN : Number(t);
}

export function NumberField(props: BaseProps & { step?: number | 'any'; min?: number }) {
  const scope = props.scope ?? 'experiment';
  const value = useStore((s) => valueOf(s, scope, props.path)) as number;
  const error = useStore((s) => errorOf(s, scope, props.path));
  const setField = useStore((s) => setterOf(s, scope));
  const [text, setText] = useState(Number.isNaN(value) ? '' : String(value));
  useEffect(() => {
    // Follow outside changes (presets, imports) unless the text already means this value.
    const parsed = parseNumber(text);
    if (!(Object.is(parsed, value) || (Number.isNaN(parsed) && Number.isNaN(value)))) setText(Number.isNaN(value) ? '' : String(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <FieldShell {...props}>
      <input
        type="text"
        inputMode="decimal"
        value={text}
        aria-invalid={error ? true : undefined}
        data-testid={`field-${props.path}`}
        onChange={(e) => {
          setText(e.target.value);
          setField(props.path, parseNumber(e.target.value));
        }}
      />
    </FieldShell>
  );
}

export function SelectField(props: BaseProps & { options: ReadonlyArray<{ value: string; label: string }> }) {
  const scope = props.scope ?? 'experiment';
  const value = useStore((s) => valueOf(s, scope, props.path)) as string;
  const setField = useStore((s) => setterOf(s, scope));
  return (
    <FieldShell {...props}>
      <select value={value} data-testid={`field-${props.path}`} onChange={(e) => setField(props.path, e.target.value)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField(props: BaseProps) {
  const scope = props.scope ?? 'experiment';
  const value = useStore((s) => valueOf(s, scope, props.path)) as boolean;
  const setField = useStore((s) => setterOf(s, scope));
  return (
    <label className="field check" title={props.tip}>
      <input type="checkbox" checked={value} data-testid={`field-${props.path}`} onChange={(e) => setField(props.path, e.target.checked)} />
      <span className="field-label">
        {props.label}
        <span className="tip" aria-label={props.tip}>i</span>
      </span>
    </label>
  );
}
