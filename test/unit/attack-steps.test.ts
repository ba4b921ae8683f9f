/**
 * The attacks' fused element-wise steps on WASM (wasmAttackSteps.ts) against the tfjs kernels
 * they stand in for, bit for bit (NaN, ±0, ±∞ and random values; an α that float32 rounds):
 * reluMask against Multiply(g, Step(h)), signStep against Minimum(Maximum(Add(x, Multiply(α,
 * Sign(g))), lo), hi), minusOneHot against Sub(p, OneHot(Cast(y))) with labels of both dtypes,
 * out of range, fractional and NaN; shapes that broadcast take the tfjs kernels; no tensor is left
 * behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { heapSimd } from '../../src/core/heapSimd';
import { minusOneHot, reluMask, signStep } from '../../src/core/wasmAttackSteps';
import { allPairs, expectNoTensorLeak, float32Bits as bits, useWasmBackend } from './helpers';

useWasmBackend();

// 2^-23 and just below it: where tfjs wasm's Sign turns from 0 to ±1.
const SPECIAL = [NaN, -0, 0, 1e-40, -1e-40, 2 ** -23, -(2 ** -23), 1.1920928e-7, -1.1920928e-7, 1, -1, Infinity, -Infinity, 3.5, -2.25, 1e30, -1e30];


/** Every pair of special values, then random ones, as two tensors of one shape ([2 · rows, 289]). */
function operands(seed: number, rows = 1): [tf.Tensor, tf.Tensor] {
  const [a, b] = allPairs(SPECIAL);
  const n = a.length;
  const ra = tf.randomNormal([n * (2 * rows - 1)], 0, 2, 'float32', seed).dataSync();
  const rb = tf.randomNormal([n * (2 * rows - 1)], 0, 2, 'float32', seed + 1).dataSync();
  return [tf.tensor2d([...a, ...ra], [2 * rows, n]), tf.tensor2d([...b, ...rb], [2 * rows, n])];
}

// 578 floats: past the JavaScript loops' sizes, 100 times as many (the SIMD loops alone run there).
const SIZES = [1, 100];

test('the SIMD loops are there on this backend (else the large sizes test the tfjs kernels against themselves)', () => {
  expect(heapSimd(tf.backend())).not.toBeNull();
});

test.each(SIZES)('reluMask equals Multiply(g, Step(h)) bit for bit (%i× 578 floats)', async (rows) => {
  const [g, h] = operands(1, rows);
  await expectNoTensorLeak(() => {
    const fused = reluMask(g, h);
    const plain = tf.tidy(() => tf.mul(g, tf.step(h)));
    expect(bits(fused)).toEqual(bits(plain));
    tf.dispose([fused, plain]);
  });
  tf.dispose([g, h]);
});

test.each(SIZES)('signStep equals the l_inf step of tfjs kernels bit for bit (%i× 578 floats)', async (rows) => {
  const [x, g] = operands(3, rows);
  // Bounds around x, some crossing it, some non-finite.
  const [d1, d2] = operands(5, rows);
  const lo = tf.tidy(() => tf.sub(x, tf.abs(d1)));
  const hi = tf.tidy(() => tf.add(x, tf.abs(d2)));
  await expectNoTensorLeak(() => {
    for (const alpha of [0.1, 0.25, 1e-3, 0]) {
      const fused = signStep(x, g, alpha, lo, hi);
      const plain = tf.tidy(() => tf.minimum(tf.maximum(tf.add(x, tf.mul(alpha, tf.sign(g))), lo), hi));
      expect(bits(fused), `alpha ${alpha}`).toEqual(bits(plain));
      tf.dispose([fused, plain]);
    }
  });
  tf.dispose([x, g, lo, hi, d1, d2]);
});

test('broadcasting shapes take the tfjs kernels', () => {
  const g = tf.tensor2d([[1, -2], [3, -4]]);
  const h = tf.tensor1d([1, -1]);
  const out = reluMask(g, h);
  expect(Array.from(out.dataSync())).toEqual([1, -0, 3, -0]);
  tf.dispose([g, h, out]);
});

test('the ReLU gradient takes the one-pass mask outside a tape and tfjs’s ops inside one: first- and second-order gradients equal the cpu backend’s', async () => {
  const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.relu(x)), tf.relu(tf.neg(x)).add(1)));
  const gradsOn = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.tensor1d([1.5, -2, 0, 0.25, -0.5, 3, NaN, -0]);
    const first = tf.grad(f)(x);
    // The outer tape records the inner gradient's ops, so they must have gradients themselves.
    const second = tf.grad((xx: tf.Tensor) => tf.sum(tf.grad(f)(xx)))(x);
    // Values, not bits: the backends' NaN payloads and zero signs differ (reluMask's bits are checked above).
    const values = async (t: tf.Tensor) => Array.from(await t.data()).map((v) => (Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v));
    const out = { first: await values(first), second: await values(second) };
    tf.dispose([x, first, second]);
    return out;
  };
  const cpu = await gradsOn('cpu');
  const before = tf.memory().numTensors;
  const wasm = await gradsOn('wasm');
  expect(tf.memory().numTensors).toBe(before);
  expect(wasm.first).toEqual(cpu.first);
  expect(wasm.second).toEqual(cpu.second);
});

test.each(['int32', 'float32'] as const)('minusOneHot equals Sub(p, OneHot(Cast(labels))) bit for bit, %s labels', async (dtype) => {
  const classes = 17;
  const [p, unused] = operands(5);
  unused.dispose();
  const rows = p.size / classes;
  const pr = tf.reshape(p, [rows, classes]) as tf.Tensor2D;
  const values = [0, 16, 3, -1, 17, 1e9, 2.7, -0.5, NaN, Infinity, 5, 9];
  const labels = tf.tensor1d(Array.from({ length: rows }, (_, i) => values[i % values.length]), dtype);
  await expectNoTensorLeak(() => {
    const fused = minusOneHot(pr, labels);
    const plain = tf.tidy(() => tf.sub(pr, tf.oneHot(tf.cast(labels, 'int32'), classes)));
    expect(fused.dtype).toBe('float32');
    expect(bits(fused)).toEqual(bits(plain));
    // The test can see a difference: some rows did change.
    expect(bits(fused)).not.toEqual(bits(pr));
    tf.dispose([fused, plain]);
  });
  tf.dispose([p, pr, labels]);
});
