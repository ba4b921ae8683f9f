/**
 * An evaluation attack's per-step memory (wasmFirstFooled.ts): on WASM one kernel, against tfjs's
 * ArgMax, NotEqual, LogicalNot, LogicalAnd, Select and LogicalOr, bit for bit, with logits that
 * tie, hold NaN in every place and ±∞, rows fooled before, and iterates with NaN payloads and
 * signed zeros; the cpu backend takes tfjs's kernels with the same result; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { firstFooled } from '../../src/core/wasmFirstFooled';
import { expandMask } from '../../src/core/wasmSelectRows';
import { expectNoTensorLeak, float32Bits, useWasmBackend, withSpecialValues } from './helpers';

useWasmBackend();



/** Logits of n rows and k classes: random, with ties, NaN in each place and infinities in some rows. */
function logits(n: number, k: number, seed: number): tf.Tensor2D {
  const v = tf.randomNormal([n, k], 0, 1, 'float32', seed).dataSync() as Float32Array;
  for (let r = 0; r < n; r++) {
    const row = v.subarray(r * k, (r + 1) * k);
    if (r % 9 === 1) row[r % k] = NaN;
    if (r % 9 === 2) row.fill(NaN);
    if (r % 9 === 3) row.fill(0.5);
    if (r % 9 === 4) row[(r + 1) % k] = Infinity;
    if (r % 9 === 5) row.fill(-Infinity);
    if (r % 9 === 6 && k > 1) row[1] = row[0];
  }
  return tf.tensor2d(v, [n, k]);
}

/** The same step by tfjs's kernels alone. */
function plain(z: tf.Tensor2D, y: tf.Tensor1D, fooled: tf.Tensor1D, x: tf.Tensor, at: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const now = tf.logicalAnd(tf.notEqual(tf.argMax(z, 1), y), tf.logicalNot(fooled)) as tf.Tensor1D;
    return [tf.where(expandMask(now, x), x, at), tf.logicalOr(fooled, now)];
  });
}

const cases: Array<[number, number, number[]]> = [
  [37, 3, [37, 2]],
  [64, 10, [64, 1, 3, 3]],
  [18, 1, [18, 4]],
  [200, 4, [200, 5]],
];

describe('an evaluation attack’s memory of the first fooling iterate', () => {
  test.each(cases)('%i rows, %i classes, iterates %j: tfjs’s kernels’ bits, in one kernel', async (n, k, shape) => {
    const z = logits(n, k, n + k);
    const y = tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7) % k), 'int32');
    const fooled = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4 === 0 || (i >= n / 2 && i < n / 2 + 5)), 'bool');
    const x = withSpecialValues(shape, 1);
    const at = withSpecialValues(shape, 2);
    await expectNoTensorLeak(async () => {
      const [wantAt, wantFooled] = plain(z, y, fooled, x, at);
      const profile = await tf.profile(() => firstFooled(z, y, fooled, x, at));
      expect(profile.kernels.map((kk) => kk.name)).toEqual(['WorkbenchFirstFooled']);
      const [gotAt, gotFooled] = firstFooled(z, y, fooled, x, at);
      expect(gotAt.shape).toEqual(shape);
      expect(gotFooled.dtype).toBe('bool');
      expect(float32Bits(gotAt)).toEqual(float32Bits(wantAt));
      expect(Array.from(gotFooled.dataSync())).toEqual(Array.from(wantFooled.dataSync()));
      // Some rows are newly fooled and some are not, so both sides of the selection are checked.
      const newly = Array.from(gotFooled.dataSync()).filter((f, i) => f && !fooled.dataSync()[i]).length;
      if (k > 1) expect(newly).toBeGreaterThan(0);
      expect(newly).toBeLessThan(n);
      tf.dispose([wantAt, wantFooled, gotAt, gotFooled, ...(profile.result as tf.Tensor[])]);
    });
    tf.dispose([z, y, fooled, x, at]);
  });

  test('the rows and flags it gives, read off by hand (a check that does not lean on tfjs)', () => {
    const z = tf.tensor2d([[2, 1], [1, 2], [NaN, 5], [0, 0], [1, 3]]);
    const y = tf.tensor1d([0, 0, 1, 1, 0], 'int32');
    const fooled = tf.tensor1d([false, false, false, false, true], 'bool');
    const x = tf.tensor2d([[1], [2], [3], [4], [5]]);
    const at = tf.tensor2d([[-1], [-2], [-3], [-4], [-5]]);
    const [a, f] = firstFooled(z, y, fooled, x, at);
    // Row 1: argmax 1 ≠ 0, fooled now; row 2: a NaN first wins the argmax (0 ≠ 1); row 3: a tie goes to 0 ≠ 1; row 4 was fooled before.
    expect(Array.from(a.dataSync())).toEqual([-1, 2, 3, 4, -5]);
    expect(Array.from(f.dataSync())).toEqual([0, 1, 1, 1, 1]);
    tf.dispose([z, y, fooled, x, at, a, f]);
  });

  test('other dtypes and the cpu backend take tfjs’s kernels, with the same result', async () => {
    const make = () => ({
      z: tf.tensor2d([[2, 1], [1, 2], [3, 0]]),
      y: tf.tensor1d([0, 0, 1], 'int32'),
      fooled: tf.tensor1d([false, false, true], 'bool'),
      x: tf.tensor2d([[1, 1], [2, 2], [3, 3]]),
      at: tf.tensor2d([[0, 0], [0, 0], [9, 9]]),
    });
    const floatLabels = make();
    const names = (await tf.profile(() => firstFooled(floatLabels.z, tf.cast(floatLabels.y, 'float32') as tf.Tensor1D, floatLabels.fooled, floatLabels.x, floatLabels.at))).kernels.map((k) => k.name);
    expect(names).toContain('ArgMax');
    expect(names).not.toContain('WorkbenchFirstFooled');
    tf.dispose(Object.values(floatLabels));
    await tf.setBackend('cpu');
    try {
      const t = make();
      const [a, f] = firstFooled(t.z, t.y, t.fooled, t.x, t.at);
      expect(Array.from(a.dataSync())).toEqual([0, 0, 2, 2, 9, 9]);
      expect(Array.from(f.dataSync())).toEqual([0, 1, 1]);
      tf.dispose([...Object.values(t), a, f]);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
