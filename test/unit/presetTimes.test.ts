/**
 * Expected durations of presets and lesson steps: the reference machine's figure until a run here
 * is timed, then this browser's own, scaled by the run's work; and the work of a smoothing
 * comparison from its sizes.
 */
import { beforeEach, describe, expect, test } from 'vitest';
import { expectedDuration, formatDuration, recordDuration } from '../../src/app/state/presetTimes';
import { COMPARE_PRESET, compareWork } from '../../src/app/features/smoothing/compareWork';
import { EXPERIMENT_DEFAULTS } from '../../src/core/settings';
import type { SmoothingSettings } from '../../src/app/features/smoothing/smoothing';
import type { NoiseRejectionSettings } from '../../src/app/features/smoothing/noiseRejection';

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}

beforeEach(() => {
  (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
});

describe('expectedDuration', () => {
  test('the reference figure until measured here, then this backend’s own, scaled by work', () => {
    expect(expectedDuration({ preset: 'coupled', work: 1 }, 'wasm')).toEqual({ ms: 17_000, measuredHere: false });
    recordDuration({ preset: 'coupled', work: 1 }, 'wasm', 8_000);
    expect(expectedDuration({ preset: 'coupled', work: 1 }, 'wasm')).toEqual({ ms: 8_000, measuredHere: true });
    expect(expectedDuration({ preset: 'coupled', work: 2 }, 'wasm')).toEqual({ ms: 16_000, measuredHere: true });
    // Another backend keeps the reference figure.
    expect(expectedDuration({ preset: 'coupled', work: 1 }, 'webgl')?.measuredHere).toBe(false);
  });

  test('a lesson step: its own reference time, then the measured one; unknown runs have none', () => {
    const step = { preset: 'lesson-pgd-1', work: 1, referenceMsPerWork: 3_000 };
    expect(expectedDuration(step, 'wasm')).toEqual({ ms: 3_000, measuredHere: false });
    recordDuration(step, 'wasm', 4_500);
    expect(expectedDuration(step, 'wasm')).toEqual({ ms: 4_500, measuredHere: true });
    expect(expectedDuration({ preset: 'nothing', work: 1 }, 'wasm')).toBeNull();
  });

  test('runs without a backend, time or work are not recorded', () => {
    recordDuration({ preset: 'abstain', work: 1 }, null, 5_000);
    recordDuration({ preset: 'abstain', work: 1 }, 'wasm', 0);
    recordDuration({ preset: 'abstain', work: 0 }, 'wasm', 5_000);
    expect(expectedDuration({ preset: 'abstain', work: 1 }, 'wasm')?.measuredHere).toBe(false);
  });

  test('formatDuration', () => {
    expect(formatDuration(400)).toBe('≈ 1 s');
    expect(formatDuration(42_400)).toBe('≈ 42 s');
    expect(formatDuration(150_000)).toBe('≈ 3 min');
  });
});

describe('compareWork', () => {
  const smoothing = { sigma: 0.25, n0: 100, alpha: 0.001, batchSize: 1000, seed: 0, gridN: 500, gridResolution: 60, selectionEps: 0.25, ...COMPARE_PRESET.smoothing } as SmoothingSettings;
  const rejection = { denoiserLearningRate: 1e-3, stability: false, stabilityEpochs: 5, rejectorLearningRate: 1e-3, trainBatchSize: 32, threshold: 0.5, splitAlpha: false, ...COMPARE_PRESET.rejection } as NoiseRejectionSettings;
  const preset = { ...EXPERIMENT_DEFAULTS, data: { ...EXPERIMENT_DEFAULTS.data, size: 500, testFraction: 0.2 }, training: { ...EXPERIMENT_DEFAULTS.training, epochs: 8 } };

  test('the preset: about the 20.4 s measured on the reference machine', () => {
    expect(compareWork(preset, smoothing, rejection, true)).toBeGreaterThan(18_000);
    expect(compareWork(preset, smoothing, rejection, true)).toBeLessThan(23_000);
  });

  test('grows with the draws and the training, and without rejection costs less', () => {
    const base = compareWork(preset, smoothing, rejection, true);
    // Ten times the draws: certification is about 60% of the preset.
    expect(compareWork(preset, { ...smoothing, n: 100_000 }, rejection, true)).toBeGreaterThan(5 * base);
    // Twice the epochs add the training part once more (about 5.6 s).
    expect(compareWork({ ...preset, training: { ...preset.training, epochs: 16 } }, smoothing, rejection, true) - base).toBeCloseTo(0.58 * 400 * 8 * 3, -2);
    expect(compareWork(preset, smoothing, rejection, false)).toBeLessThan(base - 5_000);
    // skip thins the certified inputs.
    expect(compareWork(preset, { ...smoothing, skip: 2 }, rejection, true)).toBeLessThan(base);
  });
});
