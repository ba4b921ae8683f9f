/**
 * Adam with its update fused into one WASM kernel (training/adam.ts, wasmAdamStep.ts) against
 * tfjs's own AdamOptimizer, bit for bit over several steps: the weights and both moments, on
 * variables whose sizes leave a tail of 1–3 floats after the SIMD loop's groups of four, with
 * gradients spanning many magnitudes (and zero); the optimizer's state round-trips through
 * getWeights/setWeights as tfjs's does; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { WorkbenchAdam } from '../../src/core/training/adam';
import { heapSimd } from '../../src/core/heapSimd';
import { adamStep } from '../../src/core/wasmAdamStep';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const SHAPES = [[3, 3, 1, 16], [16], [7], [5, 3], [1], [1568, 64]];

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

/** Gradients for step k (seeds from 1: tfjs ignores a seed of 0): normal draws scaled over ten decades, with some exact zeros. */
const gradients = (k: number) =>
  SHAPES.map((s, i) =>
    tf.tidy(() => {
      const g = tf.randomNormal(s, 0, 1, 'float32', 100 * k + i + 1);
      const scale = tf.pow(10, tf.randomUniform(s, -6, 4, 'float32', 7 * k + i + 1).floor());
      return tf.mul(tf.mul(g, scale), tf.cast(tf.greater(tf.randomUniform(s, 0, 1, 'float32', 3 * k + i + 1), 0.1), 'float32'));
    }),
  );

function variables(tag: string) {
  return SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.5, 'float32', i + 1), true, `${tag}${i}`));
}

/** Runs `steps` steps of each optimizer on its own copy of the same variables. */
function runBoth(steps: number, lr: number) {
  const fused = new WorkbenchAdam(lr, 0.9, 0.999);
  const plain = tf.train.adam(lr);
  const a = variables(`fused${lr}-`);
  const b = variables(`plain${lr}-`);
  for (let k = 0; k < steps; k++) {
    const gs = gradients(k);
    fused.applyGradients(a.map((v, i) => ({ name: v.name, tensor: gs[i] })));
    plain.applyGradients(Object.fromEntries(b.map((v, i) => [v.name, gs[i]])) as unknown as Record<string, tf.Variable>);
    tf.dispose(gs);
  }
  return { fused, plain, a, b };
}

test('the SIMD loop is there on this backend (else the test compares the JavaScript tail alone)', () => {
  expect(heapSimd(tf.backend())).not.toBeNull();
});

test.each([1e-3, 0.37])('six steps equal tfjs AdamOptimizer bit for bit (lr %f): weights and both moments', async (lr) => {
  {
    const { fused, plain, a, b } = runBoth(6, lr);
    a.forEach((v, i) => expect(bits(v)).toEqual(bits(b[i])));
    // Moments: tfjs's getWeights order (iterations, then every m, then every v).
    const [wf, wp] = [await fused.getWeights(), await plain.getWeights()];
    expect(wf.map((w) => w.name)).toEqual(wp.map((w) => w.name.replace('plain', 'fused')));
    wf.forEach((w, i) => expect(bits(w.tensor)).toEqual(bits(wp[i].tensor)));
    // The update moved the weights (the comparison is not of two untouched copies).
    const start = tf.randomNormal(SHAPES[4], 0, 0.5, 'float32', 5);
    expect(bits(a[4])).not.toEqual(bits(start));
    tf.dispose([start, ...a, ...b, ...wf, ...wp].map((t) => ('tensor' in t ? t.tensor : t)));
    fused.dispose();
    plain.dispose();
  }
});

test('a step leaves the tensor count where it found it (once the moments exist)', async () => {
  const { fused, plain, a, b } = runBoth(1, 1e-3);
  const gs = gradients(3);
  await expectNoTensorLeak(() => fused.applyGradients(a.map((v, i) => ({ name: v.name, tensor: gs[i] }))));
  tf.dispose([...gs, ...a, ...b]);
  fused.dispose();
  plain.dispose();
});

test('its state restores through setWeights and the next step equals tfjs Adam restored the same way', async () => {
  // (setWeights recomputes βᵗ as a power, not the running product: both sides restore alike.)
  const { fused, plain, a, b } = runBoth(2, 1e-2);
  const saved = [await fused.getWeights(), await plain.getWeights()];
  const resumed = [new WorkbenchAdam(1e-2, 0.9, 0.999), tf.train.adam(1e-2)];
  await resumed[0].setWeights(saved[0]);
  await resumed[1].setWeights(saved[1]);
  expect(resumed[0].getClassName()).toBe('Adam');
  const gs = gradients(9);
  resumed[0].applyGradients(a.map((v, i) => ({ name: v.name, tensor: gs[i] })));
  resumed[1].applyGradients(b.map((v, i) => ({ name: v.name, tensor: gs[i] })));
  a.forEach((v, i) => expect(bits(v)).toEqual(bits(b[i])));
  tf.dispose([...gs, ...a, ...b, saved[0][0].tensor, saved[1][0].tensor]);
  [fused, plain, ...resumed].forEach((o) => o.dispose());
});

test('a gradient of the wrong shape is refused by name before any variable moves', async () => {
  const first = tf.variable(tf.ones([3]), true, 'shapeCheckFirst');
  const v = tf.variable(tf.ones([4]), true, 'shapeCheck');
  const opt = new WorkbenchAdam(1e-3, 0.9, 0.999);
  const good = tf.ones([3]);
  const bad = tf.ones([5]);
  expect(() => opt.applyGradients([{ name: first.name, tensor: good }, { name: v.name, tensor: bad }])).toThrow(/Adam: the gradient of "shapeCheck" has shape \[5\] but the variable has \[4\]/);
  // The first variable, listed before the bad gradient, did not move either; nor did the step count.
  expect(Array.from(first.dataSync())).toEqual([1, 1, 1]);
  expect(Array.from(v.dataSync())).toEqual([1, 1, 1, 1]);
  expect(opt.iterations).toBe(0);
  // The kernel's own check, for callers of adamStep.
  expect(() => adamStep(bad, v, v, v, tf.scalar(0.1), tf.scalar(0.001), { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 })).toThrow(/adamStep: g, m and v must have the weights' shape \[4\]; got \[5\]/);
  tf.dispose([first, v, good, bad]);
  opt.dispose();
});
