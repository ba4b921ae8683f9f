/**
 * The input box of IBP and its centre/radius form in one pass each on WASM
 * (verify/boxKernels.ts): bit for bit tfjs's kernels for the same steps (x ∓ eps and their clamp
 * to the data's range; (upper ± lower) / 2) on NaN, ±0, ±∞, denormals and random values, with a
 * tail the SIMD loop leaves to JavaScript; inputBox and IBP of an image MLP use them and equal
 * tfjs's ops bit for bit; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { createMlp } from '../../src/core';
import { boxBounds, boxCentre } from '../../src/core/verify/boxKernels';
import { ibpBounds, inputBox } from '../../src/core/verify/ibp';
import { allPairs, expectNoTensorLeak, float32Bits as bits, useWasmBackend } from './helpers';

useWasmBackend();


const SPECIAL = [NaN, -NaN, -0, 0, 1e-40, -1e-40, 1, -1, Infinity, -Infinity, 3.5, -2.25, 1e30, -1e30, 0.05, 0.97, 1.02];

/** SPECIAL in every pair, then 1,001 random values (a length the loop leaves a tail of). */
function pairs(): [tf.Tensor, tf.Tensor] {
  const [a, b] = allPairs(SPECIAL);
  const noise = tf.randomNormal([1001], 0.5, 1, 'float32', 4).dataSync();
  a.push(...noise);
  b.push(...Array.from(noise, (x, i) => x + Math.abs(x) * (i % 3)));
  return [tf.tensor1d(a), tf.tensor1d(b)];
}

test('the input box equals Sub, Add and ClipByValue of tfjs bit for bit, with and without a range', async () => {
  const [x] = pairs();
  const image = tf.reshape(x, [x.size]);
  await expectNoTensorLeak(() => {
    for (const [eps, box] of [[0.1, [0, 1]], [0.3, [-1, 2]], [0.1, null], [1e-3, [0.25, 0.75]]] as const) {
      const fused = boxBounds(image, eps, box as [number, number] | null);
      expect(fused).not.toBeNull();
      const plain = tf.tidy(() => {
        let lower = tf.sub(image, eps);
        let upper = tf.add(image, eps);
        if (box) [lower, upper] = [tf.clipByValue(lower, box[0], box[1]), tf.clipByValue(upper, box[0], box[1])];
        return { lower, upper };
      });
      expect(bits(fused!.lower)).toEqual(bits(plain.lower));
      expect(bits(fused!.upper)).toEqual(bits(plain.upper));
      tf.dispose([fused!.lower, fused!.upper, plain.lower, plain.upper]);
    }
  });
  tf.dispose([x, image]);
});

test('centre and radius equal tfjs\'s Add, Sub and RealDiv bit for bit', async () => {
  const [lower, upper] = pairs();
  await expectNoTensorLeak(() => {
    const fused = boxCentre(lower, upper);
    expect(fused).not.toBeNull();
    const plain = tf.tidy(() => ({ mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) }));
    expect(bits(fused!.mid)).toEqual(bits(plain.mid));
    expect(bits(fused!.rad)).toEqual(bits(plain.rad));
    tf.dispose([fused!.mid, fused!.rad, plain.mid, plain.rad]);
  });
  tf.dispose([lower, upper]);
});

test('inputBox and IBP of the image MLP take the one-pass kernels and give tfjs\'s ops\' numbers; not under a tape', async () => {
  const model = createMlp({ inputDim: 784, numClasses: 13, depth: 2, width: 128, seed: 1 });
  const x = tf.randomUniform([33, 784], 0, 1, 'float32', 7);
  const before = tf.memory().numTensors;
  const kernels: string[] = [];
  const profile = await tf.profile(() => {
    const { lower, upper } = inputBox(x, 0.1, [0, 1]);
    const out = ibpBounds(model, lower, upper);
    tf.dispose([lower, upper]);
    return [out.lower, out.upper];
  });
  kernels.push(...profile.kernels.map((k) => k.name));
  tf.dispose(profile.result as tf.Tensor[]);
  expect(kernels).toContain('WorkbenchBoxBounds');
  expect(kernels).toContain('WorkbenchBoxCentre');
  expect(kernels).not.toContain('ClipByValue');
  const box = inputBox(x, 0.1, [0, 1]);
  const fast = ibpBounds(model, box.lower, box.upper);
  // Under a tape the kernels step aside (they have no gradient): tfjs's ops, the same bits.
  let taped: { lower: tf.Tensor; upper: tf.Tensor } | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const b = inputBox(x, 0.1, [0, 1]);
    const out = ibpBounds(model, b.lower, b.upper);
    taped = { lower: tf.keep(out.lower), upper: tf.keep(out.upper) };
    return tf.sum(tf.add(out.lower, out.upper)) as tf.Scalar;
  });
  tf.dispose([value, ...Object.values(grads)]);
  const t = taped as unknown as { lower: tf.Tensor; upper: tf.Tensor };
  expect(bits(fast.lower)).toEqual(bits(t.lower));
  expect(bits(fast.upper)).toEqual(bits(t.upper));
  tf.dispose([box.lower, box.upper, fast.lower, fast.upper, t.lower, t.upper]);
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  model.dispose();
});
