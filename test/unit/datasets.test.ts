/** src/core/data/synthetic2d.ts: the 2-D toy datasets. */
import { describe, expect, test } from 'vitest';
import {
  DATASET2D_DEFAULTS,
  DATASET2D_INFO,
  DATASET2D_KINDS,
  type Dataset2d,
  type Dataset2dConfig,
  groundTruthLabels2d,
  makeDataset2d,
  makeGrid2d,
  squareBounds,
} from '../../src/core';

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const config = (kind: Dataset2dConfig['kind'], over: Partial<Dataset2dConfig> = {}): Dataset2dConfig => ({
  kind,
  size: 150,
  noise: DATASET2D_INFO[kind].noise,
  testFraction: 0.2,
  seed: 5,
  ...over,
});
const allX = (ds: Dataset2d) => Float32Array.from([...ds.xTrain, ...ds.xTest]);
const allY = (ds: Dataset2d) => Int32Array.from([...ds.yTrain, ...ds.yTest]);

describe.each(DATASET2D_KINDS)('dataset %s', (kind) => {
  test('the same config gives byte-identical arrays', () => {
    const a = makeDataset2d(config(kind));
    const b = makeDataset2d(config(kind));
    expect(bytes(a.xTrain).equals(bytes(b.xTrain))).toBe(true);
    expect(bytes(a.yTrain).equals(bytes(b.yTrain))).toBe(true);
    expect(bytes(a.xTest).equals(bytes(b.xTest))).toBe(true);
    expect(bytes(a.yTest).equals(bytes(b.yTest))).toBe(true);
    expect(a.bounds).toEqual(b.bounds);
  });

  test('a different seed gives different points', () => {
    const a = makeDataset2d(config(kind, { seed: 5 }));
    const b = makeDataset2d(config(kind, { seed: 6 }));
    const same = a.xTrain.filter((v, i) => v === b.xTrain[i]).length;
    expect(same / a.xTrain.length).toBeLessThan(0.05);
  });

  test('sizes, split sizes, shapes and finiteness', () => {
    for (const [size, testFraction] of [
      [150, 0.2],
      [101, 0.2],
      [37, 0.5],
      [10, 0],
    ] as const) {
      const ds = makeDataset2d(config(kind, { size, testFraction }));
      const nTest = Math.round(size * testFraction);
      expect(ds.yTest.length).toBe(nTest);
      expect(ds.yTrain.length).toBe(size - nTest);
      expect(ds.xTrain.length).toBe(2 * (size - nTest));
      expect(ds.xTest.length).toBe(2 * nTest);
      expect(ds.numClasses).toBe(DATASET2D_INFO[kind].numClasses);
      expect(allX(ds).every(Number.isFinite)).toBe(true);
      expect(ds.config).toEqual(config(kind, { size, testFraction }));
    }
  });

  test('labels are in range and the classes are balanced (the Gaussians: 31/64, 1/2, 1/64)', () => {
    const ds = makeDataset2d(config(kind, { size: 151 }));
    const k = DATASET2D_INFO[kind].numClasses;
    const y = allY(ds);
    expect(y.every((c) => Number.isInteger(c) && c >= 0 && c < k)).toBe(true);
    const counts = new Array(k).fill(0);
    y.forEach((c) => counts[c]++);
    if (kind === 'gaussians3') expect(counts).toEqual([73, 76, 2]);
    else expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    // The split is a random permutation, so each class shows up in both parts (the Gaussians'
    // class 2 has only 2 points here).
    for (let c = 0; c < (kind === 'gaussians3' ? 2 : k); c++) {
      expect(ds.yTrain.includes(c)).toBe(true);
      expect(ds.yTest.includes(c)).toBe(true);
    }
  });

  test('train and test are a partition of one sample (no point twice)', () => {
    const ds = makeDataset2d(config(kind, { size: 200 }));
    const keys = new Set<string>();
    const x = allX(ds);
    for (let i = 0; i < x.length; i += 2) keys.add(`${x[i]},${x[i + 1]}`);
    expect(keys.size).toBe(200);
  });

  test('groundTruthLabels2d agrees with the sampled labels at low noise', () => {
    const ds = makeDataset2d(config(kind, { size: 400, noise: 0.02 }));
    const truth = groundTruthLabels2d(kind, allX(ds));
    const y = allY(ds);
    const agree = truth.filter((c, i) => c === y[i]).length / y.length;
    expect(agree).toBeGreaterThanOrEqual(0.97);
    // At the default noise it still agrees for most points.
    const noisy = makeDataset2d(config(kind, { size: 400 }));
    const t2 = groundTruthLabels2d(kind, allX(noisy));
    const y2 = allY(noisy);
    expect(t2.filter((c, i) => c === y2[i]).length / y2.length).toBeGreaterThan(0.9);
  });

  test('bounds are a square holding every point', () => {
    const ds = makeDataset2d(config(kind));
    const { xMin, xMax, yMin, yMax } = ds.bounds;
    expect(xMax - xMin).toBeCloseTo(yMax - yMin, 9);
    const x = allX(ds);
    for (let i = 0; i < x.length; i += 2) {
      if (x[i] < xMin || x[i] > xMax || x[i + 1] < yMin || x[i + 1] > yMax) throw new Error(`point ${i / 2} outside the bounds`);
    }
  });
});

describe('dataset details', () => {
  test('noise 0 puts the three Gaussians on their means, with the shares of paper 001 / Appendix A.2', () => {
    const ds = makeDataset2d(config('gaussians3', { noise: 0, size: 640 }));
    const means = [
      [0.25, 0.25],
      [0.75, 0.75],
      [0.55, 0.8],
    ];
    ds.yTrain.forEach((c, i) => {
      expect(ds.xTrain[2 * i]).toBeCloseTo(means[c][0], 6);
      expect(ds.xTrain[2 * i + 1]).toBeCloseTo(means[c][1], 6);
    });
    const counts = [0, 0, 0];
    allY(ds).forEach((c) => counts[c]++);
    expect(counts).toEqual([310, 320, 10]); // 31/64, 1/2 and 1/64 of 640
  });

  test('noise 0 puts circle points on radius 1 (class 0) and 0.5 (class 1)', () => {
    const ds = makeDataset2d(config('circles', { noise: 0, size: 40 }));
    ds.yTrain.forEach((c, i) => expect(Math.hypot(ds.xTrain[2 * i], ds.xTrain[2 * i + 1])).toBeCloseTo(c === 0 ? 1 : 0.5, 5));
  });

  test('xor labels: class 0 where x·y > 0 (noise 0)', () => {
    const ds = makeDataset2d(config('xor', { noise: 0, size: 60 }));
    ds.yTrain.forEach((c, i) => expect(ds.xTrain[2 * i] * ds.xTrain[2 * i + 1] > 0 ? 0 : 1).toBe(c));
  });

  test('groundTruthLabels2d on hand-picked points', () => {
    expect(Array.from(groundTruthLabels2d('xor', Float32Array.from([1, 1, -1, 1, -1, -1, 1, -1])))).toEqual([0, 1, 0, 1]);
    expect(Array.from(groundTruthLabels2d('circles', Float32Array.from([0.9, 0, 0, 0.6, 0.1, 0.1, 0, -2])))).toEqual([0, 1, 1, 0]);
    // The mixture's Bayes rule: near each mean its class; the small class 2 only very close to (0.55, 0.8).
    expect(Array.from(groundTruthLabels2d('gaussians3', Float32Array.from([0.2, 0.3, 0.8, 0.7, 0.55, 0.8, 0.55, 0.6])))).toEqual([0, 1, 2, 1]);
  });

  test('invalid configs throw', () => {
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, size: 1 })).toThrow(/size/);
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, size: 10.5 })).toThrow(/size/);
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, noise: -0.1 })).toThrow(/noise/);
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, noise: NaN })).toThrow(/noise/);
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, testFraction: 1 })).toThrow(/testFraction/);
    expect(() => makeDataset2d({ ...DATASET2D_DEFAULTS, kind: 'nope' as never })).toThrow(/kind/);
  });

  test('makeGrid2d covers the bounds row-major from (xMin, yMin)', () => {
    const b = { xMin: -1, xMax: 1, yMin: 0, yMax: 4 };
    const g = makeGrid2d(b, 3);
    expect(Array.from(g)).toEqual([-1, 0, 0, 0, 1, 0, -1, 2, 0, 2, 1, 2, -1, 4, 0, 4, 1, 4]);
  });

  test('squareBounds adds a 10% margin around the longer side', () => {
    const b = squareBounds(Float32Array.from([0, 0, 2, 1]));
    expect(b.xMin).toBeCloseTo(-0.1, 9);
    expect(b.xMax).toBeCloseTo(2.1, 9);
    expect(b.yMin).toBeCloseTo(0.5 - 1.1, 9);
    expect(b.yMax).toBeCloseTo(0.5 + 1.1, 9);
  });
});
