/**
 * A whole MLP pass as one WASM kernel (wasmDenseChain.ts) against the layer-by-layer path on
 * tfjs's own kernels (XNNPACK, the heap loops set aside by withTfjsKernels), bit for bit (every
 * NaN counted as one): the forward pass (each layer's output, or the last), and the input gradient
 * of denseGradient.ts (logits and gradient) for cross-entropy, with and without biases, ReLU and
 * linear layers, row counts that are not multiples of four, and ±0, ±∞ and NaN in the input;
 * which chains it takes; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { crossEntropy } from '../../src/core/attacks/common';
import { type LogitGradient, denseInputGradient } from '../../src/core/attacks/denseGradient';
import { type ChainLayer, denseForward, takesDenseChain } from '../../src/core/wasmDenseChain';
import { withTfjsKernels } from '../../src/core/wasmGemm';
import { heapSimd, type WasmHeap } from '../../src/core/heapSimd';
import { minusOneHot } from '../../src/core/wasmAttackSteps';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const bits = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer), (u, i) => (Number.isNaN(v[i]) ? 0x7fc00000 : u));

function input(rows: number, width: number, special: boolean): tf.Tensor2D {
  const v = tf.randomUniform([rows, width], -1, 1, 'float32', rows + width).dataSync() as Float32Array;
  if (special) {
    const s = [0, -0, Infinity, -Infinity, NaN, 1e30];
    for (let i = 0; i < v.length; i += 13) v[i] = s[(i / 13) % s.length];
  }
  return tf.tensor2d(v, [rows, width]);
}

/** Layers of these widths; `bias[l]` whether layer l has one; ReLU on all but the last. */
function chainOf(widths: number[], bias: boolean[]): ChainLayer[] {
  return widths.slice(1).map((w, l) => ({
    kernel: tf.randomNormal([widths[l], w], 0, 0.5, 'float32', 10 + l) as tf.Tensor2D,
    bias: bias[l] ? (tf.randomNormal([w], 0, 0.2, 'float32', 20 + l) as tf.Tensor1D) : undefined,
    relu: l < widths.length - 2,
  }));
}

/** The layer-by-layer forward pass, each layer's output. */
function perLayer(x: tf.Tensor2D, layers: readonly ChainLayer[]): tf.Tensor2D[] {
  const outs: tf.Tensor2D[] = [];
  let h = x;
  for (const l of layers) outs.push((h = tf.fused.matMul({ a: h, b: l.kernel, bias: l.bias, activation: l.relu ? 'relu' : 'linear' }) as tf.Tensor2D));
  return outs;
}

const cases: Array<[string, number[], boolean[], number, boolean]> = [
  ['the 2-D MLP, 8,195 rows', [2, 64, 64, 64, 64, 3], [true, true, true, true, true], 8195, false],
  ['the 2-D MLP, special values', [2, 64, 64, 3], [true, true, true], 301, true],
  ['no biases in the middle, 7 rows', [12, 8, 16, 5], [true, false, true], 7, true],
  ['784 inputs, one row', [784, 32, 10], [false, true], 1, false],
];

describe('one kernel for an MLP pass on WASM', () => {
  test.each(cases)('%s: forward pass, XNNPACK’s bits layer by layer', async (_, widths, bias, rows, special) => {
    const layers = chainOf(widths, bias);
    const x = input(rows, widths[0], special);
    expect(takesDenseChain(x, layers)).toBe(true);
    await expectNoTensorLeak(() => {
      const all = denseForward(x, layers, true);
      const last = denseForward(x, layers, false);
      const plain = withTfjsKernels(() => perLayer(x, layers));
      expect(all.map((t) => t.shape)).toEqual(plain.map((t) => t.shape));
      all.forEach((t, l) => expect(bits(t.dataSync())).toEqual(bits(plain[l].dataSync())));
      expect(bits(last.dataSync())).toEqual(bits(plain[plain.length - 1].dataSync()));
      tf.dispose([...all, last, ...plain]);
    });
    tf.dispose([x, ...layers.flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : [])])]);
  });

  test.each(cases)('%s: cross-entropy input gradient and logits, the same bits as the layer-by-layer backward pass', async (_, widths, bias, rows, special) => {
    const layers = chainOf(widths, bias);
    const chain = layers.map((l) => ({ kernel: l.kernel, bias: l.bias, activation: l.relu ? ('relu' as const) : ('linear' as const) }));
    const x = input(rows, widths[0], special);
    // Some labels outside [0, classes): their rows' gradient is the softmax's alone.
    const y = tf.tensor1d(Array.from({ length: rows }, (_, i) => (i % 17 === 5 ? -1 : i % 19 === 3 ? widths[widths.length - 1] : i % widths[widths.length - 1])), 'int32');
    const transposed = layers.map((l) => tf.transpose(l.kernel) as tf.Tensor2D);
    await expectNoTensorLeak(() => {
      for (const held of [undefined, transposed]) {
        const got = denseInputGradient(chain, x, y, crossEntropy.logitGradient!, held);
        const plain = withTfjsKernels(() => denseInputGradient(chain, x, y, crossEntropy.logitGradient!, held));
        expect(bits(got.logits.dataSync())).toEqual(bits(plain.logits.dataSync()));
        expect(bits(got.grad.dataSync())).toEqual(bits(plain.grad.dataSync()));
        if (!special) expect(tf.tidy(() => tf.max(tf.abs(got.grad)).dataSync()[0])).toBeGreaterThan(1e-4);
        tf.dispose([got.grad, got.logits, plain.grad, plain.logits]);
      }
    });
    tf.dispose([x, y, ...transposed, ...layers.flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : [])])]);
  });

  test.each([1, 2, 3, 4, 5, 7, 10, 17, 33])('the logit gradient of cross-entropy over %i classes: tfjs’s Softmax then WorkbenchMinusOneHot, the same bits wherever they are numbers', async (classes) => {
    const rows = 2003;
    // Logits over four scales (exp underflows below about −87), ±0, ±∞, NaN and float32's extremes in some rows.
    const z = new Float32Array(rows * classes);
    const specials = [NaN, Infinity, -Infinity, 0, -0, 3.4e38, -3.4e38, 1e-40, 88.7, -88.7, 100, -100];
    let seed = 7 + classes;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < z.length; i++) z[i] = i < z.length / 2 ? (next() - 0.5) * [2, 20, 200, 2000][Math.floor(next() * 4)] : next() < 0.2 ? specials[Math.floor(next() * specials.length)] : (next() - 0.5) * 40;
    const labels = Int32Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? -1 : i % 13 === 0 ? classes : i % classes));
    const zt = tf.tensor2d(z, [rows, classes]);
    const yt = tf.tensor1d(labels, 'int32');
    const out = tf.zeros([rows, classes]);
    const heap = tf.backend() as unknown as WasmHeap;
    const at = (t: tf.Tensor) => heap.typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
    heapSimd(tf.backend())!.softmaxMinusOneHot(at(zt), at(yt), at(out), rows, classes);
    const want = tf.tidy(() => minusOneHot(tf.softmax(zt), yt));
    const [got, expected] = [out.dataSync(), want.dataSync()];
    expect(bits(got)).toEqual(bits(expected));
    // Finite rows sum to 1 before the label's −1: a check that does not lean on tfjs.
    const row0 = Array.from(got.slice(classes, 2 * classes));
    expect(row0.reduce((a, b) => a + b, 0) + (labels[1] >= 0 && labels[1] < classes ? 1 : 0)).toBeCloseTo(1, 5);
    tf.dispose([zt, yt, out, want]);
  });

  test('one kernel a pass: the forward pass and the backward pass of a gradient', async () => {
    const layers = chainOf([2, 64, 64, 3], [true, true, true]);
    const chain = layers.map((l) => ({ kernel: l.kernel, bias: l.bias, activation: l.relu ? ('relu' as const) : ('linear' as const) }));
    const x = input(100, 2, false);
    const y = tf.tensor1d(Array.from({ length: 100 }, (_, i) => i % 3), 'int32');
    const names = async (f: () => tf.Tensor | tf.Tensor[]) => (await tf.profile(f)).kernels.filter((k) => !k.name.endsWith('__op')).map((k) => k.name);
    expect(await names(() => denseForward(x, layers, false))).toEqual(['WorkbenchDenseForward']);
    const grad = await names(() => denseInputGradient(chain, x, y, crossEntropy.logitGradient!).grad);
    // Cross-entropy's gradient, its softmax included, is one kernel; another objective's logit gradient goes between the two passes.
    expect(grad.filter((n) => n.startsWith('Workbench'))).toEqual(['WorkbenchDenseCrossEntropyGradient']);
    expect(grad).not.toContain('Softmax');
    const logitGradient: LogitGradient = (z, labels) => crossEntropy.logitGradient!(z, labels);
    const other = await names(() => denseInputGradient(chain, x, y, logitGradient).grad);
    expect(other.filter((n) => n.startsWith('Workbench'))).toEqual(['WorkbenchDenseForward', 'WorkbenchMinusOneHot', 'WorkbenchDenseBackward']);
    const floatLabels = tf.cast(y, 'float32') as tf.Tensor1D;
    expect((await names(() => denseInputGradient(chain, x, floatLabels, crossEntropy.logitGradient!).grad)).filter((n) => n.startsWith('Workbench'))).toEqual(['WorkbenchDenseForward', 'WorkbenchMinusOneHot', 'WorkbenchDenseBackward']);
    floatLabels.dispose();
    expect(grad).not.toContain('OneHot');
    expect(grad).not.toContain('_FusedMatMul');
    expect(grad).not.toContain('BatchMatMul');
    tf.dispose([x, y, ...layers.flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : [])])]);
  });

  test('which chains it takes: float32 2-D inputs, hidden widths in fours, not with the loops set aside, not on cpu', async () => {
    const layers = chainOf([2, 6, 3], [true, true]);
    const x = input(10, 2, false);
    expect(takesDenseChain(x, layers)).toBe(false); // a hidden width of 6
    const ok = chainOf([2, 8, 3], [true, true]);
    expect(takesDenseChain(x, ok)).toBe(true);
    expect(takesDenseChain(tf.reshape(x, [10, 2, 1]) as tf.Tensor, ok)).toBe(false);
    expect(withTfjsKernels(() => takesDenseChain(x, ok))).toBe(false);
    expect(takesDenseChain(x, [])).toBe(false);
    await tf.setBackend('cpu');
    try {
      expect(takesDenseChain(x, ok)).toBe(false);
    } finally {
      await tf.setBackend('wasm');
    }
    tf.dispose([x, ...[...layers, ...ok].flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : [])])]);
  });
});
