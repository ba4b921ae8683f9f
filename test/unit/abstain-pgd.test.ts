/**
 * PGD on models with abstain classes (paper 004's success rule): an attack succeeds only when
 * the output leaves {y} ∪ A. A hand-built ReLU network with known regions, a trained plain MLP
 * (M = 0 is ordinary PGD success), the threat model, seeds, tensor counts, the error table and
 * option checks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Box, CancelledError, TRAIN_DEFAULTS, abstainErrorTable, abstainMargin, abstainPgd, createMlp, pgd, predictClasses, train } from '../../src/core';
import { expectNoTensorLeak, fixedDenseModel, threeBlobs, useWasmBackend } from './helpers';

useWasmBackend();

/**
 * Input (x1, x2); hidden h = relu(x1, −x1, x2, −x2); K = 2 regular classes and M = 2 abstain:
 *   z0 = −10|x1|,  z1 = 10·x2 − 30 (the wrong class for y = 0),
 *   a1 = −10 − 100·relu(−x1),  a2 = −10 − 100·relu(x1).
 * For y = 0: class 0 for |x1| < 1, a1 for x1 > 1, a2 for x1 < −1, and class 1 once
 * 10·x2 − 30 beats them (x2 > 3 − |x1| for |x1| ≤ 1, x2 > 2 beyond).
 */
function regionModel(): tf.Sequential {
  return fixedDenseModel([
    { kernel: [[1, -1, 0, 0], [0, 0, 1, -1]], bias: [0, 0, 0, 0], activation: 'relu' },
    { kernel: [[-10, 0, 0, -100], [-10, 0, -100, 0], [0, 10, 0, 0], [0, -10, 0, 0]], bias: [0, -30, -10, -10] },
  ]);
}

const read = async (t: tf.Tensor) => Array.from(await t.data());

/** Predictions of `model` on a (2k+1)² grid over the l_inf ball of radius eps around p. */
function ballPredictions(model: tf.LayersModel, p: [number, number], eps: number, k = 20): Set<number> {
  const pts: number[] = [];
  for (let i = -k; i <= k; i++) for (let j = -k; j <= k; j++) pts.push(p[0] + (eps * i) / k, p[1] + (eps * j) / k);
  const x = tf.tensor2d(pts, [pts.length / 2, 2]);
  const pred = predictClasses(model, x);
  const out = new Set(Array.from(pred.dataSync()));
  tf.dispose([x, pred]);
  return out;
}

let region: tf.Sequential;
let mlp: tf.Sequential; // trained, 3 logits (M = 0)
let wide: tf.Sequential; // random, 5 logits: K = 3, M = 2
let xs: Float32Array;
let ys: Int32Array;

beforeAll(async () => {
  region = regionModel();
  const ds = threeBlobs(75, 2);
  xs = ds.xTrain;
  ys = ds.yTrain;
  mlp = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 3 });
  const x = tf.tensor2d(xs, [ys.length, 2]);
  const y = tf.tensor1d(ys, 'int32');
  const r = await train(mlp, { x, y }, { ...TRAIN_DEFAULTS, method: 'standard', epochs: 4, batchSize: 10, learningRate: 0.1 });
  expect(r.status).toBe('completed');
  tf.dispose([x, y]);
  wide = createMlp({ inputDim: 2, numClasses: 5, depth: 2, width: 16, seed: 5 });
});
afterAll(() => [region, mlp, wide].forEach((m) => m.dispose()));

describe('the success rule on a hand-built model (K = 2, M = 2)', () => {
  const detectOnly: [number, number] = [0.9, 0]; // ball reaches a1, never class 1
  const reachesWrong: [number, number] = [0.9, 1.9]; // ball reaches class 1 (e.g. at (1.05, 2.2))

  test('the test model has the regions it claims', () => {
    expect(ballPredictions(region, detectOnly, 0.3)).toEqual(new Set([0, 2]));
    expect(ballPredictions(region, [-0.9, 0], 0.3)).toEqual(new Set([0, 3]));
    expect(ballPredictions(region, reachesWrong, 0.3).has(1)).toBe(true);
  });

  test('abstainMargin = max outside {y}∪A − max inside', async () => {
    const z = tf.tensor2d([[1, 5, 2, 0], [3, -1, 4, 7], [0, 0.5, -2, -3]]);
    const m = await expectNoTensorLeak(async () => {
      const allowed = tf.tensor2d([[1, 0, 1, 1], [0, 1, 1, 1], [1, 0, 1, 1]], [3, 4], 'bool');
      const v = abstainMargin(z as tf.Tensor2D, allowed as tf.Tensor2D);
      const out = await read(v);
      tf.dispose([v, allowed]);
      return out;
    });
    z.dispose();
    expect(m[0]).toBeCloseTo(5 - 2, 6);
    expect(m[1]).toBeCloseTo(3 - 7, 6);
    expect(m[2]).toBeCloseTo(0.5 - 0, 6);
  });

  for (const norm of ['linf', 'l2'] as const) {
    for (const [randomStart, restarts] of [[false, 1], [true, 3]] as const) {
      test(`${norm}, randomStart ${randomStart}, ${restarts} restart(s): abstain is a failure, a reachable wrong class a success`, async () => {
        const eps = 0.3;
        const box: Box = [-2, 2.15];
        const r = await expectNoTensorLeak(async () => {
          const x = tf.tensor2d([...detectOnly, -0.9, 0, ...reachesWrong], [3, 2]);
          const y = tf.tensor1d([0, 0, 0], 'int32');
          const res = await abstainPgd(region, x, y, { numClasses: 2, norm, eps, steps: 20, restarts, randomStart, box, seed: 11 });
          const pts = await read(res.adversarial);
          const check = predictClasses(region, res.adversarial);
          const recomputed = await read(check);
          tf.dispose([x, y, res.adversarial, check]);
          return { ...res, pts, recomputed };
        });
        expect(Array.from(r.success)).toEqual([0, 0, 1]);
        expect(Array.from(r.prediction)).toEqual(r.recomputed);
        expect([0, 2]).toContain(r.prediction[0]);
        expect([0, 3]).toContain(r.prediction[1]);
        expect(r.prediction[2]).toBe(1); // outside {y} ∪ A
        const starts = [detectOnly, [-0.9, 0], reachesWrong];
        starts.forEach((p, i) => {
          const d = [r.pts[2 * i] - p[0], r.pts[2 * i + 1] - p[1]];
          const dist = norm === 'linf' ? Math.max(...d.map(Math.abs)) : Math.hypot(d[0], d[1]);
          expect(dist).toBeLessThanOrEqual(eps + 1e-5);
          for (const v of r.pts.slice(2 * i, 2 * i + 2)) expect(v >= box[0] && v <= box[1]).toBe(true);
        });
        // The successful point is really in class 1's region: x2 > 2 beyond |x1| = 1, x2 > 3 − |x1| inside.
        const [u, v] = [r.pts[4], r.pts[5]];
        expect(10 * v - 30).toBeGreaterThan(Math.max(-10 * Math.abs(u), -10 - 100 * Math.max(-u, 0), -10 - 100 * Math.max(u, 0)));
      });
    }
  }

  test('a box that cuts off the wrong region leaves only a detection', async () => {
    const x = tf.tensor2d([reachesWrong], [1, 2]);
    const y = tf.tensor1d([0], 'int32');
    const res = await abstainPgd(region, x, y, { numClasses: 2, eps: 0.3, steps: 20, restarts: 2, box: [-2, 1.95], seed: 1 });
    expect(res.success[0]).toBe(0);
    expect([0, 2]).toContain(res.prediction[0]);
    tf.dispose([x, y, res.adversarial]);
  });
});

describe('M = 0 is plain PGD success', () => {
  test('success ⇔ wrong prediction, and as strong as PGD-CE', async () => {
    const eps = 0.5;
    const r = await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(xs, [ys.length, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const res = await abstainPgd(mlp, x, y, { numClasses: 3, eps, steps: 20, restarts: 2, seed: 4 });
      const plain = await pgd(mlp, x, y, { eps, steps: 20, restarts: 2, seed: 4, keepFooled: true });
      const pPlain = predictClasses(mlp, plain);
      const pOurs = predictClasses(mlp, res.adversarial);
      const out = { success: Array.from(res.success), prediction: Array.from(res.prediction), plain: await read(pPlain), ours: await read(pOurs) };
      tf.dispose([x, y, res.adversarial, plain, pPlain, pOurs]);
      return out;
    });
    expect(r.prediction).toEqual(r.ours);
    r.success.forEach((s, i) => expect(s, `input ${i}`).toBe(r.prediction[i] !== ys[i] ? 1 : 0));
    const fooledOurs = r.success.filter(Boolean).length;
    const fooledPlain = r.plain.filter((p, i) => p !== ys[i]).length;
    expect(fooledPlain).toBeGreaterThan(0);
    expect(fooledOurs).toBeGreaterThanOrEqual(fooledPlain - Math.ceil(0.05 * ys.length));
  });
});

describe('threat model, seeds, tensors', () => {
  for (const norm of ['linf', 'l2'] as const) {
    for (const box of [null, [-1, 1]] as Box[]) {
      test(`${norm}, box ${JSON.stringify(box)}: inside the ball and the box; success ⇔ output outside {y} ∪ A`, async () => {
        const eps = norm === 'linf' ? 0.3 : 0.4;
        const r = await expectNoTensorLeak(async () => {
          const x = tf.tidy(() => (box ? tf.clipByValue(tf.tensor2d(xs, [ys.length, 2]), box[0], box[1]) : tf.tensor2d(xs, [ys.length, 2])));
          const y = tf.tensor1d(ys, 'int32');
          const res = await abstainPgd(wide, x, y, { numClasses: 3, norm, eps, steps: 10, restarts: 2, box, seed: 2, batchSize: 16 });
          expect(res.adversarial.shape).toEqual(x.shape);
          const out = { clean: await read(x), adv: await read(res.adversarial), success: res.success, prediction: res.prediction };
          tf.dispose([x, y, res.adversarial]);
          return out;
        });
        for (let i = 0; i < ys.length; i++) {
          const d = [r.adv[2 * i] - r.clean[2 * i], r.adv[2 * i + 1] - r.clean[2 * i + 1]];
          expect(norm === 'linf' ? Math.max(...d.map(Math.abs)) : Math.hypot(d[0], d[1])).toBeLessThanOrEqual(eps + 1e-5);
          const allowed = r.prediction[i] === ys[i] || r.prediction[i] >= 3;
          expect(r.success[i]).toBe(allowed ? 0 : 1);
        }
        if (box) expect(r.adv.every((v) => v >= box[0] && v <= box[1])).toBe(true);
        expect(r.adv.every(Number.isFinite)).toBe(true);
      });
    }
  }

  test('the same seed gives the same numbers; another seed another random start', async () => {
    const x = tf.tensor2d(xs, [ys.length, 2]);
    const y = tf.tensor1d(ys, 'int32');
    const opts = { numClasses: 3, eps: 0.3, steps: 3, restarts: 2, batchSize: 25 };
    const a = await abstainPgd(wide, x, y, { ...opts, seed: 1 });
    const b = await abstainPgd(wide, x, y, { ...opts, seed: 1 });
    const c = await abstainPgd(wide, x, y, { ...opts, seed: 2 });
    expect(await read(a.adversarial)).toEqual(await read(b.adversarial));
    expect(a.success).toEqual(b.success);
    expect(a.prediction).toEqual(b.prediction);
    expect(await read(a.adversarial)).not.toEqual(await read(c.adversarial));
    const t1 = await abstainErrorTable(wide, x, y, { ...opts, seed: 1 });
    const t2 = await abstainErrorTable(wide, x, y, { ...opts, seed: 1 });
    expect(t1).toEqual(t2);
    tf.dispose([x, y, a.adversarial, b.adversarial, c.adversarial]);
  });

  test('cancellation between chunks rejects with CancelledError and leaks nothing', async () => {
    await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(xs, [ys.length, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const ac = new AbortController();
      const fractions: number[] = [];
      const onProgress = (f: number) => {
        fractions.push(f);
        ac.abort();
      };
      await expect(abstainPgd(wide, x, y, { numClasses: 3, eps: 0.3, steps: 2, batchSize: 10 }, { signal: ac.signal, onProgress })).rejects.toBeInstanceOf(CancelledError);
      expect(fractions).toEqual([10 / 60]);
      await expect(abstainErrorTable(wide, x, y, { numClasses: 3, eps: 0.3, steps: 2 }, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
      tf.dispose([x, y]);
    });
  });
});

describe('abstainErrorTable', () => {
  test('the numbers of a hand-made case, in chunks with progress', async () => {
    // label 0: detected as a1, detected as a2, reaches class 1, safe, clean abstain (a1), clean wrong; label 1: safe.
    const pts = [0.9, 0, -0.9, 0, 0.9, 1.9, 0.2, 0, 1.5, 0, 0.05, 3.5, 0.5, 3.5];
    const fractions: number[] = [];
    const t = await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(pts, [7, 2]);
      const y = tf.tensor1d([0, 0, 0, 0, 0, 0, 1], 'int32');
      const out = await abstainErrorTable(region, x, y, { numClasses: 2, eps: 0.3, steps: 20, restarts: 2, seed: 3, batchSize: 3 }, { onProgress: (f) => fractions.push(f) });
      tf.dispose([x, y]);
      return out;
    });
    expect(fractions).toEqual([3 / 7, 6 / 7, 1]);
    expect(t.n).toBe(7);
    expect(t.numClasses).toBe(2);
    expect(t.numAbstain).toBe(2);
    expect(t.standardError).toBeCloseTo(2 / 7, 12); // clean abstain + clean wrong
    expect(t.abstainClean).toBeCloseTo(1 / 7, 12);
    expect(t.attackSuccess).toBeCloseTo(2 / 7, 12); // reaches class 1 + clean wrong
    expect(t.pgdError).toBeCloseTo(3 / 7, 12);
    expect(t.detected).toBeCloseTo(3 / 7, 12); // a1, a2, clean abstain
    expect(t.detectedPerClass).toEqual([1, 1]); // only inputs whose clean prediction is y
  });

  test('agrees with abstainPgd and the clean predictions on a random model', async () => {
    const x = tf.tensor2d(xs, [ys.length, 2]);
    const y = tf.tensor1d(ys, 'int32');
    const opts = { numClasses: 3, eps: 0.4, steps: 5, restarts: 2, seed: 8, batchSize: 20 };
    const t = await abstainErrorTable(wide, x, y, opts);
    const res = await abstainPgd(wide, x, y, opts);
    const cleanT = predictClasses(wide, x);
    const clean = await read(cleanT);
    tf.dispose([x, y, res.adversarial, cleanT]);
    const n = ys.length;
    const count = (f: (i: number) => boolean) => Array.from({ length: n }, (_, i) => i).filter(f).length;
    expect(t.standardError).toBeCloseTo(count((i) => clean[i] !== ys[i]) / n, 12);
    expect(t.abstainClean).toBeCloseTo(count((i) => clean[i] >= 3) / n, 12);
    expect(t.pgdError).toBeCloseTo(count((i) => clean[i] !== ys[i] || res.success[i] === 1) / n, 12);
    expect(t.detected).toBeCloseTo(count((i) => res.prediction[i] >= 3) / n, 12);
    expect(t.attackSuccess).toBeCloseTo(count((i) => res.success[i] === 1) / n, 12);
    expect(t.detectedPerClass).toEqual([3, 4].map((c) => count((i) => clean[i] === ys[i] && res.prediction[i] === c)));
    expect(t.pgdError).toBeGreaterThanOrEqual(t.standardError - t.abstainClean);
  });
});

describe('option checks', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['negative eps', { eps: -0.1 }, /eps must be a finite number ≥ 0/],
    ['NaN eps', { eps: NaN }, /eps must be a finite number ≥ 0/],
    ['infinite eps', { eps: Infinity }, /eps must be a finite number ≥ 0/],
    ['zero steps', { steps: 0 }, /steps must be an integer ≥ 1/],
    ['fractional steps', { steps: 2.5 }, /steps must be an integer ≥ 1/],
    ['zero restarts', { restarts: 0 }, /restarts must be an integer ≥ 1/],
    ['negative step size', { stepSize: -1 }, /stepSize must be a finite number ≥ 0/],
    ['K = 1', { numClasses: 1 }, /numClasses \(K, the regular classes\) must be an integer ≥ 2/],
    ['K above the logits', { numClasses: 6 }, /numClasses K = 6 exceeds the model's 5 logits/],
    ['a bad norm', { norm: 'l1' }, /norm must be 'linf' or 'l2'/],
    ['an empty box', { box: [1, 0] }, /box must be \[lo, hi\] with finite lo < hi/],
    ['inputs outside the box', { box: [-0.5, 0.5] }, /outside the input box/],
    ['a zero batch size', { batchSize: 0 }, /batchSize must be an integer ≥ 1/],
  ];
  test.each(cases)('%s', async (_name, bad, message) => {
    await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(xs, [ys.length, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const opts = { numClasses: 3, eps: 0.1, ...bad } as Parameters<typeof abstainPgd>[3];
      await expect(abstainPgd(wide, x, y, opts)).rejects.toThrow(message);
      await expect(abstainErrorTable(wide, x, y, opts)).rejects.toThrow(message);
      tf.dispose([x, y]);
    });
  });

  test('labels must be regular classes and match the inputs', async () => {
    const x = tf.tensor2d(xs, [ys.length, 2]);
    const yAbstain = tf.tensor1d(Array.from(ys, (v, i) => (i === 7 ? 3 : v)), 'int32');
    const yShort = tf.tensor1d([0, 1], 'int32');
    await expect(abstainPgd(wide, x, yAbstain, { numClasses: 3, eps: 0.1 })).rejects.toThrow(/labels must be regular classes, integers in \[0, K\) = \[0, 3\); label 3 at index 7/);
    await expect(abstainPgd(wide, x, yShort, { numClasses: 3, eps: 0.1 })).rejects.toThrow(/x has 60 inputs but y has shape \[2\]/);
    tf.dispose([x, yAbstain, yShort]);
  });
});
