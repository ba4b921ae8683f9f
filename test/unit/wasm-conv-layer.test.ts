/**
 * A convolution layer under a gradient tape on WASM as one kernel (wasmConvLayer.ts): its output
 * and its gradients (input, filter, bias) against the three kernels it stands in for (Conv2D, Add,
 * Relu), bit for bit, NaN payloads and signs included, where the heap loop takes the convolution
 * and where XNNPACK does (the loop's own numbers against XNNPACK's: wasm-conv.test.ts); CNN attacks
 * and training through models/forward.ts get model.apply's numbers; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createCnn, logits } from '../../src/core';
import { convLayer } from '../../src/core/wasmConvLayer';
import { loopConvInfo } from '../../src/core/wasmConv';
import { expectNoTensorLeak, float32Bits, useWasmBackend, withSpecialValues } from './helpers';

useWasmBackend();

const bits = float32Bits;

/** conv → add → relu as tfjs runs a Conv2D layer under a tape. */
const plainLayer = (x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D, pad: 'same' | 'valid', relu: boolean) => {
  const s = tf.add(tf.conv2d(x, f, 1, pad), b);
  return relu ? tf.relu(s) : s;
};

describe('a convolution layer as one kernel', () => {
  // [batch, height, width, in channels, out channels, kernel, padding]: the CNN's two layers (one
  // input channel: XNNPACK on one thread), an odd 'valid' one, out channels not in eights (tfjs's kernels).
  const cases: Array<[number, number, number, number, number, number, 'same' | 'valid']> = [
    [3, 12, 12, 1, 16, 3, 'same'],
    [4, 14, 14, 16, 32, 3, 'same'],
    [2, 9, 7, 8, 8, 3, 'valid'],
    [2, 6, 6, 4, 4, 3, 'same'],
  ];
  test.each(cases.flatMap((c) => [true, false].map((relu) => [...c, relu] as const)))(
    '%i × %i × %i × %i → %i channels, kernel %i, %s padding, ReLU %s: tfjs’s output bits, specials included',
    async (n, h, w, ci, co, k, pad, relu) => {
      const x = withSpecialValues([n, h, w, ci], n + h) as tf.Tensor4D;
      const f = tf.tidy(() => withSpecialValues([k, k, ci, co], co).div(4)) as tf.Tensor4D;
      const b = withSpecialValues([co], 3) as tf.Tensor1D;
      const loop = loopConvInfo(x, f, { strides: 1, pad }, false) !== null;
      expect(loop).toBe(ci >= 8 && co % 8 === 0);
      await expectNoTensorLeak(() => {
        const out = convLayer(x, f, b, pad, relu)!;
        const ref = tf.tidy(() => plainLayer(x, f, b, pad, relu));
        expect(out.shape).toEqual(ref.shape);
        expect(bits(out)).toEqual(bits(ref));
        tf.dispose([out, ref]);
      });
      tf.dispose([x, f, b]);
    },
  );

  test.each(cases.flatMap((c) => [true, false].map((relu) => [...c, relu] as const)))(
    '%i × %i × %i × %i → %i channels, kernel %i, %s padding, ReLU %s: tfjs’s gradients of x, filter and bias, bit for bit',
    async (n, h, w, ci, co, k, pad, relu) => {
      const x = tf.randomNormal([n, h, w, ci], 0, 1, 'float32', 5) as tf.Tensor4D;
      const f = tf.randomNormal([k, k, ci, co], 0, 0.5, 'float32', 6) as tf.Tensor4D;
      const b = tf.randomNormal([co], 0, 1, 'float32', 7) as tf.Tensor1D;
      const outShape = [n, pad === 'same' ? h : h - k + 1, pad === 'same' ? w : w - k + 1, co];
      const r = tf.randomNormal(outShape, 0, 1, 'float32', 8);
      const loss = (layer: typeof plainLayer) => (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layer(xx as tf.Tensor4D, ff as tf.Tensor4D, bb as tf.Tensor1D, pad, relu), r));
      await expectNoTensorLeak(() => {
        const fused = tf.grads(loss((...a) => convLayer(...a)!))([x, f, b]);
        const ref = tf.grads(loss(plainLayer))([x, f, b]);
        for (let i = 0; i < 3; i++) {
          expect(fused[i].shape).toEqual(ref[i].shape);
          expect(bits(fused[i])).toEqual(bits(ref[i]));
        }
        // Some of the mask's zeros and some of its ones.
        expect(tf.tidy(() => tf.sum(tf.abs(fused[0])).dataSync()[0])).toBeGreaterThan(0);
        tf.dispose([...fused, ...ref]);
      });
      tf.dispose([x, f, b, r]);
    },
  );

  test('a CNN’s input gradient (an attack) and weight gradients (training) through logits: model.apply’s bits', async () => {
    const model = createCnn({ inputShape: [10, 10, 1], numClasses: 4, filters: 8, dense: 16, seed: 9 });
    const x = tf.randomUniform([6, 10, 10, 1], 0, 1, 'float32', 10);
    const apply = (xx: tf.Tensor) => model.apply(xx, { training: false }) as tf.Tensor;
    await expectNoTensorLeak(() => {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(logits(model, xx))))(x);
      const gRef = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(apply(xx))))(x);
      expect(bits(g)).toEqual(bits(gRef));
      const w = tf.variableGrads(() => tf.sum(tf.square(logits(model, x))) as tf.Scalar);
      const wRef = tf.variableGrads(() => tf.sum(tf.square(apply(x))) as tf.Scalar);
      expect(Object.keys(w.grads).sort()).toEqual(Object.keys(wRef.grads).sort());
      for (const name of Object.keys(w.grads)) expect(bits(w.grads[name])).toEqual(bits(wRef.grads[name]));
      expect(bits(w.value)).toEqual(bits(wRef.value));
      tf.dispose([g, gRef, w.value, wRef.value, ...Object.values(w.grads), ...Object.values(wRef.grads)]);
    });
    x.dispose();
    model.dispose();
  });

  test('on another backend it declines, and the caller runs the layer', async () => {
    await tf.setBackend('cpu');
    const x = tf.ones([1, 4, 4, 8]) as tf.Tensor4D;
    const f = tf.ones([3, 3, 8, 8]) as tf.Tensor4D;
    const b = tf.zeros([8]) as tf.Tensor1D;
    expect(convLayer(x, f, b, 'same', true)).toBeNull();
    tf.dispose([x, f, b]);
    await tf.setBackend('wasm');
  });
});
