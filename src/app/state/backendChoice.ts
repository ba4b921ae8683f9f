/**
 * The page's backend, chosen by measurement: at the first start on a device, each candidate the
 * worker offers (every usable backend; WASM with one thread and with one per core) starts in a
 * compute worker of its own and times the representative job of core/bench/calibration.ts, the
 * candidates taking turns; the
 * page's worker then starts on the fastest, and the figures are kept in localStorage for this
 * device, so later starts skip the measurement. `?backend=` and
 * `?threads=` in the address force a choice instead.
 */
import type { CalibrationTimes } from '../../core/bench/calibration';
import { calibrationScore, fasterTimes } from '../../core/bench/calibration';
import { type ExtraWorker, extraWorker, proxy } from '../workerClient';

export interface BackendFigure extends Partial<CalibrationTimes> {
  backend: string;
  threads: number;
  /** The time of both jobs (ms); null when the candidate could not run. */
  score: number | null;
  error?: string;
}

export interface BackendChoice {
  /** The device the figures were measured on (browser and core count). */
  device: string;
  measuredAt: string;
  figures: BackendFigure[];
  chosen: { backend: string; threads: number };
}

const KEY = 'workbench.backendChoice.v1';

export function deviceKey(): string {
  return `${navigator.userAgent} · ${navigator.hardwareConcurrency || 1} cores`;
}

/** The choice measured earlier on this device, or null (none, another device, or unreadable). */
export function storedChoice(): BackendChoice | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const c = JSON.parse(raw) as BackendChoice;
    const valid = c && c.device === deviceKey() && Array.isArray(c.figures) && typeof c.chosen?.backend === 'string' && Number.isInteger(c.chosen?.threads) && c.chosen.threads >= 1;
    return valid ? c : null;
  } catch {
    return null;
  }
}

export function saveChoice(c: BackendChoice): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(c));
  } catch {
    // Storage full or refused (private mode): the page measures again at its next start.
  }
}

export function forgetChoice(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing stored to forget.
  }
}

/** A candidate's name for people: "wasm · 2 threads". */
export function candidateLabel(c: { backend: string; threads: number }): string {
  return c.backend === 'wasm' ? `wasm · ${c.threads} thread${c.threads === 1 ? '' : 's'}` : c.backend;
}

/** The fastest candidate that ran (lowest score), of one backend when `backend` is given; null when none. */
export function fastest(figures: BackendFigure[], backend?: string): BackendFigure | null {
  let best: BackendFigure | null = null;
  for (const f of figures) if (f.score !== null && (backend === undefined || f.backend === backend) && (!best || f.score < (best.score ?? Infinity))) best = f;
  return best;
}

/** Rounds of measurement: the candidates take turns, so a disturbance (the page starting) falls on all of them. */
const ROUNDS = 2;

/** Times every candidate, each in a worker of its own, in turns; null when none could run. */
export async function measureBackends(onCandidate?: (label: string) => void): Promise<BackendChoice | null> {
  const probe = extraWorker('candidates');
  let candidates: Array<{ backend: string; threads: number }>;
  try {
    candidates = await probe.remote.backendCandidates();
  } finally {
    probe.end();
  }
  const started: Array<{ c: { backend: string; threads: number }; w: ExtraWorker | null; times: CalibrationTimes | null; error?: string }> = [];
  try {
    for (const c of candidates) {
      onCandidate?.(candidateLabel(c));
      const w = extraWorker(`measure ${candidateLabel(c)}`);
      try {
        const info = await w.remote.init(c.backend, proxy(() => undefined), c.threads);
        if (info.backend !== c.backend || (c.backend === 'wasm' && info.wasmThreads !== c.threads)) {
          const why = info.attempts.find((a) => a.name === c.backend && !a.ok)?.error;
          throw new Error(`could not start${why ? ` (${why})` : ''}; started as ${candidateLabel({ backend: info.backend, threads: info.wasmThreads })}`);
        }
        started.push({ c, w, times: null });
      } catch (e) {
        w.end();
        started.push({ c, w: null, times: null, error: e instanceof Error ? e.message : String(e) });
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of started) {
        if (!s.w) continue;
        onCandidate?.(candidateLabel(s.c));
        try {
          const t = await s.w.remote.calibrate();
          s.times = s.times ? fasterTimes(s.times, t) : t;
        } catch (e) {
          s.w.end();
          s.w = null;
          s.times = null;
          s.error = e instanceof Error ? e.message : String(e);
        }
      }
    }
  } finally {
    for (const s of started) s.w?.end();
  }
  const figures: BackendFigure[] = started.map((s) => (s.times ? { ...s.c, ...s.times, score: calibrationScore(s.times) } : { ...s.c, score: null, error: s.error ?? 'could not run' }));
  const winner = fastest(figures);
  if (!winner) return null;
  return { device: deviceKey(), measuredAt: new Date().toISOString(), figures, chosen: { backend: winner.backend, threads: winner.threads } };
}
