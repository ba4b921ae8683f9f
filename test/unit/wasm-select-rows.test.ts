/**
 * Per-row selection (wasmSelectRows.ts), which every attack makes each step: on WASM one kernel
 * that copies runs of rows, against tfjs's Select with the mask spread by expandMask, bit for bit
 * (NaN payloads, ±0 and ±∞ included) for masks of single rows, short and long runs, all and none,
 * on vectors, points and images; other dtypes and the cpu backend take tfjs's path; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { expandMask, selectRows } from '../../src/core/wasmSelectRows';
import { expectNoTensorLeak, float32Bits, useWasmBackend, withSpecialValues } from './helpers';

useWasmBackend();



const masks: Array<[string, (n: number) => boolean[]]> = [
  ['alternating', (n) => Array.from({ length: n }, (_, i) => i % 2 === 0)],
  ['runs', (n) => Array.from({ length: n }, (_, i) => Math.floor(i / 3) % 2 === 1)],
  // Runs long enough (over 64 values) to be copied as blocks rather than value by value.
  ['long runs', (n) => Array.from({ length: n }, (_, i) => Math.floor(i / 40) % 2 === 1 || i % 97 === 5)],
  ['all', (n) => Array.from({ length: n }, () => true)],
  ['none', (n) => Array.from({ length: n }, () => false)],
];

describe('per-row selection', () => {
  test.each(masks.flatMap(([name, m]) => [[7], [10, 2], [5, 4, 3, 1], [300, 3]].map((shape) => [name, m, shape] as const)))(
    '%s mask, shape %j: the bits of tf.where with the spread mask, in one kernel',
    async (_, m, shape) => {
      const a = withSpecialValues(shape, 1);
      const b = withSpecialValues(shape, 2);
      const mask = tf.tensor1d(m(shape[0]), 'bool');
      await expectNoTensorLeak(async () => {
        const plain = tf.tidy(() => tf.where(expandMask(mask, a), a, b));
        const profile = await tf.profile(() => selectRows(mask, a, b));
        expect(profile.kernels.map((k) => k.name)).toEqual(['WorkbenchSelectRows']);
        const got = selectRows(mask, a, b);
        expect(got.shape).toEqual(shape);
        expect(float32Bits(got)).toEqual(float32Bits(plain));
        tf.dispose([got, plain, profile.result as tf.Tensor]);
      });
      tf.dispose([a, b, mask]);
    },
  );

  test('the rows come from the side the mask names (a check that does not lean on tf.where)', () => {
    const a = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const b = tf.tensor2d([[-1, -2], [-3, -4], [-5, -6]]);
    const got = selectRows(tf.tensor1d([false, true, true], 'bool'), a, b);
    expect(Array.from(got.dataSync())).toEqual([-1, -2, 3, 4, 5, 6]);
    tf.dispose([a, b, got]);
  });

  test('int32 tensors and the cpu backend take tfjs’s path, with the same result', async () => {
    const a = tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32');
    const b = tf.tensor2d([[5, 6], [7, 8]], undefined, 'int32');
    const mask = tf.tensor1d([true, false], 'bool');
    const names = (await tf.profile(() => selectRows(mask, a, b))).kernels.map((k) => k.name);
    expect(names).toContain('Select');
    expect(names).not.toContain('WorkbenchSelectRows');
    expect(Array.from(selectRows(mask, a, b).dataSync())).toEqual([1, 2, 7, 8]);
    tf.dispose([a, b, mask]);
    await tf.setBackend('cpu');
    try {
      const picked = tf.tidy(() => Array.from(selectRows(tf.tensor1d([false, true], 'bool'), tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync()));
      expect(picked).toEqual([5, 6, 3, 4]);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
