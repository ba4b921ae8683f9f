/**
 * Cohen et al.'s PREDICT and CERTIFY (src/core/certify/smoothing.ts) on models whose smoothed
 * answer is known in closed form:
 *  - a linear 2-class model w·x + b: P(f(x + δ) = 0) = Φ((w·x + b) / (σ ||w||₂)), so the exact
 *    smoothed radius σ Φ⁻¹(pA) is the l2 distance to the boundary, |w·x + b| / ||w||₂;
 *  - a constant model: every sample votes for one class, so pA_lower = alpha^(1/n) exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { ABSTAIN, certify, modelClassifier, predict, sampleCounts } from '../../src/core/certify/smoothing';
import { pickIndices, runSmoothingOnSet } from '../../src/core/certify/run';
import { normCdf, normInv } from '../../src/core/certify/stats';
import { abortLater, expectNoTensorLeak, fixedDenseModel, linearTwoClassModel, useWasmBackend } from './helpers';

useWasmBackend();

const W: [number, number] = [3, 4]; // ||w||₂ = 5
const constantModel = (cls: number) =>
  fixedDenseModel([{ kernel: [[0, 0, 0], [0, 0, 0]], bias: [0, 1, 2].map((c) => (c === cls ? 1 : 0)) }]);

describe('sampling', () => {
  test('counts follow the closed-form class probability of a linear model', async () => {
    const model = linearTwoClassModel(W, 0);
    const x = tf.tensor1d([0.2, 0]); // w·x = 0.6, distance 0.12
    const sigma = 0.25;
    const n = 20_000;
    const counts = await expectNoTensorLeak(() => sampleCounts(modelClassifier(model), x, n, sigma, 3000, 7));
    const p = normCdf(0.6 / (sigma * 5));
    expect(counts[0] + counts[1]).toBe(n);
    expect(Math.abs(counts[0] - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    // The same seed gives the same counts; another seed other counts.
    expect(await sampleCounts(modelClassifier(model), x, n, sigma, 3000, 7)).toEqual(counts);
    expect(await sampleCounts(modelClassifier(model), x, n, sigma, 3000, 8)).not.toEqual(counts);
    x.dispose();
    model.dispose();
  });
});

describe('CERTIFY', () => {
  test('a constant model is certified with radius σ Φ⁻¹(alpha^(1/n))', async () => {
    const model = constantModel(2);
    const x = tf.tensor1d([0.3, -0.1]);
    const o = { sigma: 0.5, n0: 10, n: 1000, alpha: 0.001, batchSize: 400, seed: 3 };
    const r = await expectNoTensorLeak(() => certify(model, x, o));
    expect(r.prediction).toBe(2);
    expect(r.counts).toEqual([0, 0, 1000]);
    expect(r.selectionCounts).toEqual([0, 0, 10]);
    expect(r.pALower).toBeCloseTo(Math.pow(0.001, 1 / 1000), 12);
    expect(r.radius).toBeCloseTo(0.5 * normInv(Math.pow(0.001, 1 / 1000)), 10);
    x.dispose();
    model.dispose();
  });

  test('on a linear model the radius is just below the distance to the boundary', async () => {
    const model = linearTwoClassModel(W, 0);
    const x = tf.tensor1d([0.2, 0]);
    const r = await certify(model, x, { sigma: 0.25, n0: 100, n: 100_000, alpha: 0.001, batchSize: 10_000, seed: 1 });
    expect(r.prediction).toBe(0);
    expect(r.radius).toBeLessThan(0.12);
    expect(r.radius).toBeGreaterThan(0.11);
    // And on the other side of the boundary, class 1.
    const x2 = tf.tensor1d([-0.3, -0.1]); // w·x = −1.3, distance 0.26
    const r2 = await certify(model, x2, { sigma: 0.25, n0: 100, n: 100_000, alpha: 0.001, batchSize: 10_000, seed: 1 });
    expect(r2.prediction).toBe(1);
    expect(r2.radius).toBeLessThan(0.26);
    expect(r2.radius).toBeGreaterThan(0.24);
    tf.dispose([x, x2]);
    model.dispose();
  });

  test('abstains on the decision boundary', async () => {
    const model = linearTwoClassModel(W, 0);
    const x = tf.tensor1d([0, 0]);
    const r = await certify(model, x, { sigma: 0.25, n0: 100, n: 10_000, alpha: 0.001, batchSize: 5000, seed: 5 });
    expect(r.prediction).toBe(ABSTAIN);
    expect(r.radius).toBe(0);
    expect(r.pALower).toBeLessThan(0.5);
    x.dispose();
    model.dispose();
  });

  test('refuses bad settings with a message', async () => {
    const model = constantModel(0);
    const x = tf.tensor1d([0, 0]);
    await expect(certify(model, x, { sigma: 0 })).rejects.toThrow(/sigma must be > 0 and ≤ 10000 \(got 0\)/);
    await expect(certify(model, x, { n0: 0 })).rejects.toThrow(/n0 must be between 1 and 1000000000 \(got 0\)/);
    await expect(certify(model, x, { n: 2.5 })).rejects.toThrow(/n must be a whole number \(got 2.5\)/);
    await expect(certify(model, x, { alpha: 1 })).rejects.toThrow(/alpha must be > 0 and < 1 \(got 1\)/);
    await expect(predict(model, x, { alpha: 0 })).rejects.toThrow(/alpha/);
    x.dispose();
    model.dispose();
  });
});

describe('PREDICT', () => {
  test('returns the class far from the boundary and abstains on it', async () => {
    const model = linearTwoClassModel(W, 0);
    const far = tf.tensor1d([0.2, 0]);
    const on = tf.tensor1d([0, 0]);
    const o = { sigma: 0.25, n: 2000, alpha: 0.001, batchSize: 2000, seed: 2 };
    const a = await expectNoTensorLeak(() => predict(model, far, o));
    expect(a.prediction).toBe(0);
    expect(a.pValue).toBeLessThan(1e-6);
    const b = await predict(model, on, o);
    expect(b.prediction).toBe(ABSTAIN);
    expect(b.pValue).toBeGreaterThan(0.001);
    tf.dispose([far, on]);
    model.dispose();
  });
});

describe('runs over a set', () => {
  test('rows carry label, prediction, radius and correctness; cancel keeps finished inputs', async () => {
    const model = linearTwoClassModel(W, 0);
    const x = tf.tensor2d([[0.2, 0], [-0.3, -0.1], [0, 0], [0.5, 0.5]]);
    const labels = [0, 0, 0, 0];
    const o = { sigma: 0.25, n0: 50, n: 5000, alpha: 0.001, batchSize: 5000, seed: 9 };
    const fractions: number[] = [];
    const all = await expectNoTensorLeak(() => runSmoothingOnSet('certify', modelClassifier(model), x, labels, pickIndices(4), o, { onProgress: (f) => fractions.push(f) }));
    expect(all.cancelled).toBe(false);
    expect(all.rows.map((r) => [r.idx, r.predict, r.correct])).toEqual([[0, 0, 1], [1, 1, 0], [2, ABSTAIN, 0], [3, 0, 1]]);
    expect(all.rows[0].radius).toBeGreaterThan(0.09);
    expect(all.rows[0].radius).toBeLessThan(0.12);
    expect(fractions[fractions.length - 1]).toBeCloseTo(1, 12);
    // A row depends only on the seed and the input index, not on which others ran.
    const alone = await runSmoothingOnSet('certify', modelClassifier(model), x, labels, [3], o);
    expect(alone.rows[0].radius).toBe(all.rows[3].radius);

    const controller = new AbortController();
    const partial = await expectNoTensorLeak(() =>
      runSmoothingOnSet('certify', modelClassifier(model), x, labels, pickIndices(4), o, {
        signal: controller.signal,
        onRow: (row) => {
          if (row.idx === 1) controller.abort();
        },
      }),
    );
    expect(partial.cancelled).toBe(true);
    expect(partial.rows.map((r) => r.idx)).toEqual([0, 1]);
    expect(partial.rows[0].radius).toBe(all.rows[0].radius);
    tf.dispose(x);
    model.dispose();
  });

  test('a cancel during CERTIFY takes effect within 200 ms (checked at every batch of draws) and leaves no tensors', async () => {
    const model = linearTwoClassModel(W, 0);
    const x = tf.tensor1d([0.2, 0]);
    const cancel = abortLater(150);
    // 1e9 draws would take hours: only the per-batch check can stop it.
    await expectNoTensorLeak(() => expect(certify(model, x, { sigma: 0.25, n0: 100, n: 1e9, batchSize: 1000, seed: 1 }, { signal: cancel.signal })).rejects.toThrow(/Cancelled/));
    expect(cancel.sinceAbort(), 'ms from the cancel to the rejection').toBeLessThan(200);
    tf.dispose(x);
    model.dispose();
  });

  test('pickIndices takes every skip-th input up to max', () => {
    expect(pickIndices(10, 3)).toEqual([0, 3, 6, 9]);
    expect(pickIndices(10, 2, 3)).toEqual([0, 2, 4]);
  });
});

describe('PREDICT on many inputs at once', () => {
  test('agrees with the closed form of a linear model: class by side, abstain near the boundary', async () => {
    const { predictMany } = await import('../../src/core/certify/smoothedGrid');
    const model = linearTwoClassModel(W, 0);
    // Signed distances −0.4 … 0.4 along w/||w||.
    const d = [-0.4, -0.2, -0.001, 0, 0.001, 0.2, 0.4];
    const x = tf.tensor2d(d.map((t) => [(3 / 5) * t, (4 / 5) * t]));
    const r = await expectNoTensorLeak(() => predictMany(modelClassifier(model), x, { sigma: 0.25, n: 2000, alpha: 0.001, batchSize: 5000, seed: 4 }));
    expect(Array.from(r.predictions)).toEqual([1, 1, ABSTAIN, ABSTAIN, ABSTAIN, 0, 0]);
    d.forEach((t, i) => {
      const p = normCdf(Math.abs(t) / 0.25);
      expect(Math.abs(r.topShare[i] - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 2000) + 1e-9);
    });
    x.dispose();
    model.dispose();
  });
});
