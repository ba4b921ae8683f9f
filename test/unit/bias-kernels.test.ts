/**
 * The bias kernels on WASM (wasmBiasKernels.ts) against tfjs-wasm's own kernels on the same
 * numbers, bit for bit: Add of a bias against Add of the bias tiled to x's shape, and a Sum over
 * every axis but the channels against the Sum of the transposed tensor over its last axis (both
 * kernels tfjs's own); shapes they do not take are left to tfjs; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { heapSimd } from '../../src/core/heapSimd';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

/** Bits of a float32 tensor's values (so that NaN equals NaN and −0 differs from 0). */
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

/** Seeded values with some ±0, ±∞ and NaN among them. */
function values(shape: number[], seed: number): tf.Tensor {
  const v = tf.randomNormal(shape, 0, 3, 'float32', seed).dataSync() as Float32Array;
  const special = [0, -0, Infinity, -Infinity, NaN, 1e30, -1e-40];
  for (let i = 0; i < v.length; i += 37) v[i] = special[(i / 37) % special.length];
  return tf.tensor(v, shape);
}

describe('WASM bias kernels', () => {
  test('the SIMD loops are there on this backend (else these tests compare tfjs with itself)', () => {
    expect(heapSimd(tf.backend())).not.toBeNull();
  });

  test.each([
    [[64, 28, 28, 16], [16]],
    [[64, 28, 28, 16], [1, 1, 1, 16]],
    [[10, 64], [64]],
    [[3, 5, 8], [1, 8]],
  ])('x %j + bias %j equals Add of the bias tiled to x’s shape, bit for bit', async (xShape, bShape) => {
    const x = values(xShape, 1);
    const b = values(bShape, 2);
    await expectNoTensorLeak(() => {
      const fast = tf.add(x, b);
      const plain = tf.tidy(() => tf.add(x, tf.tile(tf.reshape(b, [...xShape.slice(0, -1).map(() => 1), xShape[xShape.length - 1]]), [...xShape.slice(0, -1), 1])));
      expect(fast.shape).toEqual(xShape);
      expect(bits(fast)).toEqual(bits(plain));
      tf.dispose([fast, plain]);
    });
    tf.dispose([x, b]);
  });

  test.each([
    [[64, 28, 28, 16], [0, 1, 2], false],
    [[64, 28, 28, 16], [2, 0, 1], true],
    [[100, 64], 0, false],
    [[7, 5, 12], [0, 1], true],
  ] as const)('the Sum of %j over %j (keepDims %s) equals tfjs’s Sum of the transpose over its last axis, bit for bit', async (shape, axis, keepDims) => {
    const x = values([...shape], 3);
    const c = shape[shape.length - 1];
    await expectNoTensorLeak(() => {
      const fast = tf.sum(x, axis as number | number[], keepDims);
      const plain = tf.tidy(() => tf.sum(tf.transpose(tf.reshape(x, [-1, c])), 1));
      expect(fast.shape).toEqual(keepDims ? [...shape.slice(0, -1).map(() => 1), c] : [c]);
      expect(bits(fast)).toEqual(bits(plain));
      tf.dispose([fast, plain]);
    });
    tf.dispose(x);
  });

  test('other shapes keep tfjs’s kernels and their numbers', () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const s = tf.sum(x, 0);
    const a = tf.add(x, tf.tensor1d([10, 20, 30]));
    expect(Array.from(s.dataSync())).toEqual([5, 7, 9]);
    expect(Array.from(a.dataSync())).toEqual([11, 22, 33, 14, 25, 36]);
    tf.dispose([x, s, a]);
  });
});
