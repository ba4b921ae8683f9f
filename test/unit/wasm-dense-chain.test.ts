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
import { denseInputGradient } from '../../src/core/attacks/denseGradient';
import { type ChainLayer, denseForward, takesDenseChain } from '../../src/core/wasmDenseChain';
import { withTfjsKernels } from '../../src/core/wasmGemm';
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
    const y = tf.tensor1d(Array.from({ length: rows }, (_, i) => i % widths[widths.length - 1]), 'int32');
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

  test('one kernel a pass: the forward pass and the backward pass of a gradient', async () => {
    const layers = chainOf([2, 64, 64, 3], [true, true, true]);
    const chain = layers.map((l) => ({ kernel: l.kernel, bias: l.bias, activation: l.relu ? ('relu' as const) : ('linear' as const) }));
    const x = input(100, 2, false);
    const y = tf.tensor1d(Array.from({ length: 100 }, (_, i) => i % 3), 'int32');
    const names = async (f: () => tf.Tensor | tf.Tensor[]) => (await tf.profile(f)).kernels.filter((k) => !k.name.endsWith('__op')).map((k) => k.name);
    expect(await names(() => denseForward(x, layers, false))).toEqual(['WorkbenchDenseForward']);
    const grad = await names(() => denseInputGradient(chain, x, y, crossEntropy.logitGradient!).grad);
    expect(grad.filter((n) => n.startsWith('Workbench'))).toEqual(['WorkbenchDenseForward', 'WorkbenchMinusOneHot', 'WorkbenchDenseBackward']);
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
