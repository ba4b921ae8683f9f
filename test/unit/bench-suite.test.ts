/**
 * The CNN benchmark cases (src/core/bench/cases/image.ts): each runs once on wasm
 * through runBenchCase (no warm-up, one timed run) and reports a positive median, a throughput in
 * images/s, and no leaked tensors. cnn-epoch-5k and cnn-pgd10-1k take 11-25 s a run at full size
 * on wasm, so they run here with `scale` 0.1 (500 and 100 images); cnn-forward-1k runs at full size.
 *
 * The Rectified Rejection epoch pairs: the MLP cases (about 1 s a run on wasm)
 * at full size, the CNN pair at scale 0.1 (50 images); the pairs and the overhead arithmetic.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { BENCH_CNN_AT_TRAIN, BENCH_CNN_ATTACK, BENCH_CNN_TRAIN } from '../../src/core/bench/cases/image';
import { BENCH_CASES, RR_OVERHEAD_PAIRS, RR_OVERHEAD_TARGET, rrOverhead, runBenchCase } from '../../src/core/bench/suite';
import { CancelledError } from '../../src/core/cancel';
import { useWasmBackend } from './helpers';

useWasmBackend();

const CNN_CASES = [
  { id: 'cnn-forward-1k', scale: 1, images: 1000 },
  { id: 'cnn-epoch-5k', scale: 0.1, images: 500 },
  { id: 'cnn-pgd10-1k', scale: 0.1, images: 100 },
] as const;

describe('CNN bench cases', () => {
  test('are listed, in images, with labels short enough for the bench table', () => {
    for (const { id } of CNN_CASES) {
      const c = BENCH_CASES.find((k) => k.id === id);
      expect(c, id).toBeDefined();
      expect(c!.unit).toBe('images');
      expect(c!.description).toMatch(/does not depend on the pixel values/);
    }
    for (const c of BENCH_CASES) expect(c.label.length, c.label).toBeLessThanOrEqual(32);
    expect(BENCH_CASES.find((c) => c.id === 'cnn-epoch-5k')!.workUnits).toBe(5000);
  });

  test('use the settings of the issue: PGD-10 l_inf eps 8/255 in [0, 1]; standard training, batch 64, Adam 1e-3', () => {
    expect(BENCH_CNN_ATTACK).toMatchObject({ kind: 'pgd', norm: 'linf', eps: 8 / 255, steps: 10, restarts: 1, box: [0, 1] });
    expect(BENCH_CNN_TRAIN).toMatchObject({ method: 'standard', epochs: 1, batchSize: 64, optimizer: 'adam', learningRate: 1e-3, box: [0, 1] });
  });

  for (const { id, scale, images } of CNN_CASES) {
    test(`${id} runs once on wasm${scale < 1 ? ` (scale ${scale}: ${images} images)` : ''}`, async () => {
      const r = await runBenchCase(id, { repeats: 1, warmup: false, scale });
      expect(r.backend).toBe('wasm');
      expect(r.runsMs).toHaveLength(1);
      expect(r.warmupMs).toBeNull();
      expect(r.medianMs).toBeGreaterThan(0);
      expect(r.workUnits).toBe(images);
      expect(r.perSecond).toBeCloseTo((images * 1000) / r.medianMs, 6);
      expect(r.throughput).toMatch(/^\d+(\.\d+)?[kM]? images\/s$/);
      expect(r.tensorsLeaked).toBe(0);
      expect(tf.memory().numTensors).toBe(r.tensorsBefore);
    });
  }

  test('scale must be in (0, 1]', async () => {
    await expect(runBenchCase('cnn-forward-1k', { scale: 0 })).rejects.toThrow(/scale/);
    await expect(runBenchCase('cnn-forward-1k', { scale: 2 })).rejects.toThrow(/scale/);
  });

  test('a cancelled epoch throws CancelledError and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await expect(runBenchCase('cnn-epoch-5k', { repeats: 1, warmup: false, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('certification bench cases', () => {
  test('certify-mlp and certify-cnn run CERTIFY once each, counting n0 + n draws, with no leak', async () => {
    const mlp = await runBenchCase('certify-mlp', { repeats: 1, warmup: false });
    expect(mlp.workUnits).toBe(100_100);
    expect(mlp.unit).toBe('draws');
    expect(mlp.tensorsLeaked).toBe(0);
    expect(mlp.perSecond).toBeCloseTo(mlp.workUnits / (mlp.medianMs / 1000), 6);
    const cnn = await runBenchCase('certify-cnn', { repeats: 1, warmup: false, scale: 0.05 });
    expect(cnn.workUnits).toBe(100 + 500);
    expect(cnn.tensorsLeaked).toBe(0);
  });
});

describe('Rectified Rejection epoch cases', () => {
  const RR_CASES = [
    { id: 'pgd-at-epoch', scale: 1, units: 1000, unit: 'examples' },
    { id: 'rr-pgd-at-epoch', scale: 1, units: 1000, unit: 'examples' },
    { id: 'rr-trades-epoch', scale: 1, units: 1000, unit: 'examples' },
    { id: 'cnn-at-epoch-500', scale: 0.1, units: 50, unit: 'images' },
    { id: 'cnn-rr-at-epoch-500', scale: 0.1, units: 50, unit: 'images' },
  ] as const;

  test('are listed in pairs (plain, RR) of cases that exist, with the 15% target', () => {
    const ids = BENCH_CASES.map((c) => c.id as string);
    expect(RR_OVERHEAD_PAIRS.map((p) => [p.plain, p.rr])).toEqual([
      ['pgd-at-epoch', 'rr-pgd-at-epoch'],
      ['trades-epoch', 'rr-trades-epoch'],
      ['cnn-at-epoch-500', 'cnn-rr-at-epoch-500'],
    ]);
    for (const p of RR_OVERHEAD_PAIRS) {
      expect(ids).toContain(p.plain);
      expect(ids).toContain(p.rr);
      // The two cases of a pair do the same amount of work.
      const [a, b] = [BENCH_CASES.find((c) => c.id === p.plain)!, BENCH_CASES.find((c) => c.id === p.rr)!];
      expect([b.workUnits, b.unit]).toEqual([a.workUnits, a.unit]);
    }
    expect(RR_OVERHEAD_TARGET).toBe(0.15);
    expect(rrOverhead(1000, 1100)).toBeCloseTo(0.1, 12);
    expect(rrOverhead(1000, 900)).toBeCloseTo(-0.1, 12);
    expect(BENCH_CNN_AT_TRAIN).toMatchObject({ method: 'pgd-at', epochs: 1, batchSize: 64, optimizer: 'adam', learningRate: 1e-3, box: [0, 1] });
    expect(BENCH_CNN_AT_TRAIN.attack).toEqual({ norm: 'linf', eps: 8 / 255, steps: 10, stepSize: 0 });
  });

  for (const { id, scale, units, unit } of RR_CASES) {
    test(`${id} runs once on wasm${scale < 1 ? ` (scale ${scale}: ${units} ${unit})` : ''}`, async () => {
      const r = await runBenchCase(id, { repeats: 1, warmup: false, scale });
      expect(r.backend).toBe('wasm');
      expect(r.runsMs).toHaveLength(1);
      expect(r.medianMs).toBeGreaterThan(0);
      expect(r.unit).toBe(unit);
      expect(r.workUnits).toBe(units);
      expect(r.perSecond).toBeCloseTo((units * 1000) / r.medianMs, 6);
      expect(r.tensorsLeaked).toBe(0);
      expect(tf.memory().numTensors).toBe(r.tensorsBefore);
    });
  }
});

describe('the arena bench case', () => {
  test('arena-2d runs the ten families once (scale 0.1), with no leak', async () => {
    const r = await runBenchCase('arena-2d', { repeats: 1, warmup: false, scale: 0.1 });
    expect(r.workUnits).toBe(10);
    expect(r.unit).toBe('families');
    expect(r.tensorsLeaked).toBe(0);
    expect(r.medianMs).toBeGreaterThan(0);
  }, 60_000);
});
