/**
 * How long each preset takes on this device, kept in the browser (localStorage): the page shows
 * the expected duration on a preset's button before it is pressed. Until a preset has run here,
 * the figure is the one measured on a reference machine (2 cores, WASM), labelled as such; a run
 * at another size is estimated from a measured one in proportion to its work (points × epochs).
 */
import { create } from 'zustand';

const STORE_KEY = 'workbench.presetTimes.v1';

/** Bumped on every recorded time, so that buttons showing an expected duration re-read it. */
const useRecorded = create(() => ({ version: 0 }));

/** Subscribes a component to recorded times (the value itself is read with expectedDuration). */
export const useRecordedTimes = (): number => useRecorded((s) => s.version);

export interface PresetRun {
  /** The preset's id ('figure1', 'coupled', 'abstain', 'quick-<view>'). */
  preset: string;
  /** The run's work, in the preset's own units (points × epochs); 1 for fixed-size presets. */
  work: number;
  /** The reference machine's time per unit of work, for a run the table below does not list (a lesson step's). */
  referenceMsPerWork?: number;
}

/** Times measured on the reference machine (2-core VM, WASM backend, one tfjs thread). */
const REFERENCE_MS_PER_WORK: Record<string, number> = {
  figure1: 79_000 / (1250 * 20),
  coupled: 17_000,
  abstain: 17_000,
  'quick-smoothing': 5_000,
  'quick-rejection': 8_000,
  'quick-verify': 8_000,
  'images-start': 19_000,
  // Its work is already in reference milliseconds (smoothingCompare.ts compareWork).
  'smoothing-compare': 1,
};

interface Stored {
  [backendAndPreset: string]: { msPerWork: number; at: number };
}

/** The stored times, parsed once (every button showing a duration reads them on each render). */
let cached: Stored | null = null;

function read(): Stored {
  if (cached) return cached;
  try {
    const raw = localStorage.getItem(STORE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    cached = parsed && typeof parsed === 'object' ? (parsed as Stored) : {};
  } catch {
    cached = {};
  }
  return cached;
}

export interface Expected {
  ms: number;
  /** Whether the figure was measured on this device and backend (else the reference machine's). */
  measuredHere: boolean;
}

export function expectedDuration(run: PresetRun, backend: string | null): Expected | null {
  const here = backend ? read()[`${backend}:${run.preset}`] : undefined;
  if (here && Number.isFinite(here.msPerWork)) return { ms: here.msPerWork * run.work, measuredHere: true };
  const ref = REFERENCE_MS_PER_WORK[run.preset] ?? run.referenceMsPerWork;
  return ref ? { ms: ref * run.work, measuredHere: false } : null;
}

/** Keeps the time of a completed run (cancelled or failed runs are not recorded). */
export function recordDuration(run: PresetRun, backend: string | null, ms: number): void {
  if (!backend || !(ms > 0) || !(run.work > 0)) return;
  try {
    const all = { ...read(), [`${backend}:${run.preset}`]: { msPerWork: ms / run.work, at: Date.now() } };
    cached = all;
    localStorage.setItem(STORE_KEY, JSON.stringify(all));
    useRecorded.setState((s) => ({ version: s.version + 1 }));
  } catch {
    // Storage full or disabled: the reference figure stays in use.
  }
}

/** "≈ 40 s" / "≈ 2 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return `≈ ${s} s`;
  return `≈ ${Math.round(s / 60)} min`;
}
