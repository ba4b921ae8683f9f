/** src/core/verify/crown.ts: CROWN linear bounds for ReLU MLPs. */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Normalize, Rng } from '../../src/core';
import { crownBounds, crownPenultimateBox, crownSpecLowerBound } from '../../src/core/verify/crown';
import { intervalBounds, penultimateBox } from '../../src/core/verify/ibp';
import { expectNoTensorLeak, fixedDenseModel, rows, useWasmBackend } from './helpers';

useWasmBackend();

interface Spec {
  inDim: number;
  hidden: Array<{ width: number; relu: boolean }>;
  classes: number;
  seed: number;
}

/** A random MLP (kernels ~ N(0, 2 / fan_in), biases ~ N(0, 0.25)). */
function randomMlp(s: Spec): tf.Sequential {
  const rng = new Rng(s.seed);
  const dims = [s.inDim, ...s.hidden.map((h) => h.width), s.classes];
  return fixedDenseModel(
    dims.slice(1).map((out, i) => ({
      kernel: Array.from({ length: dims[i] }, () => Array.from({ length: out }, () => rng.normal() * Math.sqrt(2 / dims[i]))),
      bias: Array.from({ length: out }, () => 0.5 * rng.normal()),
      activation: i < s.hidden.length && s.hidden[i].relu ? 'relu' : 'linear',
    })),
  );
}

/** Random boxes, one per row: centre ~ N(0, 1), half-width uniform in [0, maxRad] (some zero). */
function randomBoxes(rng: Rng, n: number, d: number, maxRad: number): { lo: number[][]; hi: number[][] } {
  const lo: number[][] = [];
  const hi: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = Array.from({ length: d }, () => rng.normal());
    const r = Array.from({ length: d }, () => (rng.uniform() < 0.1 ? 0 : maxRad * rng.uniform()));
    lo.push(c.map((v, k) => v - r[k]));
    hi.push(c.map((v, k) => v + r[k]));
  }
  return { lo, hi };
}

/** Points of box [lo, hi]: all corners (d ≤ 5), the centre, and `count` uniform draws. */
function samplePoints(rng: Rng, lo: number[], hi: number[], count: number): number[][] {
  const d = lo.length;
  const pts: number[][] = [lo.map((v, k) => (v + hi[k]) / 2)];
  if (d <= 5) for (let m = 0; m < 1 << d; m++) pts.push(lo.map((v, k) => ((m >> k) & 1 ? hi[k] : v)));
  for (let i = 0; i < count; i++) pts.push(lo.map((v, k) => v + (hi[k] - v) * rng.uniform()));
  return pts;
}

function logitsAt(model: tf.LayersModel, pts: number[][], shape: number[]): number[][] {
  return tf.tidy(() => {
    const z = model.predict(tf.tensor(pts.flat(), [pts.length, ...shape])) as tf.Tensor2D;
    return rows(z.dataSync(), z.shape[1]);
  });
}

const tol = (v: number): number => 1e-4 * (1 + Math.abs(v));

/** Checks crownBounds and crownSpecLowerBound against the logits of sampled points of every box. */
function checkSound(model: tf.LayersModel, lo: number[][], hi: number[][], shape: number[], rng: Rng, T: number): void {
  const d = lo[0].length;
  const C = (model.outputs[0].shape as number[])[1];
  const L = tf.tensor(lo.flat(), [lo.length, ...shape]);
  const U = tf.tensor(hi.flat(), [hi.length, ...shape]);
  const specs = lo.map(() => Array.from({ length: T }, () => Array.from({ length: C }, () => rng.normal())));
  const S = tf.tensor3d(specs);
  const b = crownBounds(model, L, U);
  const sb = crownSpecLowerBound(model, L, U, S);
  const [bl, bu, sl] = [rows(b.lower.dataSync(), C), rows(b.upper.dataSync(), C), rows(sb.dataSync(), T)];
  tf.dispose([L, U, S, b.lower, b.upper, sb]);
  lo.forEach((_, i) => {
    for (const z of logitsAt(model, samplePoints(rng, lo[i], hi[i], 60), shape)) {
      z.forEach((v, k) => {
        expect(v).toBeGreaterThanOrEqual(bl[i][k] - tol(v));
        expect(v).toBeLessThanOrEqual(bu[i][k] + tol(v));
      });
      specs[i].forEach((row, t) => {
        const value = row.reduce((s, w, k) => s + w * z[k], 0);
        expect(value).toBeGreaterThanOrEqual(sl[i][t] - tol(value));
      });
    }
  });
  expect(d).toBe(shape.reduce((a, n) => a * n, 1));
}

const mlpSpec = fc.record({
  inDim: fc.integer({ min: 1, max: 4 }),
  hidden: fc.array(fc.record({ width: fc.integer({ min: 1, max: 8 }), relu: fc.boolean() }), { maxLength: 3 }),
  classes: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe('crownBounds / crownSpecLowerBound', () => {
  test('(a) sound: every sampled point of the box (corners included) lies inside the bounds', () => {
    fc.assert(
      fc.property(mlpSpec, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (s, n, T) => {
        const model = randomMlp(s);
        const rng = new Rng(s.seed + 1);
        const { lo, hi } = randomBoxes(rng, n, s.inDim, 1.5);
        try {
          checkSound(model, lo, hi, [s.inDim], rng, T);
        } finally {
          model.dispose();
        }
      }),
      { seed: 2024, numRuns: 40 },
    );
  });

  test('(a) sound with Normalize, Flatten, a separate ReLU layer and Dropout', () => {
    const model = tf.sequential();
    model.add(new Normalize({ mean: [0.5], std: [0.25], inputShape: [2, 2, 1] }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), biasInitializer: 'ones' }));
    model.add(tf.layers.activation({ activation: 'relu' }));
    model.add(tf.layers.dropout({ rate: 0.5 }));
    model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
    const rng = new Rng(9);
    const lo = [[0.1, 0.2, 0.3, 0.4], [0, 0, 0.5, 0.5]];
    checkSound(model, lo, lo.map((r) => r.map((v) => v + 0.3)), [2, 2, 1], rng, 2);
    model.dispose();
  });

  test('(b) one affine layer: the exact range of each logit (float64 closed form)', () => {
    const rng = new Rng(5);
    const model = randomMlp({ inDim: 4, hidden: [], classes: 3, seed: 6 });
    const [W, bias] = model.getWeights().map((w) => Array.from(w.dataSync()));
    const { lo, hi } = randomBoxes(rng, 5, 4, 1);
    const L = tf.tensor2d(lo);
    const U = tf.tensor2d(hi);
    const b = crownBounds(model, L, U);
    const [bl, bu] = [rows(b.lower.dataSync(), 3), rows(b.upper.dataSync(), 3)];
    lo.forEach((l, i) => {
      for (let k = 0; k < 3; k++) {
        let min = bias[k];
        let max = bias[k];
        l.forEach((_, j) => {
          const w = W[j * 3 + k];
          min += Math.min(w * lo[i][j], w * hi[i][j]);
          max += Math.max(w * lo[i][j], w * hi[i][j]);
        });
        expect(bl[i][k]).toBeCloseTo(min, 5);
        expect(bu[i][k]).toBeCloseTo(max, 5);
      }
    });
    tf.dispose([L, U, b.lower, b.upper]);
    model.dispose();
  });

  test('(c) never looser than IBP; strictly tighter on a deep network', async () => {
    await fc.assert(
      fc.asyncProperty(mlpSpec, async (s) => {
        const model = randomMlp(s);
        const { lo, hi } = randomBoxes(new Rng(s.seed ^ 77), 3, s.inDim, 1);
        const [L, U] = [tf.tensor2d(lo), tf.tensor2d(hi)];
        const c = crownBounds(model, L, U);
        const i = await intervalBounds(model, L, U);
        const [cl, cu, il, iu] = [c.lower, c.upper, i.lower, i.upper].map((t) => Array.from(t.dataSync()));
        cl.forEach((v, k) => expect(v).toBeGreaterThanOrEqual(il[k] - 1e-5 * (1 + Math.abs(v))));
        cu.forEach((v, k) => expect(v).toBeLessThanOrEqual(iu[k] + 1e-5 * (1 + Math.abs(v))));
        tf.dispose([L, U, c.lower, c.upper, i.lower, i.upper]);
        model.dispose();
      }),
      { seed: 7, numRuns: 30 },
    );
    const deep = randomMlp({ inDim: 4, hidden: [8, 8, 8].map((width) => ({ width, relu: true })), classes: 3, seed: 11 });
    const { lo, hi } = randomBoxes(new Rng(12), 4, 4, 0.3);
    const [L, U] = [tf.tensor2d(lo), tf.tensor2d(hi)];
    const c = crownBounds(deep, L, U);
    const i = await intervalBounds(deep, L, U);
    const cw = tf.tidy(() => Array.from(tf.sub(c.upper, c.lower).dataSync()));
    const iw = tf.tidy(() => Array.from(tf.sub(i.upper, i.lower).dataSync()));
    expect(cw.some((w, k) => w < 0.9 * iw[k])).toBe(true);
    expect(cw.reduce((a, b) => a + b, 0)).toBeLessThan(iw.reduce((a, b) => a + b, 0));
    tf.dispose([L, U, c.lower, c.upper, i.lower, i.upper]);
    deep.dispose();
  });

  test('(d) hand-computed bounds of a 2-2-2 network with one unstable neuron', () => {
    // h1 = relu(x1 + x2 + 0.5) (unstable), h2 = relu(x1 − x2 + 3) (active); y1 = h1 + h2, y2 = −h1 + h2.
    const model = fixedDenseModel([
      { kernel: [[1, 1], [1, -1]], bias: [0.5, 3], activation: 'relu' },
      { kernel: [[1, -1], [1, 1]], bias: [0, 0] },
    ]);
    // Row 0: x ∈ [−1, 1]²: z1 ∈ [−1.5, 2.5], u ≥ −l so α = 1; chord 0.625 z1 + 0.9375.
    //   y1 ≥ 2 x1 + 3.5 ≥ 1.5; y1 ≤ 1.625 x1 − 0.375 x2 + 4.25 ≤ 6.25;
    //   y2 ≥ 0.375 x1 − 1.625 x2 + 1.75 ≥ −0.25; y2 ≤ −2 x2 + 2.5 ≤ 4.5.  (IBP: [1, 7.5], [−1.5, 5].)
    // Row 1: x1 ∈ [−1, −0.5], x2 ∈ [−1, 1]: z1 ∈ [−1.5, 1], u < −l so α = 0; chord 0.4 z1 + 0.6.
    //   y1 ≥ x1 − x2 + 3 ≥ 1; y1 ≤ 1.4 x1 − 0.6 x2 + 3.8 ≤ 3.7;
    //   y2 ≥ 0.6 x1 − 1.4 x2 + 2.2 ≥ 0.2; y2 ≤ x1 − x2 + 3 ≤ 3.5.     (IBP: [1, 4.5], [0, 3.5].)
    const L = tf.tensor2d([[-1, -1], [-1, -1]]);
    const U = tf.tensor2d([[1, 1], [-0.5, 1]]);
    const b = crownBounds(model, L, U);
    expect(rows(b.lower.dataSync(), 2).flat().map((v) => +v.toFixed(5))).toEqual([1.5, -0.25, 1, 0.2]);
    expect(rows(b.upper.dataSync(), 2).flat().map((v) => +v.toFixed(5))).toEqual([6.25, 4.5, 3.7, 3.5]);
    // Specs e0 − e1 = 2 h1 and e1 − e0 = −2 h1: CROWN's back-substitution gives 2 z1 ≥ −3 for the
    // first on row 0, the last layer kept exact on h's box gives 0, the better one is kept.
    const S = tf.tensor3d([[[1, -1], [-1, 1]], [[1, -1], [-1, 1]]]);
    const sb = crownSpecLowerBound(model, L, U, S);
    expect(Array.from(sb.dataSync()).map((v) => +v.toFixed(5) + 0)).toEqual([0, -5, 0, -2]);
    const p = crownPenultimateBox(model, L, U);
    const hl = tf.tidy(() => Array.from(tf.sub(p.h.mid, p.h.rad).dataSync()));
    const hu = tf.tidy(() => Array.from(tf.add(p.h.mid, p.h.rad).dataSync()));
    expect(hl.map((v) => +v.toFixed(5) + 0)).toEqual([0, 1, 0, 1]);
    expect(hu.map((v) => +v.toFixed(5))).toEqual([2.5, 5, 1, 3.5]);
    tf.dispose([L, U, S, sb, b.lower, b.upper, p.h.mid, p.h.rad]);
    model.dispose();
  });
});

describe('crownPenultimateBox / spec bound against IBP', () => {
  test('(e) the CROWN box of h lies inside the IBP box; the margin bound beats the IBP margin', async () => {
    for (const seed of [21, 22, 23]) {
      const s: Spec = { inDim: 3, hidden: [6, 7, 5].map((width) => ({ width, relu: true })), classes: 4, seed };
      const model = randomMlp(s);
      const { lo, hi } = randomBoxes(new Rng(seed), 3, 3, 0.5);
      const [L, U] = [tf.tensor2d(lo), tf.tensor2d(hi)];
      const c = crownPenultimateBox(model, L, U);
      const i = tf.tidy(() => {
        const { h } = penultimateBox(model, L, U);
        return { mid: h.mid, rad: h.rad };
      });
      const [cm, cr, im, ir] = [c.h.mid, c.h.rad, i.mid, i.rad].map((t) => Array.from(t.dataSync()));
      cm.forEach((m, k) => {
        expect(m - cr[k]).toBeGreaterThanOrEqual(im[k] - ir[k] - 1e-5);
        expect(m + cr[k]).toBeLessThanOrEqual(im[k] + ir[k] + 1e-5);
      });
      expect(c.kernel.shape).toEqual([5, 4]);
      expect(c.bias?.shape).toEqual([4]);
      // spec = e_y − e_t for every pair y ≠ t, compared with the IBP margin lower_y − upper_t.
      const pairs: Array<[number, number]> = [];
      for (let y = 0; y < 4; y++) for (let t = 0; t < 4; t++) if (y !== t) pairs.push([y, t]);
      const S = tf.tensor3d(lo.map(() => pairs.map(([y, t]) => [0, 1, 2, 3].map((k) => (k === y ? 1 : k === t ? -1 : 0)))));
      const sbT = crownSpecLowerBound(model, L, U, S);
      const sb = rows(sbT.dataSync(), pairs.length);
      const ib = await intervalBounds(model, L, U);
      const [il, iu] = [rows(ib.lower.dataSync(), 4), rows(ib.upper.dataSync(), 4)];
      sb.forEach((r, n) => pairs.forEach(([y, t], j) => expect(r[j]).toBeGreaterThanOrEqual(il[n][y] - iu[n][t] - 1e-5)));
      tf.dispose([L, U, S, sbT, c.h.mid, c.h.rad, i.mid, i.rad, ib.lower, ib.upper]);
      model.dispose();
    }
  });

  test('no hidden layer: h is the input box', () => {
    const model = randomMlp({ inDim: 2, hidden: [], classes: 2, seed: 1 });
    const [L, U] = [tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 3]])];
    const p = crownPenultimateBox(model, L, U);
    expect(Array.from(p.h.mid.dataSync())).toEqual([0.5, 2]);
    expect(Array.from(p.h.rad.dataSync())).toEqual([0.5, 1]);
    tf.dispose([L, U, p.h.mid, p.h.rad]);
    model.dispose();
  });
});

describe('resources and refusals', () => {
  test('(f) the tensor count returns to its baseline', async () => {
    const model = randomMlp({ inDim: 3, hidden: [4, 4].map((width) => ({ width, relu: true })), classes: 3, seed: 2 });
    const { lo, hi } = randomBoxes(new Rng(3), 2, 3, 0.5);
    const [L, U] = [tf.tensor2d(lo), tf.tensor2d(hi)];
    const S = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 4) as tf.Tensor3D;
    const wrong = tf.zeros([2, 5, 4]) as tf.Tensor3D;
    await expectNoTensorLeak(() => {
      const b = crownBounds(model, L, U);
      const sb = crownSpecLowerBound(model, L, U, S);
      const p = crownPenultimateBox(model, L, U);
      tf.dispose([b.lower, b.upper, sb, p.h.mid, p.h.rad]);
      expect(() => crownSpecLowerBound(model, L, U, wrong)).toThrow(/spec must have shape \[2, T, 3\]/);
    });
    tf.dispose([L, U, S, wrong]);
    model.dispose();
  });

  test('(f) conv and tanh models are refused, naming the layer', () => {
    const conv = tf.sequential();
    conv.add(tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [2, 2, 1], name: 'my_conv' }));
    conv.add(tf.layers.flatten());
    conv.add(tf.layers.dense({ units: 2 }));
    const tanh = tf.sequential();
    tanh.add(tf.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], name: 'my_tanh' }));
    tanh.add(tf.layers.dense({ units: 2 }));
    const before = tf.memory().numTensors;
    const [L4, U4, L2, U2] = [tf.zeros([1, 2, 2, 1]), tf.ones([1, 2, 2, 1]), tf.zeros([1, 2]), tf.ones([1, 2])];
    expect(() => crownBounds(conv, L4, U4)).toThrow(/layer "my_conv" \(conv2d\) is not supported/);
    expect(() => crownBounds(tanh, L2, U2)).toThrow(/layer "my_tanh" \(dense with the activation tanh\)/);
    expect(() => crownBounds(tanh, L4, U4)).toThrow(/do not fit/);
    tf.dispose([L4, U4, L2, U2]);
    expect(tf.memory().numTensors).toBe(before);
    conv.dispose();
    tanh.dispose();
  });
});
