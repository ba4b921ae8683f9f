/**
 * Paper 003, Theorem 3.1 / Eq. 1 / Algorithm 1 (src/core/certify/noiseRejection.ts):
 * radii on hand-made cases whose counts are known in closed form, against values computed with
 * scipy (beta.ppf for the Clopper–Pearson bounds, norm.ppf); the abstain rule; Cohen's CERTIFY
 * recovered when nothing is rejected; head selection of f_R; PREDICT; reproducibility; leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { ABSTAIN, type BaseClassifier, certifyBase, modelClassifier } from '../../src/core/certify/smoothing';
import {
  NOISE_REJECTION_DEFAULTS,
  certifyWithRejection,
  checkNoiseRejectionOptions,
  predictWithRejection,
  rejectionClassifier,
  rejectionRadius,
  runRejectionOnSet,
} from '../../src/core/certify/noiseRejection';
import { clopperPearsonLower, normInv } from '../../src/core/certify/stats';
import type { RejectorHeads } from '../../src/core/models/noiseRejectors';
import { createDenoiser } from '../../src/core/models/denoiser';
import { createRejectors } from '../../src/core/models/noiseRejectors';
import { createMlp } from '../../src/core/models/mlp';
import { expectNoTensorLeak, linearTwoClassModel, useWasmBackend } from './helpers';

useWasmBackend();

/**
 * A classifier whose answer depends only on the row of the batch: rows [0, bounds[0]) → class 0,
 * [bounds[0], bounds[1]) → class 1, … (the rest → the last class). With batch size 100 and n a
 * multiple of 100 its counts are known exactly.
 */
function rowClassifier(numClasses: number, bounds: number[]): BaseClassifier {
  return {
    numClasses,
    classify: (x) => {
      const b = x.shape[0];
      const out = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        let c = 0;
        while (c < bounds.length && i >= bounds[c]) c++;
        out[i] = Math.min(c, numClasses - 1);
      }
      return tf.tensor1d(out, 'int32');
    },
  };
}

/** Rejectors whose H_k(z) = 1 for the rows listed by `rejectRow(row, k)` (the head k), else 0. */
function rowRejectors(numClasses: number, rejectRow: (row: number, k: number) => boolean): RejectorHeads {
  return {
    numClasses,
    probabilities: (z) => {
      const b = z.shape[0];
      const out = new Float32Array(b * numClasses);
      for (let i = 0; i < b; i++) for (let k = 0; k < numClasses; k++) out[i * numClasses + k] = rejectRow(i, k) ? 1 : 0;
      return tf.tensor2d(out, [b, numClasses]);
    },
  };
}

const never = (K: number) => rowRejectors(K, () => false);
const x0 = () => tf.zeros([2]);
const opts = { sigma: 0.5, n0: 100, n: 1000, alpha: 0.01, batchSize: 100, seed: 3 };

describe('certifyWithRejection: closed-form cases (scipy reference values)', () => {
  test('constant classifier, no rejection: radius σ Φ⁻¹(α^(1/n)) = Cohen', async () => {
    const x = x0();
    const r = await expectNoTensorLeak(() => certifyWithRejection(rowClassifier(3, [0, 1000]), null, never(3), x, opts));
    // Every sample is class 1: countTop = n, nothing rejected.
    expect(r.counts).toEqual([0, 1000, 0, 0]);
    expect(r.selectionCounts).toEqual([0, 100, 0, 0]);
    expect([r.prediction, r.topClass, r.countTop, r.countRejected]).toEqual([1, 1, 1000, 0]);
    expect(r.pALower).toBeCloseTo(0.995405417351527, 12);
    expect(r.pARLower).toBe(r.pALower);
    expect(r.radius).toBeCloseTo(1.302467570905784, 10);
    const cohen = await certifyBase(rowClassifier(3, [0, 1000]), x, opts);
    expect(r.radius).toBeCloseTo(cohen.radius, 12);
    x.dispose();
  });

  test('a rejector rejecting 20 of every 100 samples: ρ = σ/2 (Φ⁻¹(CP(800)) + Φ⁻¹(CP(1000)))', async () => {
    const x = x0();
    const rej = rowRejectors(3, (row) => row < 20);
    const r = await expectNoTensorLeak(() => certifyWithRejection(rowClassifier(3, [0, 1000]), null, rej, x, opts));
    expect(r.counts).toEqual([0, 800, 0, 200]);
    expect([r.prediction, r.countTop, r.countRejected, r.alphaPerBound]).toEqual([1, 800, 200, 0.01]);
    expect(r.pALower).toBeCloseTo(0.7689020607149857, 12);
    expect(r.pARLower).toBeCloseTo(0.995405417351527, 12);
    expect(r.radius).toBeCloseTo(0.83504274408902, 10);
    // The same with α split between the two bounds (Bonferroni).
    const s = await certifyWithRejection(rowClassifier(3, [0, 1000]), null, rej, x, { ...opts, splitAlpha: true });
    expect(s.alphaPerBound).toBe(0.005);
    expect(s.pALower).toBeCloseTo(0.7655114007173378, 12);
    expect(s.pARLower).toBeCloseTo(0.9947156939605025, 12);
    expect(s.radius).toBeCloseTo(0.8201980399396449, 10);
    x.dispose();
  });

  test('rejecting the mistakes certifies where Cohen abstains (400 top, 300 other, 300 rejected)', async () => {
    const x = x0();
    // Rows 0–39 class 0, 40–69 class 1, 70–99 class 2; every head rejects rows ≥ 70.
    const f = rowClassifier(3, [40, 70]);
    const r = await certifyWithRejection(f, null, rowRejectors(3, (row) => row >= 70), x, opts);
    expect(r.counts).toEqual([400, 300, 0, 300]);
    expect(r.pALower).toBeCloseTo(0.36391958137779634, 12);
    expect(r.pARLower).toBeCloseTo(0.6650361321759417, 12);
    expect(r.radius).toBeCloseTo(0.01956145737045191, 10);
    expect(r.prediction).toBe(0);
    // Without rejection the same classifier: Cohen's pA_lower = CP(400) < 1/2, abstain.
    const cohen = await certifyBase(f, x, opts);
    expect(cohen.prediction).toBe(ABSTAIN);
    x.dispose();
  });

  test('abstain: pA_lower ≤ 1 − pAR_lower (400 top, 400 other, 200 rejected) → −1, radius 0', async () => {
    const x = x0();
    const r = await certifyWithRejection(rowClassifier(3, [40, 80]), null, rowRejectors(3, (row, k) => k === 2), x, opts);
    expect(r.counts).toEqual([400, 400, 0, 200]);
    expect(r.topClass).toBe(0); // tie → the lower index
    expect(r.pALower).toBeCloseTo(0.36391958137779634, 12);
    expect(r.pARLower).toBeCloseTo(0.5631180316489751, 12);
    expect(rejectionRadius(0.5, r.pALower, r.pARLower)).toBeCloseTo(-0.04728050431032174, 10);
    expect(r.pALower).toBeLessThanOrEqual(1 - r.pARLower);
    expect([r.prediction, r.radius]).toEqual([ABSTAIN, 0]);
    x.dispose();
  });

  test('everything rejected: pA_lower = 0, abstain', async () => {
    const x = x0();
    const all = await certifyWithRejection(rowClassifier(3, [0, 1000]), null, rowRejectors(3, () => true), x, opts);
    expect(all.counts).toEqual([0, 0, 0, 1000]);
    expect([all.prediction, all.radius, all.pALower, all.countRejected]).toEqual([ABSTAIN, 0, 0, 1000]);
    x.dispose();
  });

  test('only the head of the predicted class decides (Eq. 1)', async () => {
    const x = x0();
    // Rows 0–49 → class 0, 50–99 → class 1. Head 0 rejects every row, head 1 none:
    // only the class-0 rows are rejected.
    const f = rowClassifier(2, [50]);
    const r = await certifyWithRejection(f, null, rowRejectors(2, (_row, k) => k === 0), x, opts);
    expect(r.counts).toEqual([0, 500, 500]);
    expect(r.topClass).toBe(1);
    // Threshold: H = 0.6 on head 0 rejects at 0.5, not at 0.7.
    const soft: RejectorHeads = { numClasses: 2, probabilities: (z) => tf.tidy(() => tf.tile(tf.tensor2d([[0.6, 0.1]]), [z.shape[0], 1])) };
    expect((await certifyWithRejection(f, null, soft, x, opts)).counts).toEqual([0, 500, 500]);
    expect((await certifyWithRejection(f, null, soft, x, { ...opts, threshold: 0.7 })).counts).toEqual([500, 500, 0]);
    x.dispose();
  });
});

describe('certifyWithRejection on noisy models', () => {
  test('no rejection = Cohen CERTIFY: same counts, same pA_lower, same radius (linear model near its boundary)', async () => {
    const model = linearTwoClassModel([1, 1], 0);
    const x = tf.tensor1d([0.3, 0.1]);
    const o = { sigma: 0.5, n0: 100, n: 2000, alpha: 0.001, batchSize: 500, seed: 11 };
    const r = await expectNoTensorLeak(() => certifyWithRejection(model, null, never(2), x, o));
    const c = await certifyBase(modelClassifier(model), x, o);
    expect(r.counts.slice(0, 2)).toEqual(c.counts);
    expect(r.counts[2]).toBe(0);
    expect(r.pALower).toBe(c.pALower);
    expect(r.pARLower).toBe(c.pALower);
    expect(r.prediction).toBe(c.prediction);
    expect(r.radius).toBeCloseTo(c.radius, 12);
    model.dispose();
    x.dispose();
  });

  test('a rejector that rejects a known share (z₀ > 0 at x = 0): counts near n/2, radius by the formula', async () => {
    const x = tf.zeros([2]);
    const half: RejectorHeads = { numClasses: 3, probabilities: (z) => tf.tidy(() => tf.tile(tf.cast(tf.greater(tf.slice(z, [0, 0], [-1, 1]), 0), 'float32'), [1, 3])) as tf.Tensor2D };
    const o = { sigma: 0.25, n0: 100, n: 4000, alpha: 0.01, batchSize: 1000, seed: 5 };
    const r = await certifyWithRejection(rowClassifier(3, [0, 1_000_000]), null, half, x, o);
    expect(r.countTop + r.countRejected).toBe(4000);
    expect(Math.abs(r.countRejected / 4000 - 0.5)).toBeLessThan(0.04); // 5 standard deviations
    const pA = clopperPearsonLower(r.countTop, 4000, 0.01);
    const pAR = clopperPearsonLower(4000, 4000, 0.01);
    expect(r.pALower).toBe(pA);
    expect(r.radius).toBeCloseTo((0.25 / 2) * (normInv(pA) + normInv(pAR)), 12);
    x.dispose();
  });

  test('the denoiser is applied before f and h: D ≡ a point of class 0 gives class 0 everywhere', async () => {
    const x = tf.tensor1d([-5, -5]);
    const model = linearTwoClassModel([1, 1], 0);
    const toPoint = (v: tf.Tensor) => tf.tidy(() => tf.add(tf.mul(v, 0), tf.tensor1d([1, 1])));
    const r = await certifyWithRejection(model, toPoint, never(2), x, opts);
    expect(r.counts).toEqual([1000, 0, 0]);
    expect(r.radius).toBeCloseTo(1.302467570905784, 10);
    model.dispose();
    x.dispose();
  });

  test('same seed, same counts; another seed, other counts; real models, no leak', async () => {
    const clf = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 8, seed: 2 });
    const den = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 1, width: 8, seed: 3 });
    const rej = createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 8, seed: 4 });
    const x = tf.tensor1d([0.2, -0.1]);
    const o = { sigma: 1, n0: 50, n: 500, alpha: 0.01, batchSize: 128, seed: 9 };
    const a = await expectNoTensorLeak(() => certifyWithRejection(clf, den, rej, x, o));
    const b = await certifyWithRejection(clf, den, rej, x, o);
    const c = await certifyWithRejection(clf, den, rej, x, { ...o, seed: 10 });
    expect(a).toEqual(b);
    expect(a.counts.reduce((s, v) => s + v, 0)).toBe(500);
    expect(c.counts).not.toEqual(a.counts);
    tf.dispose([x]);
    clf.dispose();
    den.dispose();
    rej.dispose();
  });

  test('head count must match the classes', () => {
    expect(() => rejectionClassifier({ classifier: rowClassifier(3, []), denoiser: null, rejectors: never(2) })).toThrow(/2 heads/);
  });
});

describe('predictWithRejection (Algorithm 1)', () => {
  test('top two real classes, R excluded; abstain when everything is rejected', async () => {
    const x = x0();
    // 60 / 10 per 100 rows, 30 rejected (head of every class for rows ≥ 70).
    const p = await expectNoTensorLeak(() => predictWithRejection(rowClassifier(3, [60, 70]), null, rowRejectors(3, (row) => row >= 70), x, opts));
    expect(p.counts).toEqual([600, 100, 0, 300]);
    expect(p.countRejected).toBe(300);
    expect(p.prediction).toBe(0);
    expect(p.pValue).toBeLessThan(1e-50);
    // R is never the answer even when it is the most frequent outcome: 150 vs 150 real → abstain.
    const tie = await predictWithRejection(rowClassifier(2, [15, 30]), null, rowRejectors(2, (row) => row >= 30), x, opts);
    expect(tie.counts).toEqual([150, 150, 700]);
    expect(tie.prediction).toBe(ABSTAIN);
    const none = await predictWithRejection(rowClassifier(2, [50]), null, rowRejectors(2, () => true), x, opts);
    expect([none.prediction, none.countRejected]).toEqual([ABSTAIN, 1000]);
    x.dispose();
  });
});

describe('options and runs over a set', () => {
  test('defaults are the paper’s (α = 0.01, N = 10,000) and bad settings are refused', () => {
    expect(NOISE_REJECTION_DEFAULTS).toMatchObject({ alpha: 0.01, n: 10_000, n0: 100, threshold: 0.5, splitAlpha: false });
    expect(() => checkNoiseRejectionOptions({ threshold: 1.5 })).toThrow(/threshold/);
    expect(() => checkNoiseRejectionOptions({ alpha: 0 })).toThrow(/alpha/);
  });

  test('runRejectionOnSet: rows with countTop / countRejected, per-input seeds, cancellation keeps finished rows', async () => {
    const xs = tf.zeros([3, 2]);
    const system = { classifier: rowClassifier(3, [0, 1000]), denoiser: null, rejectors: rowRejectors(3, (row: number) => row < 20) };
    const res = await expectNoTensorLeak(() => runRejectionOnSet('certify', system, xs, [1, 0, 1], [0, 2], opts));
    expect(res.cancelled).toBe(false);
    expect(res.rows.map((r) => [r.idx, r.predict, r.correct, r.countTop, r.countRejected])).toEqual([
      [0, 1, 1, 800, 200],
      [2, 1, 1, 800, 200],
    ]);
    expect(res.rows[0].radius).toBeCloseTo(0.83504274408902, 10);
    const pred = await runRejectionOnSet('predict', system, xs, [1, 0, 1], [1], opts);
    expect(pred.rows[0]).toMatchObject({ idx: 1, predict: 1, correct: 0, radius: null, countRejected: 200 });
    const ac = new AbortController();
    const cancelled = await runRejectionOnSet('certify', system, xs, [1, 0, 1], [0, 1, 2], opts, {
      signal: ac.signal,
      onRow: () => ac.abort(),
    });
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.rows).toHaveLength(1);
    xs.dispose();
  });
});
