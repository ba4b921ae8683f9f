/**
 * The verification bench cases (src/core/bench/cases/verify.ts): listed in the
 * suite, and a tiny version of each (scale 0.01: 1 to 100 inputs) runs once on wasm through
 * runBenchCase, with its forward-pass reference timed next to it, finite times and ratio, and no
 * leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { BENCH_CASES, runBenchCase } from '../../src/core/bench/suite';
import { VERIFY_BENCH_CASE_IDS, verifyRatioName } from '../../src/core/bench/cases/verify';
import { useWasmBackend } from './helpers';

useWasmBackend();

const SCALE = 0.01;

describe('verification bench cases', () => {
  test('are listed in the suite, in inputs, with short labels and a ratio name', () => {
    expect(VERIFY_BENCH_CASE_IDS).toHaveLength(8);
    for (const id of VERIFY_BENCH_CASE_IDS) {
      const c = BENCH_CASES.find((k) => k.id === id);
      expect(c, id).toBeDefined();
      expect(c!.unit).toBe('inputs');
      expect(c!.label.length, c!.label).toBeLessThanOrEqual(32);
      expect(c!.description).toMatch(/forward pass of the same batch/);
    }
    // CROWN handles MLPs only: no CNN case.
    expect(VERIFY_BENCH_CASE_IDS.filter((id) => id.includes('crown'))).toEqual(['verify-crown-mlp2d', 'verify-crown-mlp784']);
    expect(verifyRatioName('verify-ibp-cnn')).toBe('IBP / forward');
    expect(verifyRatioName('verify-abstain-mlp2d')).toBe('verifyAbstain / forward');
    expect(verifyRatioName('grid-forward')).toBeNull();
  });

  for (const id of VERIFY_BENCH_CASE_IDS) {
    test(`${id} runs once on wasm at scale ${SCALE}, next to a forward pass`, async () => {
      const info = BENCH_CASES.find((c) => c.id === id)!;
      const r = await runBenchCase(id, { repeats: 1, warmup: true, scale: SCALE });
      expect(r.backend).toBe('wasm');
      expect(r.workUnits).toBe(Math.max(1, Math.round(info.workUnits * SCALE)));
      expect(r.runsMs).toHaveLength(1);
      expect(Number.isFinite(r.medianMs) && r.medianMs > 0).toBe(true);
      expect(Number.isFinite(r.perSecond) && r.perSecond > 0).toBe(true);
      expect(r.reference).toBeDefined();
      const ref = r.reference!;
      expect(ref.label).toBe('forward');
      expect(ref.runsMs).toHaveLength(1);
      expect(Number.isFinite(ref.medianMs) && ref.medianMs > 0).toBe(true);
      expect(ref.ratio).toBeCloseTo(r.medianMs / ref.medianMs, 10);
      expect(Number.isFinite(ref.ratio) && ref.ratio > 0).toBe(true);
      expect(r.tensorsLeaked).toBe(0);
      expect(tf.memory().numTensors).toBe(r.tensorsBefore);
    });
  }

  test('cases without a reference report none', async () => {
    const r = await runBenchCase('noise-1m', { repeats: 1, warmup: false });
    expect(r.reference).toBeUndefined();
  });
});
