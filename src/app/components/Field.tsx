/**
 * Form fields bound to a dotted path of the experiment config. An invalid value is kept (so
 * that no job starts with a stale one) and flagged beside the field with the reason.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { getPath } from '../../core/settings';
import { useStore } from '../state/store';

interface BaseProps {
  path: string;
  label: string;
  /** One sentence explaining the setting (shown on hover). */
  tip: string;
  unit?: string;
}

function FieldShell({ path, label, tip, unit, children }: BaseProps & { children: ReactNode }) {
  const error = useStore((s) => s.fieldErrors[path]);
  return (
    <label className={`field${error ? ' invalid' : ''}`} title={tip}>
      <span className="field-label">
        {label}
        {unit ? <span className="unit"> ({unit})</span> : null}
        <span className="tip" aria-label={tip}>i</span>
      </span>
      {children}
      {error ? (
        <span className="field-error" role="alert" data-testid={`error-${path}`}>
          {label} {error}
        </span>
      ) : null}
    </label>
  );
}

export function NumberField(props: BaseProps & { step?: number | 'any'; min?: number }) {
  const value = useStore((s) => getPath(s.config, props.path)) as number;
  const error = useStore((s) => s.fieldErrors[props.path]);
  const setField = useStore((s) => s.setField);
  const [text, setText] = useState(Number.isNaN(value) ? '' : String(value));
  useEffect(() => {
    // Follow outside changes (presets, imports) unless the text already means this value.
    const parsed = text.trim() === '' ? NaN : Number(text);
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
          const t = e.target.value.trim();
          setField(props.path, t === '' ? NaN : Number(t));
        }}
      />
    </FieldShell>
  );
}

export function SelectField(props: BaseProps & { options: ReadonlyArray<{ value: string; label: string }> }) {
  const value = useStore((s) => getPath(s.config, props.path)) as string;
  const setField = useStore((s) => s.setField);
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
  const value = useStore((s) => getPath(s.config, props.path)) as boolean;
  const setField = useStore((s) => s.setField);
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
