/**
 * Interval bound propagation (paper 004, Section 2.2, Eq. 4): soundness as a property (sampled
 * points of the box never leave the bounds) for MLPs and CNNs with every layer type the
 * workbench uses, exactness on a single affine layer, the input region B(x, eps) ∩ box.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Normalize, Rng, createCnn, createMlp, intervalBounds, inputBox } from '../../src/core';
import { expectNoTensorLeak, fixedDenseModel, useWasmBackend } from './helpers';

useWasmBackend();

/** Random points of [lower, upper] (rows), corners included, and the model's logits there. */
function sampledLogits(model: tf.LayersModel, lower: Float32Array, upper: Float32Array, shape: number[], count: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  const d = lower.length;
  const pts = new Float32Array(count * d);
  for (let s = 0; s < count; s++) {
    const corner = s < count / 4;
    for (let k = 0; k < d; k++) {
      const u = corner ? (rng.uniform() < 0.5 ? 0 : 1) : rng.uniform();
      pts[s * d + k] = lower[k] + u * (upper[k] - lower[k]);
    }
  }
  return tf.tidy(() => {
    const z = model.predict(tf.tensor(pts, [count, ...shape])) as tf.Tensor2D;
    const data = z.dataSync() as Float32Array;
    const C = z.shape[1];
    return Array.from({ length: count }, (_, s) => data.slice(s * C, (s + 1) * C));
  });
}

async function boundsOf(model: tf.LayersModel, lower: Float32Array, upper: Float32Array, shape: number[]): Promise<{ lo: Float32Array; hi: Float32Array }> {
  const l = tf.tensor(lower, [1, ...shape]);
  const u = tf.tensor(upper, [1, ...shape]);
  const b = await intervalBounds(model, l, u);
  const lo = (await b.lower.data()) as Float32Array;
  const hi = (await b.upper.data()) as Float32Array;
  tf.dispose([l, u, b.lower, b.upper]);
  return { lo, hi };
}

function expectInside(samples: Float32Array[], lo: Float32Array, hi: Float32Array): void {
  for (const z of samples) {
    z.forEach((v, c) => {
      const tol = 1e-4 * (1 + Math.abs(v));
      expect(v).toBeGreaterThanOrEqual(lo[c] - tol);
      expect(v).toBeLessThanOrEqual(hi[c] + tol);
    });
  }
}

describe('intervalBounds', () => {
  test('soundness on random MLPs (fast-check): sampled points never leave the bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'relu' | 'tanh'>('relu', 'tanh'),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (inputDim, depth, width, activation, seed, eps) => {
          const model = createMlp({ inputDim, numClasses: 4, depth, width, activation, seed });
          const rng = new Rng(seed + 1);
          const x = Float32Array.from({ length: inputDim }, () => rng.uniform() * 4 - 2);
          const lower = x.map((v) => v - eps);
          const upper = x.map((v) => v + eps);
          const { lo, hi } = await boundsOf(model, lower, upper, [inputDim]);
          expectInside(sampledLogits(model, lower, upper, [inputDim], 64, seed + 2), lo, hi);
          model.dispose();
        },
      ),
      { numRuns: 40, seed: 4 },
    );
  });

  test('soundness on CNNs with Normalize, conv, max- and average-pooling, flatten, dense (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0, max: 0.2, noNaN: true }), fc.boolean(), async (seed, eps, avg) => {
        const shape = [6, 6, 2];
        const model = tf.sequential();
        model.add(new Normalize({ mean: [0.4, 0.5], std: [0.3, 0.2], inputShape: shape }));
        model.add(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
        model.add(avg ? tf.layers.averagePooling2d({ poolSize: 2 }) : tf.layers.maxPooling2d({ poolSize: 2 }));
        model.add(tf.layers.conv2d({ filters: 2, kernelSize: 2, strides: 1, padding: 'valid', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }));
        model.add(tf.layers.activation({ activation: 'relu' }));
        model.add(tf.layers.flatten());
        model.add(tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 2 }) }));
        model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 3 }) }));
        const rng = new Rng(seed);
        const x = Float32Array.from({ length: 72 }, () => rng.uniform());
        const lower = x.map((v) => Math.max(0, v - eps));
        const upper = x.map((v) => Math.min(1, v + eps));
        const { lo, hi } = await boundsOf(model, lower, upper, shape);
        expectInside(sampledLogits(model, lower, upper, shape, 48, seed + 5), lo, hi);
        model.dispose();
      }),
      { numRuns: 15, seed: 9 },
    );
  });

  test('the workbench CNN (createCnn) bounds its own forward pass and a zero-width box gives the logits', async () => {
    const model = createCnn({ inputShape: [8, 8, 1], numClasses: 4, convLayers: 2, filters: 2, dense: 8, normalize: { mean: [0.5], std: [0.25] }, seed: 3 });
    const rng = new Rng(3);
    const x = Float32Array.from({ length: 64 }, () => rng.uniform());
    const { lo, hi } = await boundsOf(model, x, x, [8, 8, 1]);
    const z = sampledLogits(model, x, x, [8, 8, 1], 1, 1)[0];
    z.forEach((v, c) => {
      expect(lo[c]).toBeCloseTo(v, 4);
      expect(hi[c]).toBeCloseTo(v, 4);
    });
    model.dispose();
  });

  test('exact on a single affine layer: the bounds are W·mid + b ∓ |W|·rad (float64 closed form), attained at corners', async () => {
    const kernel = [
      [1.5, -2, 0.25],
      [-0.5, 1, 3],
    ];
    const bias = [0.1, -0.2, 0.3];
    const model = fixedDenseModel([{ kernel, bias }]);
    const lower = Float32Array.from([-0.3, 0.2]);
    const upper = Float32Array.from([0.5, 0.6]);
    const { lo, hi } = await boundsOf(model, lower, upper, [2]);
    for (let c = 0; c < 3; c++) {
      let mid = bias[c];
      let rad = 0;
      for (let k = 0; k < 2; k++) {
        mid += kernel[k][c] * (lower[k] + upper[k]) / 2;
        rad += Math.abs(kernel[k][c]) * (upper[k] - lower[k]) / 2;
      }
      expect(lo[c]).toBeCloseTo(mid - rad, 5);
      expect(hi[c]).toBeCloseTo(mid + rad, 5);
    }
    model.dispose();
  });

  test('inputBox intersects the l_inf ball with the box; bad boxes are refused; no tensors leak', async () => {
    const x = tf.tensor2d([[0.05, 0.5, 0.97]]);
    const { lower, upper } = inputBox(x, 0.1, [0, 1]);
    const l = await lower.data();
    const u = await upper.data();
    [0, 0.4, 0.87].forEach((v, i) => expect(l[i]).toBeCloseTo(v, 6));
    [0.15, 0.6, 1].forEach((v, i) => expect(u[i]).toBeCloseTo(v, 6));
    expect(() => inputBox(x, -1, null)).toThrow(/eps/);
    const model = createMlp({ inputDim: 3, numClasses: 2, depth: 1, width: 4, seed: 1 });
    const below = lower.sub(1);
    const small = tf.zeros([1, 2]);
    await expect(intervalBounds(model, upper, below)).rejects.toThrow(/lower > upper/);
    await expect(intervalBounds(model, small, small)).rejects.toThrow(/do not fit/);
    tf.dispose([below, small]);
    tf.dispose([x, lower, upper]);
    const lo = tf.zeros([2, 3]);
    const hi = tf.ones([2, 3]);
    await expectNoTensorLeak(async () => {
      const b = await intervalBounds(model, lo, hi);
      tf.dispose([b.lower, b.upper]);
    });
    tf.dispose([lo, hi]);
    model.dispose();
  });
});

describe('verificationPlan refuses what it cannot bound', () => {
  test('a capped ReLU, channelsFirst flatten and an unknown layer are refused with the layer named', async () => {
    const capped = tf.sequential();
    capped.add(tf.layers.dense({ units: 2, inputShape: [2] }));
    capped.add(tf.layers.reLU({ maxValue: 6, name: 'capped' }));
    capped.add(tf.layers.dense({ units: 2 }));
    const cf = tf.sequential();
    cf.add(tf.layers.flatten({ inputShape: [2, 2, 1], dataFormat: 'channelsFirst', name: 'cf' }));
    cf.add(tf.layers.dense({ units: 2 }));
    const bn = tf.sequential();
    bn.add(tf.layers.dense({ units: 2, inputShape: [2] }));
    bn.add(tf.layers.batchNormalization({ name: 'bn' }));
    bn.add(tf.layers.dense({ units: 2 }));
    const lo2 = tf.zeros([1, 2]);
    const lo4 = tf.zeros([1, 2, 2, 1]);
    await expect(intervalBounds(capped, lo2, lo2)).rejects.toThrow(/"capped".*maxValue/);
    await expect(intervalBounds(cf, lo4, lo4)).rejects.toThrow(/"cf".*channelsFirst/);
    await expect(intervalBounds(bn, lo2, lo2)).rejects.toThrow(/"bn".*not supported/);
    tf.dispose([lo2, lo4]);
    [capped, cf, bn].forEach((m) => m.dispose());
  });
});
