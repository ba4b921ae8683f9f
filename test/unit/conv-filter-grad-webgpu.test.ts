/**
 * The weight gradient of a convolution on WebGPU (src/core/webgpuConvGradients.ts: one workgroup
 * per weight, a tree of partial sums) against the cpu backend's, on Dawn + SwiftShader in Node:
 * strides 1 and 2, 'same', 'valid' and explicit padding, one and several channels, odd sizes, and
 * more weights than one dispatch dimension holds in a workgroup count of its own. Through
 * tf.grad of conv2d, as training takes it. Skipped, with the reason, where WebGPU cannot be had.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { selectBackend } from '../../src/core';
import { useNodeWebgpu } from '../../bench/webgpuNode';

const webgpu = await useNodeWebgpu();
if (!webgpu.ok) console.warn(`conv-filter-grad-webgpu.test.ts skipped: ${webgpu.reason}`);

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

const CASES: Case[] = [
  { x: [3, 9, 9, 1], filter: [3, 3, 1, 4], strides: 1, pad: 'same' },
  { x: [2, 10, 7, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 2], filter: [2, 3, 2, 3], strides: 1, pad: 'valid' },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // 3·3·16·32 weights over 4·14·14 terms each: many workgroups, each with more terms than lanes.
  { x: [4, 14, 14, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'same' },
];

const values = (n: number, salt: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + salt) * 2);

/** dW of sum(conv2d(x, w) ⊙ r) = the filter gradient for dy = r. */
async function filterGrad(c: Case): Promise<Float32Array> {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = tf.tensor4d(values(size(c.x), 1), c.x);
  const w = tf.tensor4d(values(size(c.filter), 2), c.filter);
  const outShape = tf.tidy(() => tf.conv2d(x, w, c.strides, c.pad).shape);
  const r = tf.tensor(values(size(outShape), 3), outShape);
  const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, c.strides, c.pad), r)))(w);
  const out = (await g.data()) as Float32Array;
  tf.dispose([x, w, r, g]);
  return out;
}

describe.skipIf(!webgpu.ok)('Conv2DBackpropFilter on WebGPU', () => {
  test('equals the cpu backend within 1e-4 of the gradient scale, and leaves no tensor behind', async () => {
    expect((await selectBackend('cpu', ['cpu'])).backend).toBe('cpu');
    const ref: Float32Array[] = [];
    for (const c of CASES) ref.push(await filterGrad(c));
    expect((await selectBackend('webgpu', ['webgpu'])).backend).toBe('webgpu');
    const before = tf.memory().numTensors;
    for (let i = 0; i < CASES.length; i++) {
      const got = await filterGrad(CASES[i]);
      expect(got.length).toBe(ref[i].length);
      const scale = ref[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(1); // a gradient worth comparing
      const diff = got.reduce((m, v, j) => Math.max(m, Math.abs(v - ref[i][j])), 0);
      expect(diff, `case ${i}`).toBeLessThanOrEqual(1e-4 * scale);
    }
    expect(tf.memory().numTensors).toBe(before);
    // A fixed order of additions: the same call twice gives the same bits.
    const a = await filterGrad(CASES[4]);
    const b = await filterGrad(CASES[4]);
    expect(Array.from(a)).toEqual(Array.from(b));
  }, 120_000);
});
