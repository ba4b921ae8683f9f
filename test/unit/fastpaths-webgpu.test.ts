/**
 * The speed paths of the CNN attacks give the same numbers on WebGPU as on WASM (Dawn +
 * SwiftShader in Node, bench/webgpuNode.ts): the input gradient through convolution, max pooling
 * (its gradient is the workbench's own kernel on WASM, src/core/wasmMaxPool.ts) and dense
 * layers, the per-input selection of expandMask, and interval bounds through an MLP (one kernel
 * for the dense layers on WASM, src/core/verify/wasmIntervalChain.ts), within 1e-4. WASM's numbers are computed
 * first, then the same weights and inputs run on WebGPU. Skipped, with the reason, where WebGPU
 * cannot be had.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, test } from 'vitest';
import { crossEntropy, selectBackend } from '../../src/core';
import { inputGradient } from '../../src/core/attacks/common';
import { expandMask } from '../../src/core/wasmSelectRows';
import { createCnn } from '../../src/core/models/cnn';
import { createMlp } from '../../src/core/models/mlp';
import { ibpBounds, inputBox } from '../../src/core/verify/ibp';
import { useNodeWebgpu } from '../../bench/webgpuNode';

const webgpu = await useNodeWebgpu();
if (!webgpu.ok) console.warn(`fastpaths-webgpu.test.ts skipped: ${webgpu.reason}`);

const TOLERANCE = 1e-4;
const SHAPE = [6, 12, 12, 1] as const;

/** The same CNN, inputs and labels on the current backend, from plain arrays. */
function setup(weights: Float32Array[] | null, x: Float32Array) {
  const model = createCnn({ inputShape: [12, 12, 1], numClasses: 3, convLayers: 2, filters: 4, dense: 16, seed: 11 });
  if (weights) {
    const given = weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape));
    model.setWeights(given); // copies them
    tf.dispose(given);
  }
  return { model, x: tf.tensor4d(x, [...SHAPE]), y: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32') };
}

async function compute(weights: Float32Array[] | null, x: Float32Array) {
  const s = setup(weights, x);
  const grad = inputGradient(s.model, s.x, s.y, crossEntropy);
  const mask = tf.tensor1d([true, false, true, true, false, false], 'bool');
  const picked = tf.tidy(() => tf.where(expandMask(mask, s.x), s.x, tf.neg(s.x)));
  const out = {
    weights: (await Promise.all(s.model.getWeights().map((w) => w.data()))) as Float32Array[],
    grad: (await grad.data()) as Float32Array,
    picked: (await picked.data()) as Float32Array,
  };
  tf.dispose([grad, mask, picked, s.x, s.y]);
  s.model.dispose();
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.skipIf(!webgpu.ok)('CNN attack fast paths on WebGPU (Dawn + SwiftShader) against WASM', () => {
  test('input gradient through conv, max pooling and dense layers, and expandMask selections, within 1e-4', async () => {
    const x = Float32Array.from({ length: 6 * 12 * 12 }, (_, i) => Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1);
    expect((await selectBackend('wasm', ['wasm'])).backend).toBe('wasm');
    const ref = await compute(null, x);
    expect(await tf.setBackend('webgpu')).toBe(true);
    const before = tf.memory().numTensors;
    const gpu = await compute(ref.weights, x);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxDiff(gpu.grad, ref.grad)).toBeLessThanOrEqual(TOLERANCE);
    expect(ref.grad.some((v) => Math.abs(v) > 1e-3)).toBe(true); // a gradient worth comparing
    expect(Array.from(gpu.picked)).toEqual(Array.from(ref.picked));
  });

  test('interval bounds of an MLP (its dense layers one kernel on WASM) within 1e-4 of WebGPU\'s layer-by-layer ones', async () => {
    const x = Float32Array.from({ length: 40 * 16 }, (_, i) => Math.abs(Math.sin(i * 78.233) * 43758.5453) % 1);
    const bounds = async (weights: Float32Array[] | null) => {
      const model = createMlp({ inputDim: 16, numClasses: 3, depth: 3, width: 32, seed: 12 });
      if (weights) {
        const given = weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape));
        model.setWeights(given);
        tf.dispose(given);
      }
      const xs = tf.tensor2d(x, [40, 16]);
      const { lower, upper } = inputBox(xs, 0.05, [0, 1]);
      const out = ibpBounds(model, lower, upper);
      const result = { weights: (await Promise.all(model.getWeights().map((w) => w.data()))) as Float32Array[], lower: (await out.lower.data()) as Float32Array, upper: (await out.upper.data()) as Float32Array };
      tf.dispose([xs, lower, upper, out.lower, out.upper]);
      model.dispose();
      return result;
    };
    expect((await selectBackend('wasm', ['wasm'])).backend).toBe('wasm');
    const profiled = await tf.profile(() => bounds(null));
    expect(profiled.kernelNames).toContain('WorkbenchIntervalChain');
    const ref = await bounds(null);
    expect(await tf.setBackend('webgpu')).toBe(true);
    const before = tf.memory().numTensors;
    const gpu = await bounds(ref.weights);
    expect(tf.memory().numTensors).toBe(before);
    const scale = Math.max(...Array.from(ref.upper, Math.abs));
    expect(scale).toBeGreaterThan(0.1);
    expect(maxDiff(gpu.lower, ref.lower)).toBeLessThanOrEqual(TOLERANCE * scale);
    expect(maxDiff(gpu.upper, ref.upper)).toBeLessThanOrEqual(TOLERANCE * scale);
  });
});
