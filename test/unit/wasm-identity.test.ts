/**
 * Clones on WASM share their data (kernels.ts, installWasmIdentitySharing): no new buffer, the
 * values intact after the original is disposed, the buffer freed with the last reference; the
 * tape's saved tensors (clones) leave gradients unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { useWasmBackend } from './helpers';

useWasmBackend();

test('a clone shares its data: no new buffer, values kept after the original goes, the buffer freed with the last', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend();
  const start = { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers, backendIds: backend.numDataIds() };
  const x = tf.tensor2d([[1, -2], [3, 4.5]]);
  const y = tf.clone(x);
  expect(tf.memory().numTensors).toBe(start.tensors + 2);
  expect(tf.memory().numDataBuffers).toBe(start.buffers + 1);
  expect(backend.numDataIds()).toBe(start.backendIds + 1);
  x.dispose();
  expect(Array.from(await y.data())).toEqual([1, -2, 3, 4.5]);
  y.dispose();
  expect(tf.memory().numDataBuffers).toBe(start.buffers);
  expect(backend.numDataIds()).toBe(start.backendIds);
  expect(tf.memory().numTensors).toBe(start.tensors);
});

test('gradients through saved (cloned) activations equal the cpu backend’s', async () => {
  const gradOn = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.tensor2d([[0.5, -1, 2], [1.5, 0.25, -0.75]]);
    const w = tf.tensor2d([[1, -1], [0.5, 2], [-1.5, 0.25]]);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(xx as tf.Tensor2D, w)))))(x);
    const out = Array.from(await g.data());
    tf.dispose([x, w, g]);
    return out;
  };
  const cpu = await gradOn('cpu');
  const wasm = await gradOn('wasm');
  wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 5));
});
