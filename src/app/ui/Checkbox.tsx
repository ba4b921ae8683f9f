/** A yes/no setting: the box, then its label with the tooltip marker. */
export function Checkbox({ label, tip, checked, testId, onChange }: { label: string; tip: string; checked: boolean; testId: string; onChange: (checked: boolean) => void }) {
  return (
    <label className="field check" title={tip}>
      <input type="checkbox" checked={checked} data-testid={testId} onChange={(e) => onChange(e.target.checked)} />
      <span className="field-label">
        {label}
        <span className="tip" aria-label={tip}>i</span>
      </span>
    </label>
  );
}
