/**
 * Details of the evaluation attacks: PGD's evaluation mode keeps a flipping iterate, restarts
 * need a random start, inputs outside the box are refused, and the trainer refuses a box its
 * data leave.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TRAIN_DEFAULTS, apgdCe, fgsm, pgd, pgdBatch, predictClasses, runAttack, train, ATTACK_DEFAULTS } from '../../src/core';
import { expectNoTensorLeak, linearTwoClassModel, useWasmBackend } from './helpers';

useWasmBackend();

let model: tf.Sequential;
beforeAll(() => {
  // Class 0 where x0 > 0.
  model = linearTwoClassModel([1, 0], 0);
});
afterAll(() => model.dispose());

test('PGD with keepFooled returns the first iterate that flips the prediction, the plain run its last', async () => {
  await expectNoTensorLeak(async () => {
    // A point at distance 0.05 from the boundary; steps of 0.1 along -x0 flip it at step 1 and
    // keep going to the edge of the ball (eps 0.5).
    const x = tf.tensor2d([[0.05, 0]]);
    const y = tf.tensor1d([0], 'int32');
    const opts = { norm: 'linf' as const, eps: 0.5, steps: 5, stepSize: 0.1, restarts: 1, randomStart: false, seed: 1, box: null };
    const last = pgdBatch(model, x, y, opts);
    const kept = pgdBatch(model, x, y, { ...opts, keepFooled: true });
    const [l, k] = [await last.data(), await kept.data()];
    expect(l[0]).toBeCloseTo(-0.45, 5);
    expect(k[0]).toBeCloseTo(-0.05, 5);
    const p = predictClasses(model, kept);
    expect(Array.from(await p.data())).toEqual([1]);
    tf.dispose([x, y, last, kept, p]);
  });
});

test('restarts without a random start are one run (same result as restarts = 1)', async () => {
  await expectNoTensorLeak(async () => {
    const x = tf.tensor2d([[0.3, 0.2], [-0.2, 0.1]]);
    const y = tf.tensor1d([0, 1], 'int32');
    const base = { norm: 'l2' as const, eps: 0.1, steps: 3, stepSize: 0.05, randomStart: false, seed: 4, box: null };
    const one = pgdBatch(model, x, y, { ...base, restarts: 1 });
    const five = pgdBatch(model, x, y, { ...base, restarts: 5 });
    expect(Array.from(await five.data())).toEqual(Array.from(await one.data()));
    tf.dispose([x, y, one, five]);
  });
});

test('attacks refuse inputs outside the input box with a message', async () => {
  const x = tf.tensor2d([[1.5, 0]]);
  const y = tf.tensor1d([0], 'int32');
  const box: [number, number] = [-1, 1];
  const before = tf.memory().numTensors;
  await expect(pgd(model, x, y, { eps: 0.1, box })).rejects.toThrow(/outside the input box/);
  await expect(fgsm(model, x, y, { eps: 0.1, box })).rejects.toThrow(/outside the input box/);
  await expect(apgdCe(model, x, y, { eps: 0.1, box, steps: 3 })).rejects.toThrow(/outside the input box/);
  await expect(runAttack(model, x, y, { ...ATTACK_DEFAULTS, eps: 0.1, box })).rejects.toThrow(/outside the input box/);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y]);
});

test('inside the box, perturbations stay in the ball and the box', async () => {
  await expectNoTensorLeak(async () => {
    const x = tf.tensor2d([[0.95, 0.5], [0.05, -0.99]]);
    const y = tf.tensor1d([0, 0], 'int32');
    const adv = await pgd(model, x, y, { norm: 'l2', eps: 0.3, steps: 5, randomStart: true, restarts: 2, seed: 2, box: [-1, 1] });
    const a = await adv.data();
    const c = await x.data();
    for (let i = 0; i < 2; i++) {
      const d = Math.hypot(a[2 * i] - c[2 * i], a[2 * i + 1] - c[2 * i + 1]);
      expect(d).toBeLessThanOrEqual(0.3 + 1e-6);
      expect(Math.abs(a[2 * i])).toBeLessThanOrEqual(1);
      expect(Math.abs(a[2 * i + 1])).toBeLessThanOrEqual(1);
    }
    tf.dispose([x, y, adv]);
  });
});

test('training with a box that the data leave is refused before any update', async () => {
  const x = tf.tensor2d([[0.5, 2], [-0.5, 0]]);
  const y = tf.tensor1d([0, 1], 'int32');
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  await expect(train(model, { x, y }, { ...TRAIN_DEFAULTS, method: 'pgd-at', epochs: 1, batchSize: 2, box: [-1, 1] })).rejects.toThrow(/outside the input box/);
  const after = model.getWeights().map((w) => Array.from(w.dataSync()));
  expect(after).toEqual(before);
  tf.dispose([x, y]);
});
