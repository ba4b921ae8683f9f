/**
 * Slices on WASM (wasmSlice.ts) against the cpu backend's Slice: contiguous and cut blocks of
 * ranks 1 to 5, float32 (with −0, NaN and ±∞ kept bit for bit), int32 and bool, sizes of −1 and
 * empty slices; the input is read where it lies (no readSync of the whole input, which made
 * chunking quadratic); no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test, vi } from 'vitest';
import { copyBlock } from '../../src/core/wasmSlice';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

type Dtype = 'float32' | 'int32' | 'bool';

/** tf.slice on a backend, as its shape, dtype and the bits of its values. */
async function sliceOn(backend: string, values: number[], shape: number[], dtype: Dtype, begin: number[], size: number[]) {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape, dtype);
  const out = tf.slice(x, begin, size);
  const data = await out.data();
  const bits = dtype === 'float32' ? Array.from(new Int32Array(new Float32Array(data).buffer)) : Array.from(data);
  const result = { shape: out.shape, dtype: out.dtype, bits };
  tf.dispose([x, out]);
  return result;
}

const SPECIAL = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const values = (n: number, dtype: Dtype) =>
  Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 ? 1 : 0 : dtype === 'int32' ? i * 7 - 50 : i % 11 === 0 ? SPECIAL[(i / 11) % 4] : Math.sin(i) * 1e3));

test.each([
  [[10], 'float32', [3], [5]],
  [[6, 4], 'float32', [2, 0], [3, 4]],
  [[6, 4], 'float32', [1, 1], [4, 2]],
  [[6, 4], 'int32', [0, 3], [6, 1]],
  [[5, 4, 3], 'float32', [1, 2, 0], [3, 2, 3]],
  [[5, 4, 3], 'bool', [0, 1, 1], [5, 3, 1]],
  [[7, 3, 4, 2], 'float32', [2, 0, 0, 0], [4, 3, 4, 2]],
  [[7, 3, 4, 2], 'float32', [1, 1, 2, 1], [3, 2, 2, 1]],
  [[3, 2, 3, 2, 4], 'int32', [1, 0, 1, 1, 1], [2, 2, 2, 1, 2]],
  [[6, 4], 'float32', [2, 1], [-1, -1]],
  [[6, 4], 'float32', [2, 1], [0, 3]],
] as const)('a slice of %j (%s) at %j of size %j equals the cpu backend’s', async (shape, dtype, begin, size) => {
  const v = values(tf.util.sizeFromShape([...shape]), dtype);
  const cpu = await sliceOn('cpu', v, [...shape], dtype, [...begin], [...size]);
  await expectNoTensorLeak(async () => {
    const wasm = await sliceOn('wasm', v, [...shape], dtype, [...begin], [...size]);
    expect(wasm).toEqual(cpu);
  });
});

test('the input is read in place, not copied out of the heap whole', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor2d(values(4000, 'float32'), [1000, 4]);
  const backend = tf.backend() as unknown as { readSync(dataId: object): unknown };
  const readSync = vi.spyOn(backend, 'readSync');
  const chunks = [0, 400, 800].map((start) => tf.slice(x, [start, 0], [Math.min(400, 1000 - start), 4]));
  expect(readSync).not.toHaveBeenCalled();
  readSync.mockRestore();
  const joined = tf.concat(chunks);
  expect(Array.from(await joined.data())).toEqual(Array.from(await x.data()));
  tf.dispose([x, joined, ...chunks]);
});

test('copyBlock copies each run of a cut block to consecutive places', () => {
  // A 3 × 4 array at 0; the block [1:3, 1:3] goes to 12.
  const a = new Int32Array(16).map((_, i) => (i < 12 ? i : -1));
  copyBlock(a, 0, 12, [3, 4], [1, 1], [2, 2]);
  expect(Array.from(a.subarray(12))).toEqual([5, 6, 9, 10]);
});
