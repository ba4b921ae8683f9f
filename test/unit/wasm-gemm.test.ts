/**
 * Matrix products on WASM by the heap module's loop (wasmGemm.ts) against tfjs's own kernel
 * (XNNPACK, with the loop set aside), bit for bit, and against the order both sum in:
 * out[i, j] = act(bias[j] + Σ_k a[i, k]·b[k, j]) with k in order, each product and sum rounded to
 * float32 (written here in JavaScript with Math.fround), ReLU as 0 unless 0 < sum. Gradients
 * through the loop match the cpu backend; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { heapSimd } from '../../src/core/heapSimd';
import { gemmProduct, takesGemm, THREADED_GEMM_MACS, withTfjsKernels } from '../../src/core/wasmGemm';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const f = Math.fround;
/** Float32 bits, every NaN as one (its sign and payload are the CPU's, not the order's): −0 still differs from 0. */
const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer), (u, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : u));

/** Seeded values with some ±0, ±∞ and NaN among them when `special`. */
function values(shape: number[], seed: number, special = false): tf.Tensor {
  const v = tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array;
  if (special) {
    const s = [0, -0, Infinity, -Infinity, NaN, 1e30, -1e-40];
    for (let i = 0; i < v.length; i += 29) v[i] = s[(i / 29) % s.length];
  }
  return tf.tensor(v, shape);
}

/** XNNPACK's sum, one output at a time, for one matrix of a batch. */
function reference(a: Float32Array, b: Float32Array, bias: Float32Array | null, rows: number, depth: number, cols: number, ta: boolean, tb: boolean, relu: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let s = bias ? bias[j] : 0;
      for (let k = 0; k < depth; k++) s = f(s + f(a[ta ? k * rows + i : i * depth + k] * b[tb ? j * depth + k : k * cols + j]));
      out.push(relu ? (0 < s ? s : 0) : s);
    }
  return out;
}

describe('WASM matrix products by the heap loop', () => {
  test('the SIMD loop is there on this backend (else these tests compare tfjs with itself)', () => {
    expect(heapSimd(tf.backend())).not.toBeNull();
  });

  // Rows in fours and a remainder, columns in eights and fours and the last one to three (a row a
  // lane in fours of rows), a few large enough for a transposed b to be transposed first (more
  // than 16 rows), a depth of three chunks (600, 520).
  const shapes: Array<[number, number, number]> = [
    [10, 2, 64],
    [10, 64, 3],
    [1, 1, 1],
    [7, 5, 13],
    [37, 19, 12],
    [64, 100, 70],
    [6, 600, 10],
    [21, 520, 7],
    [9, 3, 1],
  ];
  test.each(shapes.flatMap(([m, k, n]) => [false, true].flatMap((ta) => [false, true].flatMap((tb) => (['none', 'bias', 'relu'] as const).map((mode) => [m, k, n, ta, tb, mode] as const)))))(
    '%i × %i · %i × … (transposeA %s, transposeB %s, %s): XNNPACK’s bits',
    async (m, k, n, ta, tb, mode) => {
      const a = values(ta ? [k, m] : [m, k], m + k, true);
      const b = values(tb ? [n, k] : [k, n], n + 7, true);
      const bias = values([n], 3, true);
      const product = () =>
        mode === 'none' ? tf.matMul(a, b, ta, tb) : tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, transposeA: ta, transposeB: tb, activation: mode === 'relu' ? 'relu' : 'linear' });
      await expectNoTensorLeak(() => {
        const out = product();
        const xnnpack = withTfjsKernels(product);
        expect(out.shape).toEqual([m, n]);
        expect(bits(out.dataSync())).toEqual(bits(xnnpack.dataSync()));
        const want = reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, mode === 'none' ? null : (bias.dataSync() as Float32Array), m, k, n, ta, tb, mode === 'relu');
        expect(bits(out.dataSync())).toEqual(bits(want));
        tf.dispose([out, xnnpack]);
      });
      tf.dispose([a, b, bias]);
    },
  );

  test('batched products, b shared across the batch or not, bit for bit per matrix', async () => {
    const a = values([3, 6, 5], 1);
    const b = values([3, 5, 9], 2);
    const shared = values([1, 5, 9], 3);
    await expectNoTensorLeak(() => {
      for (const [bb, step] of [
        [b, 45],
        [shared, 0],
      ] as const) {
        const out = tf.matMul(a, bb);
        expect(out.shape).toEqual([3, 6, 9]);
        const got = out.dataSync();
        for (let n = 0; n < 3; n++) {
          const want = reference(a.dataSync().slice(n * 30, n * 30 + 30) as Float32Array, bb.dataSync().slice(n * step, n * step + 45) as Float32Array, null, 6, 5, 9, false, false, false);
          expect(bits(got.slice(n * 54, n * 54 + 54))).toEqual(bits(want));
        }
        out.dispose();
      }
    });
    tf.dispose([a, b, shared]);
  });

  test('gradients through fused products (bias, ReLU, both transposes) match the cpu backend within 1e-5', async () => {
    const x = values([12, 7], 4);
    const w = values([9, 7], 5);
    const bias = values([9], 6);
    const loss = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.square(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, transposeB: true, activation: 'relu' })));
    const grads = () => tf.grads(loss)([x, w, bias]).map((g) => Array.from(g.dataSync()));
    let wasm: number[][] = [];
    await expectNoTensorLeak(() => {
      wasm = tf.tidy(grads);
    });
    const [xs, ws, bs] = [x, w, bias].map((t) => ({ v: t.dataSync().slice(), s: t.shape }));
    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => {
      const [cx, cw, cb] = [xs, ws, bs].map(({ v, s }) => tf.tensor(v, s));
      return tf.grads(loss)([cx, cw, cb]).map((g) => Array.from(g.dataSync()));
    });
    await tf.setBackend('wasm');
    for (let i = 0; i < 3; i++) {
      expect(wasm[i].length).toBe(cpu[i].length);
      wasm[i].forEach((v, j) => expect(Math.abs(v - cpu[i][j])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(cpu[i][j]))));
    }
    tf.dispose([x, w, bias]);
  });

  test('which products the loop takes: every float32 one on one thread; on the threaded build only those up to THREADED_GEMM_MACS', () => {
    const info = (shape: number[], dtype: tf.DataType = 'float32') => ({ dataId: {}, shape, dtype }) as tf.TensorInfo;
    const big = gemmProduct(info([512, 512]), info([512, 512]), false, false)!;
    const small = gemmProduct(info([16, 64]), info([64, 64]), false, false)!;
    expect(small.rows * small.depth * small.cols).toBeLessThanOrEqual(THREADED_GEMM_MACS);
    expect([takesGemm(big, false), takesGemm(big, true), takesGemm(small, true)]).toEqual([true, false, true]);
    expect(gemmProduct(info([4, 3]), info([4, 5]), false, false)).toBeNull();
    expect(gemmProduct(info([4, 3], 'int32'), info([3, 5]), false, false)).toBeNull();
    expect(gemmProduct(info([2, 4, 3]), info([3, 3, 5]), false, false)).toBeNull();
    expect(gemmProduct(info([2, 4, 3]), info([1, 3, 5]), false, false)!.outShape).toEqual([2, 4, 5]);
    expect(gemmProduct(info([3, 4]), info([5, 3]), true, true)!.outShape).toEqual([4, 5]);
  });
});
