/**
 * src/core/backend.ts: backend selection, and the WASM matmul fast path (transposed operands
 * are transposed explicitly before the plain BatchMatMul / _FusedMatMul kernel runs), which
 * must give the numbers of the cpu backend and of an explicit transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { isBackendName, selectBackend, installWasmMatMulFastPath, tensorCount } from '../../src/core';
import { useWasmBackend } from './helpers';

useWasmBackend();

type Job = () => tf.Tensor;

/** Runs the same job on wasm and on cpu; returns both results as plain arrays. */
async function onBoth(job: Job): Promise<{ wasm: Float32Array; cpu: Float32Array; shape: number[] }> {
  expect(tf.getBackend()).toBe('wasm');
  const a = job();
  const wasm = Float32Array.from(await a.data());
  const shape = a.shape;
  a.dispose();
  await tf.setBackend('cpu');
  try {
    const b = job();
    const cpu = Float32Array.from(await b.data());
    expect(b.shape).toEqual(shape);
    b.dispose();
    return { wasm, cpu, shape };
  } finally {
    await tf.setBackend('wasm');
  }
}

function expectClose(a: Float32Array, b: Float32Array, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThan(tol);
}

// Deterministic inputs from a formula so that both backends see the same numbers.
const mat = (rows: number, cols: number, k: number) =>
  tf.tensor2d(Array.from({ length: rows * cols }, (_, i) => Math.sin(0.7 * i + k) * (1 + (i % 5))), [rows, cols]);
const batch = (b: number, rows: number, cols: number, k: number) =>
  tf.tensor3d(Array.from({ length: b * rows * cols }, (_, i) => Math.cos(0.3 * i + k)), [b, rows, cols]);

describe('selectBackend', () => {
  test('picks wasm in Node and reports what it tried', async () => {
    const choice = await selectBackend(null, ['wasm', 'cpu']);
    expect(choice.backend).toBe('wasm');
    expect(choice.attempts[0]).toEqual({ name: 'wasm', ok: true });
  });

  test('falls back when the requested backend is not registered', async () => {
    const choice = await selectBackend('webgpu', ['wasm', 'cpu']);
    expect(choice.backend).toBe('wasm');
    expect(choice.requestFailed).toMatch(/webgpu/);
    expect(choice.attempts[0].ok).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
  });

  test('throws when nothing initialises', async () => {
    await expect(selectBackend(null, ['nope'])).rejects.toThrow(/No tfjs backend/);
    expect(tf.getBackend()).toBe('wasm');
  });

  test('isBackendName', () => {
    expect(isBackendName('webgl')).toBe(true);
    expect(isBackendName('tpu')).toBe(false);
  });
});

describe('WASM matmul fast path', () => {
  test('installing twice is harmless', () => {
    installWasmMatMulFastPath();
    installWasmMatMulFastPath();
    const c = tf.tidy(() => tf.matMul(mat(2, 3, 0), mat(2, 3, 1), false, true));
    expect(c.shape).toEqual([2, 2]);
    c.dispose();
  });

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`matMul transposeA=${ta} transposeB=${tb} matches cpu and the explicit transpose`, async () => {
      const job: Job = () =>
        tf.tidy(() => {
          const a = ta ? mat(37, 19, 1) : mat(19, 37, 1); // logical a: 19 x 37
          const b = tb ? mat(23, 37, 2) : mat(37, 23, 2); // logical b: 37 x 23
          return tf.matMul(a, b, ta, tb);
        });
      const { wasm, cpu, shape } = await onBoth(job);
      expect(shape).toEqual([19, 23]);
      expectClose(wasm, cpu);
      // On wasm, the flagged product equals the product of explicitly transposed operands bit for bit.
      const explicit = tf.tidy(() => {
        const a = ta ? tf.transpose(mat(37, 19, 1)) : mat(19, 37, 1);
        const b = tb ? tf.transpose(mat(23, 37, 2)) : mat(37, 23, 2);
        return tf.matMul(a, b);
      });
      expect(Array.from(explicit.dataSync())).toEqual(Array.from(wasm));
      explicit.dispose();
    });
  }

  test('batched 3-D matMul with transposes matches cpu', async () => {
    const { wasm, cpu, shape } = await onBoth(() => tf.tidy(() => tf.matMul(batch(3, 8, 5, 0), batch(3, 6, 8, 1), true, true)));
    expect(shape).toEqual([3, 5, 6]);
    expectClose(wasm, cpu);
  });

  for (const activation of ['linear', 'relu'] as const) {
    test(`fused matMul (bias, ${activation}) with transposeB matches cpu and the unfused ops`, async () => {
      const job: Job = () =>
        tf.tidy(() => tf.fused.matMul({ a: mat(11, 7, 3), b: mat(5, 7, 4), transposeB: true, bias: tf.tensor1d([0.5, -1, 2, 0, -0.25]), activation }));
      const { wasm, cpu, shape } = await onBoth(job);
      expect(shape).toEqual([11, 5]);
      expectClose(wasm, cpu);
      const unfused = tf.tidy(() => {
        const z = tf.add(tf.matMul(mat(11, 7, 3), tf.transpose(mat(5, 7, 4))), tf.tensor1d([0.5, -1, 2, 0, -0.25]));
        return activation === 'relu' ? tf.relu(z) : z;
      });
      expectClose(wasm, Float32Array.from(unfused.dataSync()), 1e-5);
      unfused.dispose();
    });
  }

  test('gradients through a dense layer (transposed products in the backward pass) match cpu', async () => {
    const job: Job = () =>
      tf.tidy(() => {
        const w = mat(6, 4, 5);
        const x = mat(9, 6, 6);
        const f = (ww: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(x, ww))));
        const gw = tf.grad(f)(w);
        const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, w))))(x);
        return tf.concat([gw.flatten(), gx.flatten()]);
      });
    const { wasm, cpu } = await onBoth(job);
    expectClose(wasm, cpu);
  });

  test('no tensors and no backend buffers are left behind by transposed products', () => {
    const a = mat(16, 8, 1);
    const b = mat(12, 8, 2);
    const bias = tf.zeros([12]);
    const tensors = tensorCount();
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) {
      tf.matMul(a, b, false, true).dispose();
      tf.matMul(b, b, true, false).dispose(); // 8 x 12 by 12 x 8
      tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' }).dispose();
    }
    expect(tensorCount()).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    tf.dispose([a, b, bias]);
  });
});
