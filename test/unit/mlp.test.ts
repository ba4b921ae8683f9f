/** src/core/models/mlp.ts: the MLP classifier of paper 001's Figure 1. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { MLP_DEFAULTS, createMlp, logits, restoreWeights, snapshotWeights } from '../../src/core';
import { expectNoTensorLeak, expectSameWeights, useWasmBackend, weightsDiffer, weightsOf } from './helpers';

useWasmBackend();

describe('createMlp', () => {
  test('default: 4 hidden layers of 64 ReLU units and a linear logits layer', () => {
    expect(MLP_DEFAULTS).toMatchObject({ depth: 4, width: 64, activation: 'relu' });
    const model = createMlp({ inputDim: 2, numClasses: 3 });
    try {
      expect(model.layers.length).toBe(5);
      model.layers.slice(0, 4).forEach((layer) => {
        const c = layer.getConfig() as { units: number; activation: string; useBias: boolean };
        expect(layer.getClassName()).toBe('Dense');
        expect(c.units).toBe(64);
        expect(c.activation).toBe('relu');
        expect(c.useBias).toBe(true);
      });
      const last = model.layers[4];
      expect(last.name).toBe('logits');
      expect((last.getConfig() as { units: number }).units).toBe(3);
      expect((last.getConfig() as { activation: string }).activation).toBe('linear');
      expect(model.countParams()).toBe(2 * 64 + 64 + 3 * (64 * 64 + 64) + 64 * 3 + 3);
      // Biases start at zero.
      model.getWeights().filter((w) => w.rank === 1).forEach((b) => expect(b.dataSync().every((v) => v === 0)).toBe(true));
    } finally {
      model.dispose();
    }
  });

  test('output shape [n, numClasses], logits not probabilities', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, seed: 3 });
    await expectNoTensorLeak(() => {
      const x = tf.randomNormal([7, 2], 0, 3, 'float32', 1);
      const z = logits(model, x);
      expect(z.shape).toEqual([7, 3]);
      const v = z.dataSync();
      expect(v.every(Number.isFinite)).toBe(true);
      // Rows do not sum to one and some entries are negative: raw logits.
      expect(v.some((e) => e < 0)).toBe(true);
      tf.dispose([x, z]);
    });
    model.dispose();
  });

  test('same seed → identical weights; different seed → different weights', () => {
    const a = createMlp({ inputDim: 2, numClasses: 3, seed: 11 });
    const b = createMlp({ inputDim: 2, numClasses: 3, seed: 11 });
    const c = createMlp({ inputDim: 2, numClasses: 3, seed: 12 });
    expectSameWeights(weightsOf(a), weightsOf(b));
    expect(weightsDiffer(weightsOf(a), weightsOf(c))).toBe(true);
    // Layers of one model are not initialised with the same numbers.
    const w = weightsOf(a);
    expect(weightsDiffer([w[2]], [w[4]])).toBe(true);
    [a, b, c].forEach((m) => m.dispose());
  });

  test('He-normal initialisation: hidden kernels have variance ≈ 2 / fan_in', () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, width: 256, depth: 2, seed: 4 });
    const k = Float32Array.from(model.getWeights()[2].dataSync()); // 256 x 256
    const mean = k.reduce((s, v) => s + v, 0) / k.length;
    const variance = k.reduce((s, v) => s + (v - mean) ** 2, 0) / k.length;
    // tfjs draws He-normal from a truncated normal, whose variance is below 2/fan_in (≈ 0.77×).
    expect(variance).toBeGreaterThan(0.6 * (2 / 256));
    expect(variance).toBeLessThan(1.05 * (2 / 256));
    model.dispose();
  });

  test('depth, width and activation are honoured; bad values throw', () => {
    const m = createMlp({ inputDim: 5, numClasses: 4, depth: 2, width: 8, activation: 'tanh' });
    expect(m.layers.length).toBe(3);
    expect((m.layers[0].getConfig() as { activation: string }).activation).toBe('tanh');
    expect(m.countParams()).toBe(5 * 8 + 8 + 8 * 8 + 8 + 8 * 4 + 4);
    m.dispose();
    const linear = createMlp({ inputDim: 2, numClasses: 2, depth: 0 });
    expect(linear.layers.length).toBe(1);
    expect(linear.countParams()).toBe(2 * 2 + 2);
    linear.dispose();
    expect(() => createMlp({ inputDim: 2, numClasses: 3, depth: -1 })).toThrow(/depth/);
    expect(() => createMlp({ inputDim: 2, numClasses: 3, width: 0 })).toThrow(/width/);
  });

  test('snapshotWeights / restoreWeights round-trip', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 2 });
    const before = weightsOf(model);
    await expectNoTensorLeak(() => {
      const snap = snapshotWeights(model);
      const zeros = model.getWeights().map((w) => tf.zerosLike(w));
      model.setWeights(zeros);
      tf.dispose(zeros);
      expect(weightsDiffer(weightsOf(model), before)).toBe(true);
      restoreWeights(model, snap);
      tf.dispose(snap);
    });
    expectSameWeights(weightsOf(model), before);
    model.dispose();
  });
});
