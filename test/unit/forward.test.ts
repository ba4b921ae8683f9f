/**
 * The one forward pass (models/forward.ts) gives model.apply's numbers for every model kind the
 * workbench uses, with and without a gradient tape, and its input gradients match those of
 * model.apply.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createCnn, createMlp, isTaped, logits } from '../../src/core';
import { createRrModel } from '../../src/core/models/heads';
import { finiteRows } from '../../src/core/models/forward';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function applyFirst(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  const out = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
  if (!Array.isArray(out)) return out;
  tf.dispose(out.slice(1));
  return out[0];
}

const cases: Array<[string, () => tf.LayersModel, number[]]> = [
  ['MLP (relu)', () => createMlp({ inputDim: 2, numClasses: 3, seed: 1 }), [16, 2]],
  ['MLP (tanh)', () => createMlp({ inputDim: 2, numClasses: 3, activation: 'tanh', seed: 2 }), [16, 2]],
  ['CNN with Normalize, conv and pooling', () => createCnn({ inputShape: [8, 8, 1], numClasses: 4, filters: 4, dense: 8, normalize: { mean: [0.5], std: [0.25] }, seed: 3 }), [5, 8, 8, 1]],
  ['functional MLP (single output, with an InputLayer)', () => {
    const input = tf.input({ shape: [3] });
    const h = tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }, [7, 3]],
  ['residual model (not a chain)', () => {
    const input = tf.input({ shape: [3] });
    const h = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([input, h]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }).apply(sum) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  }, [7, 3]],
  ['RR heads on a CNN (first output = logits)', () => createRrModel({ kind: 'cnn', inputShape: [8, 8, 1], numClasses: 3, filters: 4, dense: 8, seed: 8 }), [4, 8, 8, 1]],
];

describe('logits: the one forward pass', () => {
  test.each(cases)('%s: equals model.apply without a tape and under one', async (_name, build, shape) => {
    const model = build();
    const x = tf.randomUniform(shape, 0, 1, 'float32', 11);
    await expectNoTensorLeak(() => {
      const ref = applyFirst(model, x);
      const plain = logits(model, x);
      expect(plain.shape).toEqual(ref.shape);
      expect(maxAbsDiff(plain, ref)).toBeLessThan(1e-5);
      // Input gradient of the sum of the logits: forward.ts's path vs model.apply's.
      const g = tf.grad((xx: tf.Tensor) => {
        expect(isTaped()).toBe(true);
        return tf.sum(logits(model, xx));
      })(x);
      const gRef = tf.grad((xx: tf.Tensor) => tf.sum(applyFirst(model, xx)))(x);
      expect(maxAbsDiff(g, gRef)).toBeLessThan(1e-5);
      expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
      tf.dispose([ref, plain, g, gRef]);
    });
    expect(isTaped()).toBe(false);
    x.dispose();
    model.dispose();
  });
});

describe('finiteRows', () => {
  test.each(['wasm', 'cpu'])('flags exactly the rows whose values are all finite on %s: ±∞ and NaN anywhere, never large finite values', async (backend) => {
    await tf.setBackend(backend);
    const max = 3.4028234663852886e38; // the largest float32: 0·v is still 0
    const rows = [
      [1, 2, 3, 4],
      [max, -max, max, max],
      [1, Infinity, 0, 0],
      [-Infinity, 0, 0, 0],
      [0, 0, 0, NaN],
      [-0, 1e-45, -1e-45, 0],
    ];
    const t = tf.tensor3d(rows.flat(), [6, 2, 2]);
    const before = tf.memory().numTensors;
    const flags = tf.tidy(() => finiteRows(t));
    expect(flags.dtype).toBe('bool');
    expect(Array.from(flags.dataSync())).toEqual(rows.map((r) => (r.every(Number.isFinite) ? 1 : 0)));
    expect(Array.from(flags.dataSync())).toEqual([1, 1, 0, 0, 0, 1]);
    flags.dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    await tf.setBackend('wasm');
  });
});
