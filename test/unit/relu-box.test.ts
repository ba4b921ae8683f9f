/**
 * Interval bound propagation through a ReLU in one pass on WASM (verify/reluBox.ts): bit for bit
 * tfjs's kernels for the same steps (relu(mid ∓ rad), then (hi ± lo) / 2) on NaN, ±0, ±∞,
 * denormals and random values, at a size with a tail the SIMD loop leaves to JavaScript; IBP of
 * an MLP with it equals IBP with tfjs's ops only (under a tape, where the pass is not used) and
 * contains the logits of points in the box; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { createMlp } from '../../src/core';
import { ibpBounds, inputBox } from '../../src/core/verify/ibp';
import { reluBox } from '../../src/core/verify/reluBox';
import { allPairs, expectNoTensorLeak, float32Bits as bits, useWasmBackend } from './helpers';

useWasmBackend();


const SPECIAL = [NaN, -NaN, -0, 0, 1e-40, -1e-40, 1, -1, Infinity, -Infinity, 3.5, -2.25, 1e30, -1e30];

test('the one pass equals Sub, Add, Relu and the divisions of tfjs, bit for bit', async () => {
  const [m, r] = allPairs(SPECIAL);
  const noise = tf.randomNormal([1001], 0, 2, 'float32', 4).dataSync();
  m.push(...noise);
  r.push(...Array.from(noise, (x, i) => Math.abs(x) * (i % 3)));
  const mid = tf.tensor1d(m);
  const rad = tf.tensor1d(r);
  await expectNoTensorLeak(() => {
    const fused = reluBox(mid, rad);
    expect(fused).not.toBeNull();
    const plain = tf.tidy(() => {
      const lo = tf.relu(tf.sub(mid, rad));
      const hi = tf.relu(tf.add(mid, rad));
      return { mid: tf.div(tf.add(hi, lo), 2), rad: tf.div(tf.sub(hi, lo), 2) };
    });
    expect(bits(fused!.mid)).toEqual(bits(plain.mid));
    expect(bits(fused!.rad)).toEqual(bits(plain.rad));
    tf.dispose([fused!.mid, fused!.rad, plain.mid, plain.rad]);
  });
  tf.dispose([mid, rad]);
});

test('IBP of an MLP with it equals IBP on the cpu backend (tfjs’s ops), and its bounds hold', async () => {
  const model = createMlp({ inputDim: 2, numClasses: 4, seed: 3 });
  const before = tf.memory().numTensors;
  const x = tf.randomUniform([257, 2], -1, 1, 'float32', 5);
  const { lower, upper } = inputBox(x, 0.1, null);
  const fast = ibpBounds(model, lower, upper);
  const [fl, fu] = [await fast.lower.data(), await fast.upper.data()];
  await tf.setBackend('cpu');
  const plain = ibpBounds(model, lower, upper);
  const [pl, pu] = [await plain.lower.data(), await plain.upper.data()];
  await tf.setBackend('wasm');
  const scale = Math.max(...Array.from(fu, Math.abs));
  expect(scale).toBeGreaterThan(0.1);
  fl.forEach((v, i) => expect(Math.abs(v - pl[i])).toBeLessThan(1e-5 * scale));
  fu.forEach((v, i) => expect(Math.abs(v - pu[i])).toBeLessThan(1e-5 * scale));
  // Logits of points inside the box lie inside the bounds.
  const inside = tf.tidy(() => tf.add(lower, tf.mul(tf.sub(upper, lower), tf.randomUniform(lower.shape, 0, 1, 'float32', 6))));
  const z = tf.tidy(() => (model.predict(inside) as tf.Tensor).dataSync());
  z.forEach((v, i) => {
    expect(v).toBeGreaterThanOrEqual(fl[i] - 1e-5);
    expect(v).toBeLessThanOrEqual(fu[i] + 1e-5);
  });
  tf.dispose([x, lower, upper, fast.lower, fast.upper, plain.lower, plain.upper, inside]);
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});
