/**
 * The no-overflow proof of models/magnitudeBound.ts and its use in certification's checked
 * forward pass (models/forward.ts checkedLogits): the bound against a hand computation, against
 * every step's actual values for an MLP and a CNN with Normalize, no proof for layers it does
 * not cover or non-finite weights and inputs; with a proof the checked pass flags exactly the
 * inputs that are not finite and gives the logits of the fully checked pass; without one (weights
 * of 1e30, whose products overflow) every row is flagged.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createCnn, createMlp } from '../../src/core';
import { checkedLogits, finiteMaxAbs, firstOutputLayers, provesNoOverflow } from '../../src/core/models/forward';
import { OVERFLOW_SAFE_BOUND, chainMagnitudeBound } from '../../src/core/models/magnitudeBound';
import { expectNoTensorLeak, fixedDenseModel, useWasmBackend } from './helpers';
import { modelClassifier, sampleCounts } from '../../src/core/certify/smoothing';
import { gaussianNoise } from '../../src/core/noise/gaussianNoise';
import { NORMAL_DRAW_CAP } from '../../src/core/noise/philox';

useWasmBackend();

/** tfjs's linear activation object, to take a layer's pre-activation values. */
const LINEAR = (tf.layers.dense({ units: 1 }) as unknown as { activation: unknown }).activation;

/** The largest |value| before and after each layer's activation, running the layers one by one. */
function actualLargest(model: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => {
    let h = x;
    let largest = tf.max(tf.abs(x)).dataSync()[0];
    for (const layer of firstOutputLayers(model)!) {
      const l = layer as tf.layers.Layer & { activation?: unknown };
      // The pre-activation: the layer with a linear activation.
      const act = l.activation;
      if (act) l.activation = LINEAR;
      const pre = layer.apply(h) as tf.Tensor;
      if (act) l.activation = act;
      largest = Math.max(largest, tf.max(tf.abs(pre)).dataSync()[0]);
      h = layer.apply(h) as tf.Tensor;
    }
    return largest;
  });
}

describe('chainMagnitudeBound', () => {
  test('a dense layer: m · max column Σ|w| + max|b|, through ReLU to the next', async () => {
    const model = fixedDenseModel([
      { kernel: [[1, -2], [3, 4]], bias: [0.5, -1], activation: 'relu' },
      { kernel: [[1], [-1]], bias: [2] },
    ]);
    // Columns: |1| + |3| = 4, |−2| + |4| = 6; 2 · 6 + 1 = 13; then 13 · 2 + 2 = 28.
    expect(await chainMagnitudeBound(firstOutputLayers(model)!, 2)).toBe(28);
    // New weights give a new bound (the weights' figures are kept per value, not per layer).
    const [, , k2, b2] = model.getWeights();
    const [k1, b1] = [tf.tensor2d([[10, -2], [3, 4]]), tf.tensor1d([0.5, -1])];
    model.setWeights([k1, b1, k2, b2]);
    tf.dispose([k1, b1]);
    // Columns: 13, 6; 2 · 13 + 1 = 27; then 27 · 2 + 2 = 56.
    expect(await chainMagnitudeBound(firstOutputLayers(model)!, 2)).toBe(56);
    model.dispose();
  });

  test('bounds every step of an MLP and of a CNN with Normalize', async () => {
    const mlp = createMlp({ inputDim: 2, numClasses: 3, seed: 4 });
    const x = tf.randomUniform([512, 2], -3, 3, 'float32', 5);
    const bound = await chainMagnitudeBound(firstOutputLayers(mlp)!, 3);
    expect(bound).toBeLessThan(OVERFLOW_SAFE_BOUND);
    expect(actualLargest(mlp, x)).toBeLessThanOrEqual(bound);

    const cnn = createCnn({ inputShape: [8, 8, 1], numClasses: 4, filters: 4, dense: 8, normalize: { mean: [0.5], std: [0.25] }, seed: 6 });
    const images = tf.randomUniform([64, 8, 8, 1], 0, 1, 'float32', 7);
    const cnnBound = await chainMagnitudeBound(firstOutputLayers(cnn)!, 1);
    expect(cnnBound).toBeLessThan(OVERFLOW_SAFE_BOUND);
    expect(actualLargest(cnn, images)).toBeLessThanOrEqual(cnnBound);
    tf.dispose([mlp, x, cnn, images] as never);
  });

  test('no proof for other layers, activations, non-finite weights or inputs', async () => {
    const sigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'sigmoid' })] });
    expect(await chainMagnitudeBound(sigmoid.layers, 1)).toBe(Infinity);
    const bn = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [2] })] });
    expect(await chainMagnitudeBound(bn.layers, 1)).toBe(Infinity);
    const mlp = fixedDenseModel([{ kernel: [[1], [NaN]], bias: [0] }]);
    expect(await chainMagnitudeBound(mlp.layers, 1)).toBeNaN();
    const ok = fixedDenseModel([{ kernel: [[1], [1]], bias: [0] }]);
    expect(await chainMagnitudeBound(ok.layers, NaN)).toBeNaN();
    expect(await chainMagnitudeBound(ok.layers, Infinity)).toBe(Infinity);
    tf.dispose([sigmoid, bn, mlp, ok] as never);
  });
});

/** checkedLogits and the names of the kernels it ran. */
async function profiledCheck(model: tf.LayersModel, x: tf.Tensor) {
  const proven = await provesNoOverflow(model, await finiteMaxAbs(x));
  let out: { logits: tf.Tensor2D; finite: tf.Tensor1D } | null = null;
  const profile = await tf.profile(() => {
    out = checkedLogits(model, x, proven);
    return [out.logits, out.finite];
  });
  return { ...out!, kernelNames: [...profile.kernelNames] };
}

describe('checkedLogits with and without the proof', () => {
  test('with a proof: the inputs alone are checked, and the logits are those of the checked pass', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, seed: 8 });
    const x = tf.tensor2d([[0.1, 0.2], [NaN, 0], [0.3, Infinity], [-0.5, 0.5], [0, -Infinity]]);
    await expectNoTensorLeak(async () => {
      const { logits, finite, kernelNames } = await profiledCheck(model, x);
      // Only the inputs are tested: no per-layer flags combined.
      expect(kernelNames).not.toContain('LogicalAnd');
      expect(Array.from(finite.dataSync())).toEqual([1, 0, 0, 1, 0]);
      const z = logits.arraySync() as number[][];
      tf.dispose([logits, finite]);
      const rowsOk = tf.tensor2d([[0.1, 0.2], [-0.5, 0.5]]);
      const plain = tf.tidy(() => (model.apply(rowsOk) as tf.Tensor).arraySync() as number[][]);
      rowsOk.dispose();
      for (const [i, row] of [z[0], z[3]].entries()) row.forEach((v, k) => expect(v).toBeCloseTo(plain[i][k], 5));
    });
    tf.dispose([model, x] as never);
  });

  test('without one (weights of 1e30): every row whose values overflow is flagged', async () => {
    const big = 1e30;
    const model = fixedDenseModel([
      { kernel: [[big, big], [big, big]], bias: [0, 0], activation: 'relu' },
      { kernel: [[big], [big]], bias: [0] },
    ]);
    expect(await chainMagnitudeBound(model.layers, 1)).toBeGreaterThan(OVERFLOW_SAFE_BOUND);
    const x = tf.tensor2d([[1, 1], [0, 0]]);
    await expectNoTensorLeak(async () => {
      const { logits, finite, kernelNames } = await profiledCheck(model, x);
      expect(kernelNames).toContain('LogicalAnd');
      // Row 0: 2e30 · 2e30 overflows to Infinity; row 1 is 0 all the way.
      expect(Array.from(finite.dataSync())).toEqual([0, 1]);
      tf.dispose([logits, finite]);
    });
    tf.dispose([model, x] as never);
  });
});

describe('certification uses the proof', () => {
  test('sampleCounts proves once from max|x| and the noise cap: no per-step checks; a model that can overflow keeps them', async () => {
    const names = async (model: tf.LayersModel) => {
      const x = tf.tensor1d([0.3, -0.2]);
      const profile = await tf.profile(async () => {
        await sampleCounts(modelClassifier(model), x, 200, 0.5, 100, 3);
      });
      x.dispose();
      return profile.kernelNames;
    };
    const mlp = createMlp({ inputDim: 2, numClasses: 3, seed: 8 });
    expect(await names(mlp)).not.toContain('LogicalAnd');
    const big = fixedDenseModel([
      { kernel: [[1e30, 1e30], [1e30, 1e30]], bias: [0, 0], activation: 'relu' },
      { kernel: [[1e30, 1e30], [1e30, 1e30]], bias: [0, 0] },
    ]);
    expect(await names(big)).toContain('LogicalAnd');
    tf.dispose([mlp, big] as never);
  });

  test('no noise draw exceeds the cap the proof assumes', () => {
    const z = gaussianNoise([1 << 20], { sigma: 1, seed: 12, stream: 4 });
    const largest = tf.tidy(() => tf.max(tf.abs(z)).dataSync()[0]);
    z.dispose();
    expect(largest).toBeGreaterThan(4);
    expect(largest).toBeLessThanOrEqual(NORMAL_DRAW_CAP);
  });
});
