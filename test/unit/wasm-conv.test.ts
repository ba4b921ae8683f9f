/**
 * Stride-1 convolutions on WASM by the heap module's loop (wasmConv.ts) against tfjs's own kernel
 * (XNNPACK, with the loop set aside by withTfjsKernels), bit for bit (every NaN counted as one),
 * with and without a bias and a ReLU, on 'same', 'valid' and numeric padding, with ±0, ±∞ and NaN
 * in the input; a CNN's gradients through it match the cpu backend; which convolutions it takes;
 * no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { loopConvInfo } from '../../src/core/wasmConv';
import { withTfjsKernels } from '../../src/core/wasmGemm';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer), (u, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : u));

function values(shape: number[], seed: number, special = false): tf.Tensor {
  const v = tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array;
  if (special) {
    const s = [0, -0, Infinity, -Infinity, NaN, 1e30];
    for (let i = 0; i < v.length; i += 97) v[i] = s[(i / 97) % s.length];
  }
  return tf.tensor(v, shape);
}

describe('WASM convolutions by the heap loop', () => {
  // [batch, height, width, in channels, out channels, kernel, padding]: 14 columns (blocks of 4, 2
  // and 1 pixels), the CNN's two shapes, odd sizes, a 5 × 5 kernel.
  const cases: Array<[number, number, number, number, number, number, 'same' | 'valid' | number]> = [
    [4, 14, 14, 16, 32, 3, 'same'],
    [3, 14, 14, 32, 16, 3, 'same'],
    [2, 9, 7, 8, 8, 3, 'valid'],
    [2, 6, 5, 12, 24, 5, 'same'],
    [1, 7, 11, 9, 16, 3, 1],
  ];
  test.each(cases.flatMap((c) => (['plain', 'bias', 'relu'] as const).map((mode) => [...c, mode] as const)))(
    '%i × %i × %i × %i → %i channels, kernel %i, %s padding, %s: XNNPACK’s bits',
    async (n, h, w, ci, co, k, pad, mode) => {
      const x = values([n, h, w, ci], n + h, true) as tf.Tensor4D;
      const filter = values([k, k, ci, co], co) as tf.Tensor4D;
      const bias = values([co], 3, true) as tf.Tensor1D;
      const run = () =>
        mode === 'plain' ? tf.conv2d(x, filter, 1, pad) : tf.fused.conv2d({ x, filter, strides: 1, pad, bias, activation: mode === 'relu' ? 'relu' : 'linear' });
      expect(loopConvInfo(x, filter, { strides: 1, pad }, false)).not.toBeNull();
      await expectNoTensorLeak(() => {
        const out = run();
        const xnnpack = withTfjsKernels(run);
        expect(out.shape).toEqual(xnnpack.shape);
        expect(bits(out.dataSync())).toEqual(bits(xnnpack.dataSync()));
        tf.dispose([out, xnnpack]);
      });
      tf.dispose([x, filter, bias]);
    },
  );

  test('a small CNN’s loss gradients (input and both filters) match the cpu backend within 1e-5', async () => {
    const x = values([3, 8, 8, 8], 1);
    const w1 = values([3, 3, 8, 16], 2);
    const w2 = values([3, 3, 16, 8], 3);
    const loss = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.relu(tf.conv2d(xx as tf.Tensor4D, a as tf.Tensor4D, 1, 'same')), b as tf.Tensor4D, 1, 'same')));
    let wasm: number[][] = [];
    await expectNoTensorLeak(() => {
      wasm = tf.tidy(() => tf.grads(loss)([x, w1, w2]).map((g) => Array.from(g.dataSync())));
    });
    const saved = [x, w1, w2].map((t) => ({ v: t.dataSync().slice(), s: t.shape }));
    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => tf.grads(loss)(saved.map(({ v, s }) => tf.tensor(v, s))).map((g) => Array.from(g.dataSync())));
    await tf.setBackend('wasm');
    for (let i = 0; i < 3; i++) {
      expect(wasm[i].length).toBe(cpu[i].length);
      const scale = Math.max(...cpu[i].map(Math.abs));
      wasm[i].forEach((v, j) => expect(Math.abs(v - cpu[i][j])).toBeLessThanOrEqual(1e-5 * scale));
    }
    tf.dispose([x, w1, w2]);
  });

  test('which convolutions it takes: stride 1, NHWC, output channels in eights, at least 8 input channels, up to 25 taps; on the threaded build only small ones', () => {
    const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' }) as tf.TensorInfo;
    const x = info([64, 14, 14, 16]);
    const f = info([3, 3, 16, 32]);
    expect(loopConvInfo(x, f, { strides: 1, pad: 'same' }, false)?.outShape).toEqual([64, 14, 14, 32]);
    expect(loopConvInfo(x, f, { strides: 2, pad: 'same' }, false)).toBeNull();
    expect(loopConvInfo(x, f, { strides: 1, pad: 'same', dilations: 2 }, false)).toBeNull();
    expect(loopConvInfo(x, f, { strides: 1, pad: 'same', dataFormat: 'NCHW' }, false)).toBeNull();
    expect(loopConvInfo(x, info([3, 3, 16, 12]), { strides: 1, pad: 'same' }, false)).toBeNull();
    expect(loopConvInfo(info([64, 28, 28, 1]), info([3, 3, 1, 16]), { strides: 1, pad: 'same' }, false)).toBeNull();
    expect(loopConvInfo(info([1, 28, 28, 64]), info([14, 14, 64, 32]), { strides: 1, pad: 'valid' }, false)).toBeNull();
    expect(loopConvInfo(x, f, { strides: 1, pad: 'same' }, true)).toBeNull();
    expect(loopConvInfo(info([1, 4, 4, 8]), info([3, 3, 8, 8]), { strides: 1, pad: 'same' }, true)).not.toBeNull();
  });
});
