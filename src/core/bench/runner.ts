/**
 * Runs one benchmark case on whatever tfjs backend is active: the page's bench view in the
 * compute worker (webgpu, webgl, wasm, cpu), `npm run bench` in Node (wasm, cpu), bench/gpu.ts on
 * Dawn. The case builds its tensors once, makes one warm-up run, then `repeats` timed runs whose
 * median is the result. The tensor count after the case is compared with the count before it
 * (`tensorsLeaked`), so that a case that forgets a tensor shows.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../cancel';
import type { BenchCase } from './case';

export interface BenchProgress {
  id: string;
  phase: 'warmup' | 'run';
  /** 1-based index of the finished run (0 for the warm-up). */
  run: number;
  runs: number;
  lastMs: number;
}

export interface BenchOptions {
  /** Timed runs after the warm-up (default 5). */
  repeats?: number;
  /** Make the warm-up run (default true). */
  warmup?: boolean;
  /**
   * Fraction of the images of the CNN cases (cnn-*) and of the inputs of the verify-* cases to
   * use, in (0, 1] (default 1): e.g. 0.1 runs cnn-epoch-5k on 500 images, for quick tests. The
   * throughput counts the images actually used.
   * The other cases ignore it.
   */
  scale?: number;
  signal?: AbortSignal | null;
  onProgress?: (p: BenchProgress) => void;
  /**
   * Awaited before the case's set-up, its warm-up and each timed run. The Bench view times a case
   * in two workers at once (WASM on one thread and on all), and gives them turns through it, so
   * that their runs alternate and both see the machine in the same minute.
   */
  turn?: () => Promise<void>;
}

export interface BenchResult {
  id: string;
  label: string;
  backend: string;
  medianMs: number;
  runsMs: number[];
  /** When each timed run started: ms since the epoch (performance.timeOrigin + now), comparable across workers. */
  runsAt: number[];
  warmupMs: number | null;
  /** Median throughput, e.g. "812k points/s". */
  throughput: string;
  perSecond: number;
  unit: string;
  /** Units of work per run (the case's workUnits, or fewer with BenchOptions.scale). */
  workUnits: number;
  tensorsBefore: number;
  tensorsAfter: number;
  /** tensorsAfter − tensorsBefore; 0 when the case cleaned up after itself. */
  tensorsLeaked: number;
  /** The case's reference (e.g. a forward pass of the same batch), timed next to each run; ratio = medianMs / its median. */
  reference?: { label: string; medianMs: number; runsMs: number[]; ratio: number };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "812k points/s", "1.23M points/s", "95.2 examples/s". */
export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond)) return `? ${unit}/s`;
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  if (perSecond >= 1e6) return `${fmt(perSecond / 1e6)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${fmt(perSecond / 1e3)}k ${unit}/s`;
  return `${fmt(perSecond)} ${unit}/s`;
}

/**
 * Runs `info` on the active backend: a warm-up run, then `repeats` timed runs. Throws
 * CancelledError when the signal fires (between runs, or inside a run's own checkpoints).
 */
export async function runCase(info: BenchCase, options: BenchOptions = {}): Promise<BenchResult> {
  const { id } = info;
  const repeats = Math.max(1, Math.floor(options.repeats ?? 5));
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale must be in (0, 1] (got ${scale})`);
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const { turn } = options;
  await turn?.();
  throwIfAborted(signal);
  const tensorsBefore = tf.memory().numTensors;
  const prepared = info.prepare(scale);
  const workUnits = prepared.workUnits ?? info.workUnits;
  const runsMs: number[] = [];
  const runsAt: number[] = [];
  const referenceMs: number[] = [];
  let warmupMs: number | null = null;
  try {
    if (options.warmup ?? true) {
      await turn?.();
      throwIfAborted(signal);
      await prepared.reference?.run();
      warmupMs = await prepared.run(signal);
      onProgress?.({ id, phase: 'warmup', run: 0, runs: repeats, lastMs: warmupMs });
    }
    for (let r = 1; r <= repeats; r++) {
      await turn?.();
      throwIfAborted(signal);
      if (prepared.reference) referenceMs.push(await prepared.reference.run());
      runsAt.push(performance.timeOrigin + performance.now());
      const ms = await prepared.run(signal);
      runsMs.push(ms);
      onProgress?.({ id, phase: 'run', run: r, runs: repeats, lastMs: ms });
    }
  } finally {
    prepared.dispose();
  }
  const tensorsAfter = tf.memory().numTensors;
  const medianMs = median(runsMs);
  const perSecond = (workUnits * 1000) / medianMs;
  return {
    id,
    label: info.label,
    backend: tf.getBackend(),
    medianMs,
    runsMs,
    runsAt,
    warmupMs,
    throughput: formatRate(perSecond, info.unit),
    perSecond,
    unit: info.unit,
    workUnits,
    tensorsBefore,
    tensorsAfter,
    tensorsLeaked: tensorsAfter - tensorsBefore,
    reference: prepared.reference && { label: prepared.reference.label, medianMs: median(referenceMs), runsMs: referenceMs, ratio: medianMs / median(referenceMs) },
  };
}
