/**
 * Image models: the CNN builder, the in-model Normalize layer, the MLP on images, saving and
 * loading with the custom layer, training and attacking on image-shaped inputs with
 * image-scale eps inside the [0, 1] box.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { Rng, TRAIN_DEFAULTS, createMlp, crossEntropy, logits, modelFromArtifacts, modelToArtifacts, pgd, train } from '../../src/core';
import { createCnn } from '../../src/core/models/cnn';
import { Normalize } from '../../src/core/models/normalize';
import { expandMask } from '../../src/core/wasmSelectRows';
import { maxPoolGradInto, maxPoolGradLoop } from '../../src/core/wasmMaxPool';
import { withTfjsKernels } from '../../src/core/wasmGemm';
import { type HeapSimd } from '../../src/core/heapSimd';
import { HEAP_SIMD_SHARED_WASM } from '../../src/core/heapSimdModule';
import { base64Bytes } from '../../src/core/wasmBytes';
import { assembleHeapSimdWasm, heapSimdModuleSource } from '../../scripts/wasmModules';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

/** n images of size s×s×c in [0, 1]: class 0 bright on the left half, class 1 on the right. */
function halves(n: number, s: number, c: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * s * s * c);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let r = 0; r < s; r++)
      for (let col = 0; col < s; col++)
        for (let ch = 0; ch < c; ch++) {
          const bright = (col < s / 2) === (y[i] === 0);
          x[((i * s + r) * s + col) * c + ch] = Math.min(1, Math.max(0, (bright ? 0.8 : 0.2) + 0.1 * rng.normal()));
        }
  }
  return { x: tf.tensor4d(x, [n, s, s, c]), y: tf.tensor1d(y, 'int32') };
}

describe('createCnn', () => {
  test('conv blocks double their filters, pool by 2, end in logits; same seed same weights', () => {
    const m = createCnn({ inputShape: [28, 28, 1], numClasses: 10, convLayers: 3, filters: 8, dense: 32, seed: 5 });
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.map((l) => (l.getConfig() as { filters: number }).filters)).toEqual([8, 16, 32]);
    expect(m.layers.filter((l) => l.getClassName() === 'MaxPooling2D')).toHaveLength(3);
    expect(m.outputs[0].shape).toEqual([null, 10]);
    // 28 → 14 → 7 → 3 after three poolings: flatten = 3·3·32.
    expect(m.layers.find((l) => l.getClassName() === 'Flatten')!.outputShape).toEqual([null, 288]);
    const again = createCnn({ inputShape: [28, 28, 1], numClasses: 10, convLayers: 3, filters: 8, dense: 32, seed: 5 });
    const [a, b] = [m.getWeights(), again.getWeights()];
    a.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(b[i].dataSync())));
    m.dispose();
    again.dispose();
  });

  test('refuses settings that pool the image away', () => {
    expect(() => createCnn({ inputShape: [8, 8, 1], numClasses: 2, convLayers: 4 })).toThrow(/shrink/);
  });
});

describe('Normalize layer', () => {
  test('computes (x − mean_c) / std_c per channel, inside the model', async () => {
    await expectNoTensorLeak(async () => {
      const layer = new Normalize({ mean: [0.5, 0.25], std: [0.5, 0.25] });
      const x = tf.tensor4d([0, 1, 0.5, 0.5], [1, 1, 2, 2]);
      const out = layer.apply(x) as tf.Tensor;
      expect(Array.from(await out.data())).toEqual([-1, 3, 0, 1]);
      tf.dispose([x, out]);
    });
    expect(() => new Normalize({ mean: [0], std: [0] })).toThrow(/std/);
  });

  test('a model with Normalize saves and loads in the tfjs format with the same outputs', async () => {
    const m = createCnn({ inputShape: [8, 8, 3], numClasses: 3, convLayers: 2, filters: 4, dense: 0, normalize: { mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26] }, seed: 2 });
    expect(m.layers[0].getClassName()).toBe('WorkbenchNormalize');
    const { modelJson, weights } = await modelToArtifacts(m);
    const loaded = await modelFromArtifacts(JSON.parse(JSON.stringify(modelJson)), weights);
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 9);
    const [a, b] = [m.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    m.dispose();
    loaded.dispose();
  });
});

describe('MLP on images', () => {
  test('flattens the image first; the fast logits path equals model.apply', async () => {
    const m = createMlp({ inputDim: 6 * 6 * 1, inputShape: [6, 6, 1], numClasses: 2, depth: 2, width: 8, seed: 3 });
    expect(m.layers[0].getClassName()).toBe('Flatten');
    const x = tf.randomUniform([5, 6, 6, 1], 0, 1, 'float32', 1);
    const [a, b] = [m.apply(x) as tf.Tensor, logits(m, x)];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    const ga = tf.grad((xx: tf.Tensor) => tf.sum(crossEntropy(m.apply(xx) as tf.Tensor2D, tf.tensor1d([0, 1, 0, 1, 0], 'int32'))))(x);
    const gb = tf.grad((xx: tf.Tensor) => tf.sum(crossEntropy(logits(m, xx), tf.tensor1d([0, 1, 0, 1, 0], 'int32'))))(x);
    expect(Array.from(await gb.data())).toEqual(Array.from(await ga.data()));
    expect(() => createMlp({ inputDim: 10, inputShape: [6, 6, 1], numClasses: 2 })).toThrow(/inputShape/);
    tf.dispose([x, a, b, ga, gb]);
    m.dispose();
  });
});

describe('training and attacks on images', () => {
  test('a tiny CNN learns a two-class image task in a few epochs, with TRADES at eps 8/255 in the [0, 1] box', async () => {
    const { x, y } = halves(40, 8, 1, 1);
    const m = createCnn({ inputShape: [8, 8, 1], numClasses: 2, convLayers: 1, filters: 4, dense: 0, seed: 1 });
    const result = await expectNoTensorLeak(() =>
      train(m, { x, y }, { ...TRAIN_DEFAULTS, method: 'trades', epochs: 6, batchSize: 10, optimizer: 'adam', learningRate: 0.01, attack: { norm: 'linf', eps: 8 / 255, steps: 3, stepSize: 0 }, box: [0, 1] }),
    );
    expect(result.status).toBe('completed');
    expect(result.history.at(-1)!.trainAccuracy).toBeGreaterThan(0.9);
    tf.dispose([x, y]);
    m.dispose();
  });

  test('PGD at eps 2/255 and 8/255 keeps images in the ball and in [0, 1]', async () => {
    const { x, y } = halves(6, 8, 3, 2);
    const m = createCnn({ inputShape: [8, 8, 3], numClasses: 2, convLayers: 2, filters: 4, dense: 8, seed: 4 });
    for (const eps of [2 / 255, 8 / 255]) {
      for (const norm of ['linf', 'l2'] as const) {
        const [a, c] = await expectNoTensorLeak(async () => {
          const adv = await pgd(m, x, y, { norm, eps, steps: 5, randomStart: true, restarts: 2, seed: 1, box: [0, 1] });
          const out = [await adv.data(), await x.data()];
          adv.dispose();
          return out;
        });
        let maxAbs = 0;
        const perImage = new Array(6).fill(0);
        for (let i = 0; i < a.length; i++) {
          expect(a[i]).toBeGreaterThanOrEqual(0);
          expect(a[i]).toBeLessThanOrEqual(1);
          maxAbs = Math.max(maxAbs, Math.abs(a[i] - c[i]));
          perImage[Math.floor(i / 192)] += (a[i] - c[i]) ** 2;
        }
        if (norm === 'linf') expect(maxAbs).toBeLessThanOrEqual(eps + 1e-6);
        else perImage.forEach((s) => expect(Math.sqrt(s)).toBeLessThanOrEqual(eps + 1e-6));
      }
    }
    tf.dispose([x, y]);
    m.dispose();
  });
});

/**
 * The gradient of sum(conv(x, f)²) with respect to x or f, on the cpu backend and on wasm (whose
 * run must leave the tensor count as it found it), from the same seeded values.
 */
async function convGradients(wrt: 'x' | 'filter', xShape: [number, number, number, number], fShape: [number, number, number, number], stride: number, pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding) {
  const x = [...Array(tf.util.sizeFromShape(xShape))].map((_, i) => Math.sin((wrt === 'x' ? 0.7 : 1.3) * i));
  const f = [...Array(tf.util.sizeFromShape(fShape))].map((_, i) => Math.cos((wrt === 'x' ? 1.3 : 0.7) * i));
  const gradOn = async (backend: string) => {
    await tf.setBackend(backend);
    const xt = tf.tensor4d(x, xShape);
    const ft = tf.tensor4d(f, fShape);
    const loss = (xx: tf.Tensor4D, ff: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(xx, ff, stride, pad as 'same')));
    const g = wrt === 'x' ? tf.grad((xx: tf.Tensor) => loss(xx as tf.Tensor4D, ft))(xt) : tf.grad((ff: tf.Tensor) => loss(xt, ff as tf.Tensor4D))(ft);
    const out = { shape: g.shape, values: Array.from(await g.data()) };
    tf.dispose([xt, ft, g]);
    return out;
  };
  const cpu = await gradOn('cpu');
  const before = tf.memory().numTensors;
  const wasm = await gradOn('wasm');
  expect(tf.memory().numTensors).toBe(before);
  return { cpu, wasm };
}

describe('WASM Conv2DBackpropFilter (missing from tfjs-backend-wasm)', () => {
  /** The weight gradients on wasm and cpu agree within 1e-5 (relative, at least 1e-5 absolute). */
  async function weightGradients(xShape: [number, number, number, number], fShape: [number, number, number, number], stride: number, pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding) {
    const { cpu, wasm } = await convGradients('filter', xShape, fShape, stride, pad);
    expect(wasm.shape).toEqual(fShape);
    expect(wasm.values).toHaveLength(tf.util.sizeFromShape(fShape));
    wasm.values.forEach((v, i) => expect(Math.abs(v - cpu.values[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(cpu.values[i]))));
  }

  // Rows of at least 4 output pixels take the SIMD patch matrix (tapRows), narrower ones the
  // convolution, other strides the cpu kernel.
  test.each([
    ['same', 1, 6, 2],
    ['valid', 1, 6, 2],
    ['same', 2, 6, 2],
    ['same', 1, 7, 8],
    ['valid', 1, 5, 3],
  ] as const)('the convolution weight gradient on wasm equals the cpu backend’s (padding %s, stride %i, width %i, %i channels)', async (pad, stride, width, ci) => {
    await weightGradients([2, 7, width, ci], [3, 3, ci, 4], stride, pad);
  });

  // One input channel takes the patch-matrix product (im2col.ts) instead of the convolution;
  // kernels 3 wide with filters in eights the SIMD loop without a patch matrix (filterGrad1x3).
  test.each([
    ['same', 3, 3],
    ['valid', 2, 4],
    [[[0, 0], [2, 0], [1, 1], [0, 0]], 3, 2],
    ['same', 5, 1],
    ['same', 3, 8],
    ['valid', 3, 16],
    [[[0, 0], [2, 0], [1, 1], [0, 0]], 3, 24],
  ] as const)('one input channel: the weight gradient on wasm equals the cpu backend’s (padding %j, kernel %i, %i filters)', async (pad, k, cout) => {
    await weightGradients([3, 7, 6, 1], [k, k, 1, cout], 1, pad as tf.backend_util.ExplicitPadding);
  });

  test('one input channel, the default CNN’s first layer (28 × 28, 16 filters) and a 5 × 3 kernel: the SIMD loop equals the cpu backend’s', async () => {
    await weightGradients([4, 28, 28, 1], [3, 3, 1, 16], 1, 'same');
    await weightGradients([2, 9, 7, 1], [5, 3, 1, 8], 1, 'same');
  });
});

describe('WASM Conv2DBackpropInput as a convolution', () => {
  // One input channel (a grey-scale first layer) takes the taps' product and col2im instead.
  test.each([
    ['same', 1, 3, 3],
    ['valid', 1, 3, 3],
    ['same', 1, 5, 3],
    ['same', 2, 3, 3],
    ['same', 1, 3, 1],
    ['valid', 1, 2, 1],
    ['same', 1, 5, 1],
    [[[0, 0], [2, 0], [1, 1], [0, 0]], 1, 3, 1],
    ['same', 2, 3, 1],
  ] as const)('the input gradient on wasm equals the cpu backend’s (padding %j, stride %i, kernel %i, %i input channels)', async (pad, stride, k, ci) => {
    const { cpu, wasm } = await convGradients('x', [2, 9, 8, ci], [k, k, ci, 5], stride, pad as tf.backend_util.ExplicitPadding);
    expect(wasm.values).toHaveLength(2 * 9 * 8 * ci);
    // Within 1e-5 of the gradient's scale: the two backends sum in different orders.
    const scale = Math.max(...cpu.values.map(Math.abs));
    expect(scale).toBeGreaterThan(1);
    wasm.values.forEach((v, i) => expect(Math.abs(v - cpu.values[i])).toBeLessThan(1e-5 * scale));
  });
});

describe('col2im (the one-channel input gradient’s sum of taps)', () => {
  /** dx by the documented order: each pixel's existing taps in (i, j) order from 0, in float32. */
  function reference(t: Float32Array, batch: number, inH: number, inW: number, outH: number, outW: number, kh: number, kw: number, top: number, left: number) {
    const dx = new Float32Array(batch * inH * inW);
    for (let n = 0; n < batch; n++)
      for (let r = 0; r < inH; r++)
        for (let c = 0; c < inW; c++) {
          let acc = 0;
          for (let i = 0; i < kh; i++) {
            const h = r + top - i;
            if (h < 0 || h >= outH) continue;
            for (let j = 0; j < kw; j++) {
              const w = c + left - j;
              if (w >= 0 && w < outW) acc = Math.fround(acc + t[((n * outH + h) * outW + w) * kh * kw + i * kw + j]);
            }
          }
          dx[(n * inH + r) * inW + c] = acc;
        }
    return dx;
  }

  // Rows wide enough for four pixels at once in the middle and narrow ones that have none; 'same',
  // 'valid' and uneven padding; kernels 3 × 3, 5 × 3 and 2 × 4; t with ±0, ±∞ and NaN.
  test.each([
    [2, 5, 11, 3, 3, 1, 1],
    [1, 6, 13, 5, 3, 2, 1],
    [2, 4, 9, 3, 3, 0, 0],
    [1, 7, 10, 2, 4, 1, 2],
    [1, 3, 3, 3, 3, 1, 1],
  ])('batch %i, %i × %i, kernel %i × %i, top %i, left %i: bit for bit the reference', (batch, inH, inW, kh, kw, top, left) => {
    // The output size of the convolution whose input gradient this is (padding top/left, and the same at the other side).
    const outH = inH + 2 * top - kh + 1;
    const outW = inW + 2 * left - kw + 1;
    const taps = batch * outH * outW * kh * kw;
    const special = [0, -0, Infinity, -Infinity, NaN];
    const t = Float32Array.from({ length: taps }, (_, k) => (k % 37 === 5 ? special[(k / 37) % 5 | 0] : Math.sin(1.7 * k) * 10));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const simd = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(HEAP_SIMD_SHARED_WASM)), { env: { memory } }).exports as unknown as HeapSimd;
    const heap = new Float32Array(memory.buffer);
    const dxAt = taps + 4;
    heap.set(t, 0);
    heap.fill(7, dxAt, dxAt + batch * inH * inW + 4);
    simd.col2im(0, 4 * dxAt, batch, inH, inW, outH, outW, kh, kw, top, left);
    const want = reference(t, batch, inH, inW, outH, outW, kh, kw, top, left);
    const bits = (a: Float32Array) => Array.from(new Int32Array(Float32Array.from(a, (v) => (Number.isNaN(v) ? NaN : v)).buffer));
    expect(bits(heap.slice(dxAt, dxAt + want.length))).toEqual(bits(want));
    // Nothing written past dx.
    expect(Array.from(heap.subarray(dxAt + want.length, dxAt + want.length + 4))).toEqual([7, 7, 7, 7]);
  });
});

describe('WASM MaxPool by the heap loop', () => {
  const bitsOf = (a: Float32Array | Int32Array | Uint8Array) => Array.from(new Int32Array(Float32Array.from(a).buffer));

  test('every 2 × 2 window of ±0, ±1, ±∞ and NaN pools to XNNPACK’s bits (the loop against tfjs’s kernel)', async () => {
    const V = [Number.NaN, -0, 0, 1, -1, -Infinity, Infinity];
    const windows: number[][] = [];
    for (const a of V) for (const b of V) for (const c of V) for (const d of V) windows.push([a, b, c, d]);
    // Image k is one window: rows (a, b) and (c, d), the same in each of 4 channels.
    const data = new Float32Array(windows.length * 16);
    windows.forEach((w, k) => w.forEach((v, pixel) => data.fill(v, k * 16 + pixel * 4, k * 16 + pixel * 4 + 4)));
    await expectNoTensorLeak(async () => {
      const x = tf.tensor4d(data, [windows.length, 2, 2, 4]);
      const pool = () => tf.maxPool(x, 2, 2, 'valid');
      const [loop, xnnpack] = [pool(), withTfjsKernels(pool)];
      const [l, t] = [await loop.data(), await xnnpack.data()];
      // The windows' answers are not all the plain maximum (the test would pass with any maximum otherwise).
      expect(windows.filter((w, k) => !Object.is(t[4 * k], Math.max(...w))).length).toBeGreaterThan(100);
      expect(bitsOf(l as Float32Array)).toEqual(bitsOf(t as Float32Array));
      tf.dispose([x, loop, xnnpack]);
    });
  });

  // A row and a column past the last window, exact fits, 'same' on even sizes, 8 channels; 3
  // channels and 3 × 3 windows keep tfjs's kernel.
  test.each([
    [7, 6, 4, 2, 2, 'valid'],
    [8, 9, 8, 2, 2, 'valid'],
    [8, 8, 4, 2, 2, 'same'],
    [6, 6, 3, 2, 2, 'valid'],
    [7, 7, 4, 3, 2, 'same'],
  ] as const)('%i × %i × %i, window %i, stride %i, %s: the loop’s bits are tfjs’s', async (h, w, c, k, stride, pad) => {
    const values = Float32Array.from({ length: 3 * h * w * c }, (_, i) => (i % 17 === 3 ? Number.NaN : i % 13 === 0 ? -0 : Math.round(8 * Math.sin(1.3 * i)) / 4));
    await expectNoTensorLeak(async () => {
      const x = tf.tensor4d(values, [3, h, w, c]);
      const pool = () => tf.maxPool(x, k, stride, pad);
      const [loop, xnnpack] = [pool(), withTfjsKernels(pool)];
      expect(loop.shape).toEqual(xnnpack.shape);
      expect(bitsOf((await loop.data()) as Float32Array)).toEqual(bitsOf((await xnnpack.data()) as Float32Array));
      tf.dispose([x, loop, xnnpack]);
    });
  });
});

describe('WASM MaxPoolGrad written over the heap', () => {
  // Ties are the common case after a ReLU (windows of zeros): the gradient goes to the first
  // maximum in row-major order on both backends; NaN and −∞ windows pass none.
  const values = (n: number) => [...Array(n)].map((_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? NaN : i % 13 === 0 ? -Infinity : Math.round(4 * Math.sin(0.9 * i)) / 4));
  // 2 × 2 windows with stride 2 inside the input take a loop of their own: on 7 × 6 (a row past
  // the last window), on 8 × 6 (exact), and with 'same' on 7 × 6 (a last window cut by the edge:
  // the general loop).
  // With channels in fours that loop is WebAssembly SIMD (heapSimdSource.ts).
  test.each([
    [2, 2, 'valid', 7, 3],
    [2, 2, 'valid', 8, 3],
    [2, 2, 'same', 7, 3],
    [2, 2, 'same', 8, 3],
    [3, 1, 'same', 7, 3],
    [3, 2, 'valid', 7, 3],
    [3, 2, 'same', 7, 3],
    [2, 2, 'valid', 7, 8],
    [2, 2, 'valid', 8, 4],
    [2, 2, 'same', 8, 12],
    [2, 2, 'same', 7, 8],
  ] as const)('equals the cpu backend’s on ties, NaN and −∞ (window %i, stride %i, padding %s, height %i, %i channels)', async (k, stride, pad, height, channels) => {
    const shape: [number, number, number, number] = [2, height, 6, channels];
    const x = values(2 * height * 6 * channels);
    const gradOn = async (backend: string) => {
      await tf.setBackend(backend);
      const xt = tf.tensor4d(x, shape);
      const g = tf.grad((xx: tf.Tensor) => {
        const p = tf.maxPool(xx as tf.Tensor4D, k, stride, pad);
        return tf.sum(tf.mul(p, tf.range(1, p.size + 1).reshape(p.shape)));
      })(xt);
      const out = Array.from(await g.data());
      tf.dispose([xt, g]);
      return out;
    };
    const cpu = await gradOn('cpu');
    const before = tf.memory().numTensors;
    const wasm = await gradOn('wasm');
    expect(tf.memory().numTensors).toBe(before);
    expect(wasm).toHaveLength(x.length);
    expect(cpu.some((v) => v !== 0)).toBe(true);
    expect(wasm).toEqual(cpu);
  });

  test('2 × 2 windows of stride 2 with channels in fours run the SIMD loop on tfjs-wasm’s own memory', async () => {
    await tf.setBackend('wasm');
    const info = (c: number, pad: 'valid' | 'same', height: number) => tf.backend_util.computePool2DInfo([2, height, 6, c], 2, 2, 1, pad);
    expect(typeof maxPoolGradLoop(tf.backend(), info(8, 'valid', 7))).toBe('object');
    expect(typeof maxPoolGradLoop(tf.backend(), info(8, 'same', 8))).toBe('object');
    // A last window cut by the edge, or channels not in fours: the JavaScript loop.
    expect(maxPoolGradLoop(tf.backend(), info(8, 'same', 7))).toBe('javascript');
    expect(maxPoolGradLoop(tf.backend(), info(3, 'valid', 7))).toBe('javascript');
    expect(maxPoolGradLoop(tf.backend(), tf.backend_util.computePool2DInfo([2, 7, 6, 8], 3, 2, 1, 'valid'))).toBe('javascript');
  });

  test('the variant for the threaded build’s shared memory gives the JavaScript loop’s gradient', () => {
    const [n, h, w, c] = [2, 7, 6, 8];
    const x = Float32Array.from(values(n * h * w * c));
    const info = tf.backend_util.computePool2DInfo([n, h, w, c], 2, 2, 1, 'valid');
    const dy = Float32Array.from({ length: n * info.outHeight * info.outWidth * c }, (_, i) => i + 1);
    const want = new Float32Array(x.length);
    maxPoolGradInto(x, dy, want, info);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const simd = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(HEAP_SIMD_SHARED_WASM)), { env: { memory } }).exports as unknown as HeapSimd;
    const heap = new Float32Array(memory.buffer);
    const [xAt, dyAt, dxAt] = [0, x.length, x.length + dy.length];
    heap.set(x, xAt);
    heap.set(dy, dyAt);
    heap.fill(0, dxAt, dxAt + x.length); // the row past the last window
    simd.grad2x2(4 * xAt, 4 * dyAt, 4 * dxAt, n, h, w, info.outHeight, info.outWidth, c);
    expect(want.some((v) => v !== 0)).toBe(true);
    expect(Array.from(heap.subarray(dxAt, dxAt + x.length))).toEqual(Array.from(want));
  });

  test('the committed SIMD module is what heapSimdSource.ts assembles to (npm run build:wasm)', async () => {
    const committed = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../src/core/heapSimdModule.ts'), 'utf8');
    expect(committed).toBe(heapSimdModuleSource(await assembleHeapSimdWasm()));
  });
});

describe('per-input masks for tf.where', () => {
  test('expandMask selects exactly what tf.where’s own broadcast of the [n, 1, 1, 1] mask selects, and leaves no tensor', () => {
    const n = 7;
    const mask = tf.tensor1d([true, false, false, true, true, false, true], 'bool');
    const a = tf.randomUniform([n, 5, 4, 3], 0, 1, 'float32', 3);
    const b = tf.randomUniform([n, 5, 4, 3], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const fast = tf.tidy(() => tf.where(expandMask(mask, a), a, b));
    const plain = tf.tidy(() => tf.where(tf.reshape(mask, [n, 1, 1, 1]), a, b));
    expect(Array.from(fast.dataSync())).toEqual(Array.from(plain.dataSync()));
    expect(fast.shape).toEqual(a.shape);
    tf.dispose([fast, plain]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([mask, a, b]);
  });
});
