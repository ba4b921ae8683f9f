/**
 * Randomized-smoothing noise in Node: Philox4x32-10 (Salmon et al., SC 2011)
 * against the Random123 known-answer vectors (kat_vectors, philox4x32_10), and `gaussianNoise`
 * (Box–Muller on philox.ts's uniforms; the WASM SIMD generator, noise-simd.test.ts) on the wasm backend: moments, a Kolmogorov–Smirnov test
 * against Φ, correlations (lag 1, the lanes of a block, two streams, two seeds),
 * reproducibility, the `first` offset, sigma, shapes and tensor counts; and the noise check of the
 * bench view (noiseCheck.ts) and the noise-1m bench case on wasm. Tolerances are 5 standard errors of the sample size (the
 * KS statistic: its 0.1% critical value), so a correct generator fails with probability < 1e-5
 * per check; the seeds are fixed, so the outcome is the same on every run.
 */
import * as tf from '@tensorflow/tfjs';
import normCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, test } from 'vitest';
import { BENCH_CASES, runBenchCase } from '../../src/core/bench/suite';
import { gaussianNoise, noiseSource } from '../../src/core/noise/gaussianNoise';
import { maxAbsDifference, noiseCheckFailures, noiseStats, runNoiseCheck } from '../../src/core/noise/noiseCheck';
import { installDeviceNoise } from '../../src/core/noise/deviceNoise';
import { mulhi32, philox4x32, philoxNormals } from '../../src/core/noise/philox';
import { useWasmBackend } from './helpers';

useWasmBackend();

const N = 1 << 20;

function philoxWords(c: number[], k: number[]): string[] {
  const out = new Uint32Array(4);
  philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out, 0);
  return [...out].map((w) => w.toString(16).padStart(8, '0'));
}

/** Pearson correlation of x[i·step + a] and y[i·step + b]. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>, step = 1, a = 0, b = 0): { r: number; n: number } {
  const n = Math.floor((Math.min(x.length - a, y.length - b) + step - 1) / step);
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const u = x[i * step + a];
    const v = y[i * step + b];
    sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v;
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  return { r: cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2)), n };
}

async function draw(shape: number[], seed: number, stream: number, sigma = 1): Promise<Float32Array> {
  const t = gaussianNoise(shape, { seed, stream, sigma });
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

describe('Philox4x32-10', () => {
  test('matches the Random123 known-answer vectors', () => {
    expect(philoxWords([0, 0, 0, 0], [0, 0])).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(philoxWords([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(philoxWords([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  test('mulhi32 is the high word of the 64-bit product', () => {
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    for (const [a, b] of [[0, 0], [0xffffffff, 0xffffffff], [0xd2511f53, 0xffffffff], [0xcd9e8d57, 1], ...Array.from({ length: 1000 }, () => [next(), next()])]) {
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });
});

describe('gaussianNoise on wasm (the WASM SIMD generator)', () => {
  let x: Float32Array;
  test('draws within 1e-6 of philoxNormals and leaves only its tensor', async () => {
    installDeviceNoise();
    expect(noiseSource()).toBe('wasm');
    const before = tf.memory().numTensors;
    const t = gaussianNoise([N], { seed: 42, stream: 3, sigma: 1 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(t.dtype).toBe('float32');
    x = (await t.data()) as Float32Array;
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDifference(x, philoxNormals(new Float32Array(N), 42, 3))).toBeLessThanOrEqual(1e-6);
  });

  test('mean and variance within 5 standard errors', () => {
    const { mean, variance } = noiseStats(x);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (N - 1)));
    // The fourth moment too (3 for a normal; SE √(96/n)): catches a wrong radius distribution.
    let m4 = 0;
    for (const v of x) m4 += v ** 4;
    expect(Math.abs(m4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
  });

  test('Kolmogorov–Smirnov statistic against Φ below the 0.1% critical value', () => {
    const sorted = Float64Array.from(x).sort();
    let d = 0;
    for (let i = 0; i < N; i++) {
      const f = normCdf(sorted[i], 0, 1);
      d = Math.max(d, (i + 1) / N - f, f - i / N);
    }
    expect(d).toBeLessThan(1.9495 / Math.sqrt(N));
  });

  test('no correlation: lag 1, lanes of a block, squares of a Box–Muller pair', () => {
    const bound = (n: number) => 5 / Math.sqrt(n);
    const lag1 = correlation(x.subarray(0, N - 1), x.subarray(1));
    expect(Math.abs(lag1.r)).toBeLessThan(bound(lag1.n));
    expect(Math.abs(noiseStats(x).lag1)).toBeLessThan(bound(N));
    for (const [a, b] of [[0, 1], [0, 2], [1, 3], [2, 3], [0, 3]]) {
      const c = correlation(x, x, 4, a, b);
      expect(Math.abs(c.r), `lanes ${a}, ${b}`).toBeLessThan(bound(c.n));
    }
    // z0 = r cos θ and z1 = r sin θ share r: independent only if Box–Muller is right.
    const sq = x.map((v) => v * v);
    const c = correlation(sq, sq, 4, 0, 1);
    expect(Math.abs(c.r)).toBeLessThan(bound(c.n));
  });

  test('two streams and two seeds are uncorrelated', async () => {
    const otherStream = await draw([N], 42, 4);
    const otherSeed = await draw([N], 43, 3);
    for (const y of [otherStream, otherSeed]) {
      expect(Math.abs(correlation(x, y).r)).toBeLessThan(5 / Math.sqrt(N));
      expect(maxAbsDifference(x, y)).toBeGreaterThan(1);
    }
  });

  test('reproducible; `first` continues the same stream', async () => {
    expect(await draw([4096], 42, 3)).toEqual(x.subarray(0, 4096));
    const reference = philoxNormals(new Float32Array(65536 + 1024), 42, 3, 1);
    for (const first of [4, 1000, 65536]) {
      expect(philoxNormals(new Float32Array(1024), 42, 3, 1, first)).toEqual(reference.subarray(first, first + 1024));
    }
    expect(() => philoxNormals(new Float32Array(4), 42, 3, 1, 2)).toThrow(/multiple of 4/);
    // Seeds and streams are 32-bit words: 2^32 + 42 is seed 42.
    expect(await draw([64], 2 ** 32 + 42, 3)).toEqual(x.subarray(0, 64));
  });

  test('sigma scales every draw', async () => {
    const sigma = 0.25;
    const y = await draw([N], 42, 3, sigma);
    for (let i = 0; i < N; i += 97) expect(Math.abs(y[i] - sigma * x[i])).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(y[i])));
    const { variance } = noiseStats(y);
    expect(Math.abs(variance / sigma ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / (N - 1)));
  });

  test('any shape, filled in row-major order from the flat stream', async () => {
    for (const shape of [[2, 3, 5], [7], [1, 1], [3, 2, 2, 3]]) {
      const t = gaussianNoise(shape, { seed: 42, stream: 3, sigma: 1 });
      expect(t.shape).toEqual(shape);
      const v = await t.data();
      t.dispose();
      expect(v).toEqual(x.subarray(0, v.length));
    }
  });
});

describe('the noise generator check (bench view) on wasm', () => {
  test('passes, with the WASM SIMD source within 1e-6 of the reference', async () => {
    const before = tf.memory().numTensors;
    const r = await runNoiseCheck(200_000);
    expect(r).toMatchObject({ backend: 'wasm', source: 'wasm', draws: 200_000, compared: 4096 + 4096 + 4095, failures: [], tensorsLeaked: 0 });
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(r.drawsPerSecond).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('flags moments, correlation and differences beyond their limits', () => {
    const n = 10_000;
    expect(noiseCheckFailures({ mean: 0, variance: 1, lag1: 0 }, n, 0)).toEqual([]);
    expect(noiseCheckFailures({ mean: 0.06, variance: 1, lag1: 0 }, n, 0)).toHaveLength(1);
    expect(noiseCheckFailures({ mean: 0, variance: 1.1, lag1: 0 }, n, 0)).toHaveLength(1);
    expect(noiseCheckFailures({ mean: 0, variance: 1, lag1: 0.06 }, n, 0)).toHaveLength(1);
    expect(noiseCheckFailures({ mean: 0, variance: 1, lag1: 0 }, n, 2e-4)).toHaveLength(1);
    expect(noiseCheckFailures({ mean: NaN, variance: 1, lag1: 0 }, n, NaN)).toHaveLength(2);
  });
});

test('the noise-1m bench case draws 1,000,000 normals per run and frees them', async () => {
  expect(BENCH_CASES.find((c) => c.id === 'noise-1m')).toMatchObject({ workUnits: 1_000_000, unit: 'draws' });
  const r = await runBenchCase('noise-1m', { repeats: 2, warmup: false });
  expect(r.runsMs).toHaveLength(2);
  expect(r.throughput).toMatch(/^\d+(\.\d+)?[kM]? draws\/s$/);
  expect(r.tensorsLeaked).toBe(0);
});
