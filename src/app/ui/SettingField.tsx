/**
 * The one number field of every settings form. The typed text is kept as typed (so 8/255 stays
 * 8/255), its parsed value (NaN for junk) goes to `onValue`, and an invalid value is kept (so that
 * no job starts with a stale one) and flagged beside the field with the reason. A value changed
 * from outside (a preset, an import, another model kind) replaces the text unless the text
 * already means that value.
 */
import { useState, type ReactNode } from 'react';

/** The frame of a field: label with its tooltip and unit, the control, and the problem if any. */
export function FieldFrame({ label, tip, unit, error, errorTestId, children }: { label: string; tip: string; unit?: string; error?: string; errorTestId?: string; children: ReactNode }) {
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

/** A number typed by the user: decimals, exponents, or a fraction such as 8/255. Empty or junk is NaN. */
export function parseNumber(text: string): number {
  const t = text.trim();
  const frac = /^([0-9]*\.?[0-9]+)\s*\/\s*([0-9]*\.?[0-9]+)$/.exec(t);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  return t === '' ? NaN : Number(t);
}

/** What a view's store says about one number setting: its value, the problem with it, and how to change it. */
export interface SettingBinding {
  value: number;
  error?: string;
  onValue: (v: number) => void;
}

/** Denominators a value may be written over: small ones first, then the 255 of image pixels. */
const DENOMINATORS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 255];

/**
 * The text a field shows for a value set from outside (a default, a preset, a shared link).
 * A long decimal that is a fraction people type, such as eps = 8/255, is written as that
 * fraction (smallest denominator first: 1/3, 8/255) rather than as 0.03137254901960784; values
 * with a short decimal form (0.2 = 51/255) keep it. The text always reads back as the same number.
 */
export function numberText(v: number): string {
  if (Number.isNaN(v)) return '';
  const plain = String(v);
  if (plain.length <= 8) return plain;
  for (const d of DENOMINATORS) {
    const k = Math.round(v * d);
    if (k !== 0 && Math.abs(v * d - k) < 1e-9 && parseNumber(`${k}/${d}`) === v) return `${k}/${d}`;
  }
  return plain;
}

const textOf = numberText;

export interface SettingFieldProps<N extends string> {
  name: N;
  /** The view's hook that binds setting `name` to its store. */
  useSetting: (name: N) => SettingBinding;
  label: string;
  /** One sentence explaining the setting (shown on hover). */
  tip: string;
  unit?: string;
  testId: string;
  /** Where the problem is shown; by default the test id with "-error-" after its first word (smoothing-n → smoothing-error-n). */
  errorTestId?: string;
  /** Put the label before the problem's text (for problems that do not name the setting themselves). */
  labelInError?: boolean;
}

export function SettingField<N extends string>({ name, useSetting, label, tip, unit, testId, errorTestId, labelInError }: SettingFieldProps<N>) {
  const { value, error, onValue } = useSetting(name);
  const [text, setText] = useState(textOf(value));
  const [shownValue, setShownValue] = useState(value);
  if (!Object.is(shownValue, value)) {
    // The value changed: from outside (reset the text) or by typing (the text already means it).
    setShownValue(value);
    if (!Object.is(parseNumber(text), value)) setText(textOf(value));
  }
  const shown = error && labelInError ? `${label} ${error}` : error;
  return (
    <FieldFrame label={label} tip={tip} unit={unit} error={shown} errorTestId={errorTestId ?? testId.replace(/^([a-z]+)-/, '$1-error-')}>
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
