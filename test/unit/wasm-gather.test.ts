/**
 * Row gathers on WASM (wasmGather.ts) against the cpu backend's GatherV2: float32 and int32
 * rows, repeated and 2-D indices, an empty gather; other axes keep tfjs's kernel, and an index
 * out of range gets tfjs's own message; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

/** tf.gather on a backend, as plain values and shape. */
async function gatherOn(backend: string, values: number[], shape: number[], dtype: 'float32' | 'int32', indices: number[], indexShape: number[], axis = 0) {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape, dtype);
  const idx = tf.tensor(indices, indexShape, 'int32');
  const out = tf.gather(x, idx, axis);
  const result = { shape: out.shape, dtype: out.dtype, values: Array.from(await out.data()) };
  tf.dispose([x, idx, out]);
  return result;
}

const values = (n: number) => Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -0 : Math.sin(i) * 1e3));

test.each([
  [[5, 3, 2], 'float32', [4, 0, 4, 2], [4], 0],
  [[5, 3, 2], 'int32', [1, 3], [2], 0],
  [[6, 4], 'float32', [5, 0, 1, 1], [2, 2], 0],
  [[6, 4], 'float32', [], [0], 0],
  [[6], 'float32', [5, 2], [2], 0],
  [[4, 5], 'float32', [4, 0], [2], 1],
] as const)('gathers of %j (%s) at %j equal the cpu backend’s (axis %i)', async (shape, dtype, indices, indexShape, axis) => {
  const v = values(tf.util.sizeFromShape([...shape])).map((u) => (dtype === 'int32' ? Math.round(u) : u));
  const cpu = await gatherOn('cpu', v, [...shape], dtype, [...indices], [...indexShape], axis);
  await expectNoTensorLeak(async () => {
    const wasm = await gatherOn('wasm', v, [...shape], dtype, [...indices], [...indexShape], axis);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.dtype).toBe(dtype);
    expect(wasm.values.map((u) => Object.is(u, -0) ? 'neg0' : u)).toEqual(cpu.values.map((u) => Object.is(u, -0) ? 'neg0' : u));
  });
});

test('an index out of range gets tfjs’s message', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const idx = tf.tensor1d([1, 2], 'int32');
  expect(() => tf.gather(x, idx)).toThrow('GatherV2: the index value 2 is not in [0, 1]');
  tf.dispose([x, idx]);
});
