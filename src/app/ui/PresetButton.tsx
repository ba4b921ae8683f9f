/**
 * A preset's run button with its expected duration on the current backend (state/presetTimes.ts):
 * "Run preset (≈ 40 s)". A completed run records its time, so the next estimate is this device's.
 */
import type { ReactNode } from 'react';
import { type PresetRun, expectedDuration, formatDuration, recordDuration, useRecordedTimes } from '../state/presetTimes';
import { useStore } from '../state/store';
import { useBusy } from './useBusy';

export interface PresetButtonProps {
  run: PresetRun;
  /** Runs the preset; resolves true when it completed (a cancelled or refused run is not timed). */
  onRun: () => Promise<boolean>;
  children: ReactNode;
  testId: string;
  primary?: boolean;
  disabled?: boolean;
  title?: string;
}

export function PresetButton({ run, onRun, children, testId, primary = true, disabled = false, title }: PresetButtonProps) {
  const busy = useBusy();
  const backend = useStore((s) => s.backend?.backend ?? null);
  useRecordedTimes();
  const expected = expectedDuration(run, backend);
  const where = expected ? (expected.measuredHere ? `measured in this browser on ${backend}` : 'measured on a 2-core machine with WASM; your first run measures it here') : '';
  const press = async () => {
    const t0 = performance.now();
    if (await onRun()) recordDuration(run, backend, performance.now() - t0);
  };
  return (
    <button
      type="button"
      className={primary ? 'primary' : undefined}
      data-testid={testId}
      disabled={busy || disabled}
      title={[title, expected ? `Expected duration ${formatDuration(expected.ms)} (${where}).` : ''].filter(Boolean).join(' ')}
      onClick={() => void press()}
    >
      {children}
      {expected ? <span className="duration" data-testid={`${testId}-duration`}> ({formatDuration(expected.ms)}{expected.measuredHere ? '' : '*'})</span> : null}
    </button>
  );
}
