/**
 * Shared pieces of the unit tests: the WASM backend, hand-built models whose answers are known
 * in closed form, and a tensor-leak check.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, expect } from 'vitest';
import { Rng, selectBackend } from '../../src/core';

/** Activates tfjs 'wasm' (with the core's matmul fast path) before the file's tests. */
export function useWasmBackend(): void {
  beforeAll(async () => {
    const choice = await selectBackend('wasm', ['wasm', 'cpu']);
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
}

/**
 * A 2-class linear model with logits [w·x + b, −(w·x + b)]: class 0 where w·x + b > 0. The
 * l_inf distance of x to its decision boundary is |w·x + b| / ||w||_1, the l_2 distance
 * |w·x + b| / ||w||_2.
 */
export function linearTwoClassModel(w: [number, number], b = 0): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [2], useBias: true }));
  const kernel = tf.tensor2d([
    [w[0], -w[0]],
    [w[1], -w[1]],
  ]);
  const bias = tf.tensor1d([b, -b]);
  model.setWeights([kernel, bias]);
  kernel.dispose();
  bias.dispose();
  return model;
}

/** A dense network with given weights (kernels [in, out], as tfjs stores them). */
export function fixedDenseModel(layers: Array<{ kernel: number[][]; bias: number[]; activation?: 'relu' | 'linear' }>): tf.Sequential {
  const model = tf.sequential();
  layers.forEach((l, i) => {
    model.add(
      tf.layers.dense({
        units: l.bias.length,
        activation: l.activation ?? 'linear',
        ...(i === 0 ? { inputShape: [l.kernel.length] } : {}),
      }),
    );
  });
  const ws = layers.flatMap((l) => [tf.tensor2d(l.kernel), tf.tensor1d(l.bias)]);
  model.setWeights(ws);
  tf.dispose(ws);
  return model;
}

/** The model's weights as plain arrays (copies). */
export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

export function expectSameWeights(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer)), `weight ${i} differs`).toBe(true));
}

export function weightsDiffer(a: Float32Array[], b: Float32Array[]): boolean {
  return a.some((w, i) => w.some((v, j) => v !== b[i][j]));
}

/** Runs a job and checks that the number of live tensors is back where it was. */
export async function expectNoTensorLeak<T>(job: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await job();
  expect(tf.memory().numTensors, 'live tensors after the job').toBe(before);
  return out;
}

/** Rows of an n x d float array. */
export function rows(flat: ArrayLike<number>, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += d) out.push(Array.from({ length: d }, (_, k) => flat[i + k]));
  return out;
}

/** Per-example cross-entropy computed in float64 JavaScript from logits. */
export function crossEntropyJs(z: number[], y: number): number {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - z[y];
}

/**
 * Three balanced, well-separated Gaussian blobs (means on a circle of radius 1.5 at 90°, 210°
 * and 330°, std 0.45): a small 3-class training set on which a tiny MLP learns quickly. Split
 * 80/20 into train and test.
 */
export function threeBlobs(size: number, seed: number): { xTrain: Float32Array; yTrain: Int32Array; xTest: Float32Array; yTest: Int32Array } {
  const rng = new Rng(seed);
  const xs = new Float32Array(size * 2);
  const ys = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const c = i % 3;
    const a = ((90 + 120 * c) * Math.PI) / 180;
    xs[2 * i] = 1.5 * Math.cos(a) + 0.45 * rng.normal();
    xs[2 * i + 1] = 1.5 * Math.sin(a) + 0.45 * rng.normal();
    ys[i] = c;
  }
  const nTest = Math.round(size * 0.2);
  return { xTrain: xs.slice(2 * nTest), yTrain: ys.slice(nTest), xTest: xs.slice(0, 2 * nTest), yTest: ys.slice(0, nTest) };
}

/**
 * An abort signal that fires after `ms` milliseconds; `sinceAbort()` is the time since it fired
 * (Infinity before), for checking how soon a job stopped.
 */
export function abortLater(ms: number): { signal: AbortSignal; sinceAbort: () => number } {
  const controller = new AbortController();
  let at = 0;
  setTimeout(() => {
    at = performance.now();
    controller.abort();
  }, ms);
  return { signal: controller.signal, sinceAbort: () => (at ? performance.now() - at : Infinity) };
}

/** The bits of a float32 tensor's values, so that NaN equals NaN and −0 differs from 0. */
export const float32Bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

/** Every ordered pair of `values` as two lists: the k-th pair is (first[k], second[k]). */
export function allPairs(values: readonly number[]): [number[], number[]] {
  return [values.flatMap((u) => values.map(() => u)), values.flatMap(() => values)];
}

/** Gaussian float32 values of `shape` with specials spread through them: ±0, ±∞ and NaNs with payloads (for bit-for-bit kernel checks). */
export function withSpecialValues(shape: number[], seed: number): tf.Tensor {
  const v = tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array;
  const u = new Uint32Array(v.buffer);
  const special = [0, -0, Infinity, -Infinity];
  for (let i = 0; i < v.length; i += 7) v[i] = special[(i / 7) % special.length];
  for (let i = 3; i < v.length; i += 11) u[i] = 0x7fc00000 | (i & 0x3fffff);
  return tf.tensor(v, shape);
}
