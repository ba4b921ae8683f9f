/**
 * Sound or silent: verification and smoothing refuse parameters outside their meaningful range
 * (naming the argument, its value and the range) and never certify through a non-finite number.
 * A model with a NaN or ±Infinity weight is refused at load with the weight's name; inputs with
 * one are refused with the row. A property test drives random weights (up to 1e6 in scale, so
 * float32 overflows), eps and inputs through IBP and CROWN verification with abstain classes and
 * checks every verdict against sampling: a verified input's sampled neighbours all land in
 * {y} ∪ A, and no verified input has a non-finite margin. Every call leaves the tensor count as
 * it found it.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ABSTAIN, Rng, SMOOTHING_DEFAULTS, certify, coupledSummary, createMlp, createRrModel, evaluateRejection, rejectedScore, rejectionEvalDefaults2d, rejectNonFinite, scoreMetric, crownBounds, inputBox, modelClassifier, modelFromArtifacts, modelToArtifacts, predict, runSmoothingOnSet, verifyAbstain } from '../../src/core';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const K = 3;
const M = 2;

function mlp(seed: number, scale = 1): tf.LayersModel {
  const model = createMlp({ inputDim: 2, numClasses: K + M, depth: 2, width: 8, activation: 'relu', seed });
  if (scale !== 1) model.setWeights(model.getWeights().map((w) => tf.tidy(() => tf.mul(w, scale))));
  return model;
}

function withWeight(model: tf.LayersModel, index: number, value: number): void {
  const ws = model.getWeights().map((w) => w.clone());
  const flat = ws[0].dataSync().slice();
  flat[index] = value;
  const changed = tf.tensor(flat, ws[0].shape);
  model.setWeights([changed, ...ws.slice(1)]);
  tf.dispose([changed, ...ws]);
}

describe('verification refuses what it cannot mean', () => {
  test('eps: NaN, negative, infinite, wider than the box, or above EPS_MAX without a box', async () => {
    const model = mlp(1);
    const x = tf.tensor2d([[0.2, 0.3]]);
    const cases: Array<[number, [number, number] | null, RegExp]> = [
      [NaN, [0, 1], /eps must be a finite number ≥ 0 \(got NaN\)/],
      [-0.1, [0, 1], /eps must be a finite number ≥ 0 \(got -0\.1\)/],
      [Infinity, null, /eps must be a finite number ≥ 0 \(got Infinity\)/],
      [1e39, [0, 1], /eps 1e\+39 is larger than the input domain's width 1/],
      [1e308, [0, 1], /eps 1e\+308 is larger than the input domain's width 1/],
      [1e5, null, /eps 100000 is above 10000/],
    ];
    for (const [eps, box, message] of cases) {
      await expectNoTensorLeak(() => expect(verifyAbstain(model, x, [0], eps, { numClasses: K, box })).rejects.toThrow(message));
    }
    model.dispose();
    x.dispose();
  });

  test('inputs with NaN or Infinity are refused by row; a model with a non-finite weight by name', async () => {
    const model = mlp(2);
    const x = tf.tensor2d([[0.2, 0.3], [0.5, NaN]]);
    await expectNoTensorLeak(() => expect(verifyAbstain(model, x, [0, 1], 0.1, { numClasses: K, box: [0, 1] })).rejects.toThrow(/input row 1 has a non-finite value \(NaN or ±Infinity\)/));
    const clean = tf.tensor2d([[0.2, 0.3]]);
    withWeight(model, 3, Infinity);
    await expectNoTensorLeak(() => expect(verifyAbstain(model, clean, [0], 0.1, { numClasses: K, box: [0, 1] })).rejects.toThrow(/weight "[^"]+" has 1 non-finite value .*index 3/));
    model.dispose();
    tf.dispose([x, clean]);
  });

  test('the lower-level bound functions check their arguments too: inputBox eps, crownBounds box shapes', async () => {
    const model = mlp(1);
    const x = tf.tensor2d([[0.2, 0.3]]);
    await expectNoTensorLeak(() => {
      expect(() => inputBox(x, 1e39, [0, 1])).toThrow(/eps 1e\+39 is larger than the input domain's width 1/);
      expect(() => inputBox(x, Number.NaN, [0, 1])).toThrow(/eps must be a finite number ≥ 0 \(got NaN\)/);
      expect(() => inputBox(x, -0.1, null)).toThrow(/eps must be a finite number ≥ 0 \(got -0.1\)/);
      expect(() => inputBox(x, 1e308, null)).toThrow(/above 10000, the largest accepted without a box/);
      const lower = tf.zeros([1, 2]);
      const upper = tf.ones([1, 3]);
      expect(() => crownBounds(model, lower, upper)).toThrow(/^crownBounds: lower 1,2 and upper 1,3 differ in shape/);
      expect(() => crownBounds(model, upper, upper)).toThrow(/^crownBounds: inputs of shape \[3\] do not fit the model's input \[2\]/);
      tf.dispose([lower, upper]);
    });
    tf.dispose(x);
    model.dispose();
  });

  test('loading a model with NaN weights names the weight and keeps no tensor', async () => {
    const model = mlp(3);
    withWeight(model, 0, NaN);
    const { modelJson, weights } = await modelToArtifacts(model);
    model.dispose();
    await expectNoTensorLeak(() => expect(modelFromArtifacts(modelJson, weights)).rejects.toThrow(/weight "[^"]*kernel[^"]*" has 1 non-finite value \(NaN or ±Infinity; the first at index 0\)/));
  });
});

describe('smoothing never certifies through a non-finite vote', () => {
  test('sigma above SIGMA_MAX or not finite is refused by name', async () => {
    const model = mlp(4);
    const x = tf.tensor1d([0.2, 0.3]);
    for (const sigma of [1e308, 1e5, Infinity, NaN]) {
      await expectNoTensorLeak(() => expect(certify(model, x, { sigma, n0: 10, n: 100 })).rejects.toThrow(/sigma must be (a finite number )?> 0 and ≤ 10000 \(got (1e\+308|100000|Infinity|NaN)\)/));
    }
    model.dispose();
    x.dispose();
  });

  test('a model with a NaN weight is refused by name, even one built in memory', async () => {
    const model = mlp(6);
    withWeight(model, 0, NaN);
    const x = tf.tensor1d([0.2, 0.3]);
    await expectNoTensorLeak(() => expect(certify(model, x, { sigma: 0.25, n0: 20, n: 200 })).rejects.toThrow(/weight "[^"]+" has 1 non-finite value/));
    await expectNoTensorLeak(() => expect(predict(model, x, { sigma: 0.25, n: 200 })).rejects.toThrow(/weight "[^"]+" has 1 non-finite value/));
    model.dispose();
    x.dispose();
  });

  test('a model whose outputs overflow abstains, with every vote counted as lost', async () => {
    // Finite weights of scale 1e30: the second layer's products overflow float32.
    const model = mlp(5, 1e30);
    const x = tf.tensor1d([0.2, 0.3]);
    const r = await expectNoTensorLeak(() => certify(model, x, { sigma: 0.25, n0: 20, n: 200, alpha: 0.001, seed: 1 }));
    expect(r.prediction).toBe(ABSTAIN);
    expect(r.radius).toBe(0);
    expect(r.votesLost).toBe(200);
    expect(r.counts.every((c) => c === 0)).toBe(true);
    const p = await expectNoTensorLeak(() => predict(model, x, { sigma: 0.25, n: 200, alpha: 0.001, seed: 1 }));
    expect(p.prediction).toBe(ABSTAIN);
    expect(p.votesLost).toBe(200);
    // A run's rows carry the count, for the page's runs table and the CLI.
    const xs = tf.tensor2d([[0.2, 0.3]]);
    const run = await runSmoothingOnSet('certify', modelClassifier(model), xs, [1], [0], { ...SMOOTHING_DEFAULTS, n0: 20, n: 200, seed: 1 }, {});
    xs.dispose();
    expect(run.rows[0].votesLost).toBe(200);
    expect(run.rows[0].predict).toBe(ABSTAIN);
    model.dispose();
    x.dispose();
  });
});

describe('verification never verifies through an overflow', () => {
  test('outputs that overflow float32 leave every input unverified, counted as non-finite', async () => {
    const model = mlp(8, 1e30);
    const x = tf.tensor2d([[0.2, 0.3], [0.7, 0.1], [0.5, 0.5]]);
    for (const bound of ['ibp', 'crown'] as const) {
      const v = await expectNoTensorLeak(() => verifyAbstain(model, x, [0, 1, 2], 0.01, { numClasses: K, box: [0, 1], bound }));
      expect(Array.from(v.verified)).toEqual([0, 0, 0]);
      expect(v.nonFinite).toBe(3);
      expect(Array.from(v.margin).every(Number.isNaN)).toBe(true);
      expect(v.verifiedError).toBe(1);
    }
    model.dispose();
    x.dispose();
  });
});

describe('Rectified Rejection never keeps an input through a non-finite score', () => {
  test('a row with a NaN logit, head output or score is counted wrong and rejected by every score; the others are untouched', () => {
    // Four inputs, two classes: row 1 has a NaN logit, row 2 an infinite auxiliary logit, row 3 an infinite energy.
    const set = {
      id: 's',
      predictions: Int32Array.from([0, 1, 0, 1]),
      correct: Uint8Array.from([1, 1, 1, 0]),
      logits: Float32Array.from([3, 1, NaN, 2, 2, 0, 1, 4]),
      aux: Float32Array.from([2, 1, Infinity, -1]),
      selection: null,
      scores: { confidence: Float32Array.from([0.88, 0.7, 0.9, 0.95]), rcon: Float32Array.from([0.8, 0.6, 0.9, 0.2]), energy: Float32Array.from([3.1, 2, 2.1, Infinity]) },
    };
    expect(rejectNonFinite(set, 2)).toBe(3);
    expect(Array.from(set.predictions)).toEqual([0, -1, -1, -1]);
    expect(Array.from(set.correct)).toEqual([1, 0, 0, 0]);
    for (const [name, s] of Object.entries(set.scores)) {
      expect(s[0]).toBeGreaterThan(0);
      const r = rejectedScore(name as 'confidence' | 'rcon' | 'energy');
      expect(Array.from(s.slice(1))).toEqual([r, r, r]);
    }
    expect(rejectedScore('energy')).toBeLessThan(-1e38);
    expect(rejectedScore('rcon')).toBe(0);
    // Every metric is now defined and keeps none of the three.
    const m = scoreMetric(set, 'rcon', { tpr: 0.95 });
    expect(m.tpr.threshold).toBeGreaterThanOrEqual(0);
    expect(m.tpr.kept).toBe(m.tpr.keptCorrect);
    expect(m.auc).toBe(1);
    const c = coupledSummary(set, 0.2);
    expect(c.counts.accepted).toBe(1);
    expect(c.counts.rejectedStage1).toBe(3);
  });

  test('an RR model whose outputs overflow has every input rejected, counted, and no metric reads a non-finite number', async () => {
    const model = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: K, depth: 2, width: 8, seed: 2 });
    // Every weight 1e20: the second layer's sums reach 1e40 and overflow float32.
    model.setWeights(model.getWeights().map((w) => tf.tidy(() => tf.fill(w.shape, 1e20))));
    const x = tf.tensor2d([[0.2, 0.3], [0.7, 0.1], [0.5, 0.5], [0.1, 0.9]]);
    const config = { ...rejectionEvalDefaults2d(), count: 4 };
    config.settings = config.settings.map((s) => (s.kind === 'clean' ? s : { ...s, steps: 2 }));
    const ev = await expectNoTensorLeak(() => evaluateRejection(model, x, Int32Array.from([0, 1, 2, 0]), config, {}, null));
    expect(ev.sets.length).toBeGreaterThan(1);
    for (const set of ev.sets) {
      expect(set.nonFinite, set.id).toBe(4);
      expect(Array.from(set.correct)).toEqual([0, 0, 0, 0]);
      for (const [name, s] of Object.entries(set.scores)) expect(Array.from(s!).every((v) => v === rejectedScore(name as 'rcon'))).toBe(true);
    }
    for (const c of ev.coupled) expect(c.counts.accepted).toBe(0);
    for (const m of ev.metrics) {
      expect(m.accuracy).toBe(0);
      expect(m.tpr.kept).toBe(0);
    }
    model.dispose();
    x.dispose();
  });
});

describe('no verdict contradicts sampling, at any scale (fast-check)', () => {
  test('IBP and CROWN with abstain classes: verified ⇒ finite margin and every sampled neighbour in {y} ∪ A', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(1e-2, 1, 1e3, 1e6),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom<'ibp' | 'crown'>('ibp', 'crown'),
        async (seed, scale, eps, bound) => {
          const model = mlp(seed, scale);
          const rng = new Rng(seed + 7);
          const n = 6;
          const pts = Array.from({ length: n }, () => [rng.uniform(), rng.uniform()]);
          const x = tf.tensor2d(pts);
          // Labels: the model's own clean prediction where it is a regular class, so some verify.
          const clean = Array.from(tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, 1)).dataSync());
          const y = clean.map((c) => (c < K ? c : 0));
          const before = tf.memory().numTensors;
          const v = await verifyAbstain(model, x, y, eps, { numClasses: K, box: [0, 1], bound });
          expect(tf.memory().numTensors).toBe(before);
          for (let i = 0; i < n; i++) {
            if (!v.verified[i]) continue;
            expect(Number.isFinite(v.margin[i]), `verified input ${i} has margin ${v.margin[i]}`).toBe(true);
            const lo = pts[i].map((c) => Math.max(0, c - eps));
            const hi = pts[i].map((c) => Math.min(1, c + eps));
            const samples = Array.from({ length: 64 }, (_, s) => (s < 4 ? [s & 1 ? hi[0] : lo[0], s & 2 ? hi[1] : lo[1]] : [lo[0] + rng.uniform() * (hi[0] - lo[0]), lo[1] + rng.uniform() * (hi[1] - lo[1])]));
            const preds = tf.tidy(() => Array.from(tf.argMax(model.predict(tf.tensor2d(samples)) as tf.Tensor, 1).dataSync()));
            for (const p of preds) expect(p === y[i] || p >= K, `input ${i}: a neighbour predicted ${p}, label ${y[i]} (scale ${scale}, eps ${eps}, ${bound})`).toBe(true);
          }
          model.dispose();
    x.dispose();
        },
      ),
      { numRuns: 30, seed: 13 },
    );
  });
});
