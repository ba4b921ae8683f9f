/** The page's drop-downs of string values: the bare select, and the select under a field label. */

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectProps {
  value: string;
  options: readonly SelectOption[];
  testId: string;
  onChange: (value: string) => void;
}

export function Select({ value, options, testId, onChange }: SelectProps) {
  return (
    <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A select with its label above it; `tip` is the tooltip of the whole field. */
export function LabeledSelect({ label, tip, ...select }: SelectProps & { label: string; tip?: string }) {
  return (
    <label className="field" title={tip}>
      <span className="field-label">{label}</span>
      <Select {...select} />
    </label>
  );
}
