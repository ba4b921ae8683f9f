/**
 * IBP training with abstain classes (paper 004, Eq. 15, Theorem 3; Gowal et al.'s schedule):
 * the schedule, the losses' values on a hand-made case, and training that raises verified
 * accuracy above standard training on three Gaussian blobs.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IBP_DEFAULTS, METHODS, Rng, TRAIN_DEFAULTS, abstainCrossEntropy, createCnn, createMlp, defaultExperiment, defaultImageExperiment, validateExperiment, validateImageExperiment, ibpSchedule, train, verifyAbstain } from '../../src/core';
import type { TrainConfig } from '../../src/core/training/config';
import { expectNoTensorLeak, fixedDenseModel, threeBlobs, useWasmBackend } from './helpers';

useWasmBackend();

describe('the schedule (Gowal et al.; paper 004 Section 5.1)', () => {
  test('warm-up, linear ramp, then constant', () => {
    const c = { ...IBP_DEFAULTS, warmup: 0.2, ramp: 0.4, kappaEnd: 0.5, lambdaEnd: 2 };
    expect(ibpSchedule(c, 0, 100)).toEqual({ epsScale: 0, kappa: 1, lambda: 0 });
    expect(ibpSchedule(c, 19, 100)).toEqual({ epsScale: 0, kappa: 1, lambda: 0 });
    const mid = ibpSchedule(c, 39, 100);
    expect(mid.epsScale).toBeCloseTo(0.5, 10);
    expect(mid.kappa).toBeCloseTo(0.75, 10);
    expect(mid.lambda).toBeCloseTo(1, 10);
    expect(ibpSchedule(c, 59, 100)).toEqual({ epsScale: 1, kappa: 0.5, lambda: 2 });
    expect(ibpSchedule(c, 99, 100)).toEqual({ epsScale: 1, kappa: 0.5, lambda: 2 });
  });
});

describe('the losses', () => {
  test("Theorem 3's bound log(1 + sum_t exp(−J_t)) on hand values", () => {
    const j = tf.tensor2d([[0, 0], [2, -1]]);
    const v = abstainCrossEntropy(j).dataSync();
    expect(v[0]).toBeCloseTo(Math.log(3), 6);
    expect(v[1]).toBeCloseTo(Math.log(1 + Math.exp(-2) + Math.exp(1)), 6);
    j.dispose();
  });

  test('at eps = 0 (warm-up) the loss is the clean cross-entropy over all K + M outputs; with eps the robust terms add up; no leaks', async () => {
    // 1-D input, K = 2 + M = 1: z = [x, −x, 0.5 − |x|] through a ReLU layer.
    const model = fixedDenseModel([
      { kernel: [[1, -1]], bias: [0, 0], activation: 'relu' },
      { kernel: [[1, -1, -1], [-1, 1, -1]], bias: [0, 0, 0.5] },
    ]);
    const x = tf.tensor2d([[1], [-0.5]]);
    const y = tf.tensor1d([0, 1], 'int32');
    const base = { attack: { norm: 'linf' as const, eps: 0.2, steps: 1, stepSize: 0 }, box: null, tradesBeta: 6, eraBeta: 1 };
    const ibp = { ...IBP_DEFAULTS, abstainClasses: 1, warmup: 0.5, ramp: 0, kappaEnd: 0.5, lambdaEnd: 1, regulariserMu: 0 };
    const ce = (z: number[], t: number) => Math.log(z.reduce((a, v) => a + Math.exp(v), 0)) - z[t];
    await expectNoTensorLeak(async () => {
      const warm = { ...base, ibp, progress: { step: 0, totalSteps: 10 } };
      const p0 = await METHODS.ibp.prepare(model, x, y, warm, 1);
      expect(Object.keys(p0)).toEqual([]);
      const l0 = METHODS.ibp.loss(model, x, y, p0, warm);
      expect(l0.dataSync()[0]).toBeCloseTo((ce([1, -1, -0.5], 0) + ce([-0.5, 0.5, 0], 1)) / 2, 5);
      l0.dispose();
      const late = { ...base, ibp, progress: { step: 9, totalSteps: 10 } };
      const p1 = await METHODS.ibp.prepare(model, x, y, late, 1);
      expect(p1.lambda.shape).toEqual([2, 1, 2]);
      const l1 = METHODS.ibp.loss(model, x, y, p1, late);
      // Input 0 (x in [0.8, 1.2]): h in [0.8,1.2]×[0,0]; J(e_y) = min(z0 − z1) = 1.6; abstain can't do better.
      // Input 1 (x in [−0.7, −0.3]): J(e_y) = min(z1 − z0) = 0.6.
      const nat = (ce([1, -1, -0.5], 0) + ce([-0.5, 0.5, 0], 1)) / 2;
      const rob = (Math.log(1 + Math.exp(-1.6)) + Math.log(1 + Math.exp(-0.6))) / 2;
      expect(l1.dataSync()[0]).toBeCloseTo(0.5 * nat + 0.5 * rob + rob, 4);
      tf.dispose([l1, ...Object.values(p1)]);
    });
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('training', () => {
  const data = threeBlobs(300, 3);
  let x: tf.Tensor2D;
  let y: tf.Tensor1D;
  let xTest: tf.Tensor2D;
  beforeAll(() => {
    x = tf.tensor2d(data.xTrain, [data.yTrain.length, 2]);
    y = tf.tensor1d(data.yTrain, 'int32');
    xTest = tf.tensor2d(data.xTest, [data.yTest.length, 2]);
  });
  afterAll(() => tf.dispose([x, y, xTest]));
  const eps = 0.3;
  const config = (over: Partial<TrainConfig>): TrainConfig => ({ ...TRAIN_DEFAULTS, epochs: 12, batchSize: 20, optimizer: 'adam', learningRate: 0.01, seed: 3, attack: { norm: 'linf', eps, steps: 1, stepSize: 0 }, ...over });

  async function trainAndVerify(method: 'standard' | 'ibp', M: number, mu = 0) {
    const model = createMlp({ inputDim: 2, numClasses: 3 + M, depth: 2, width: 32, seed: 3 });
    const result = await train(model, { x, y }, config({ method, ibp: { ...IBP_DEFAULTS, abstainClasses: M, regulariserMu: mu, iterations: 10 } }));
    expect(result.status).toBe('completed');
    const v = await verifyAbstain(model, xTest, data.yTest, eps, { numClasses: 3 });
    model.dispose();
    return v;
  }

  test('IBP training (M = 0) verifies far more test points than standard training', async () => {
    const standard = await trainAndVerify('standard', 0);
    const ibp = await trainAndVerify('ibp', 0);
    expect(standard.standardError).toBeLessThan(0.1);
    expect(ibp.standardError).toBeLessThan(0.15);
    expect(ibp.verifiedError).toBeLessThan(standard.verifiedError - 0.15);
  }, 60000);

  test('IBP training with M = 2 abstain classes and the regulariser trains, verifies, and leaks nothing', async () => {
    const v = await expectNoTensorLeak(() => trainAndVerify('ibp', 2, 1));
    expect(v.abstainClasses).toBe(2);
    expect(v.standardError).toBeLessThan(0.2);
    expect(v.verifiedError).toBeLessThan(0.6);
  }, 60000);

  test('a small CNN with Normalize, conv and pooling trains with IBP (M = 1) in [0, 1] images and verifies', async () => {
    const rng = new Rng(4);
    const n = 64;
    const images = Float32Array.from({ length: n * 64 }, () => rng.uniform());
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    // Class 1 is brighter: a learnable signal.
    for (let i = 0; i < n; i++) if (labels[i] === 1) for (let k = 0; k < 64; k++) images[i * 64 + k] = Math.min(1, images[i * 64 + k] + 0.4);
    const xi = tf.tensor4d(images, [n, 8, 8, 1]);
    const yi = tf.tensor1d(labels, 'int32');
    const model = createCnn({ inputShape: [8, 8, 1], numClasses: 3, convLayers: 2, filters: 4, dense: 16, normalize: { mean: [0.5], std: [0.3] }, seed: 2 });
    await expectNoTensorLeak(async () => {
      const r = await train(model, { x: xi, y: yi }, config({ method: 'ibp', epochs: 10, batchSize: 16, box: [0, 1], attack: { norm: 'linf', eps: 0.02, steps: 1, stepSize: 0 }, ibp: { ...IBP_DEFAULTS, abstainClasses: 1, warmup: 0, ramp: 0.5, lambdaEnd: 1 } }));
      expect(r.status).toBe('completed');
      expect(r.history.every((h) => Number.isFinite(h.objective))).toBe(true);
      const v = await verifyAbstain(model, xi, labels, 0.01, { numClasses: 2, box: [0, 1] });
      expect(v.abstainClasses).toBe(1);
      expect(v.standardError, `abstain on clean ${v.abstainClean}`).toBeLessThan(0.5);
      expect(v.verifiedError).toBeGreaterThanOrEqual(v.standardError);
      await expect(verifyAbstain(model, xi, labels, 0.01, { numClasses: 2, bound: 'crown' })).rejects.toThrow(/CROWN/);
    });
    tf.dispose([xi, yi]);
    model.dispose();
  }, 60000);
});

describe('settings', () => {
  test('warm-up + ramp above 1 is refused in 2-D and image configs; M out of range too', () => {
    const bad = (over: Record<string, number>) => {
      const c = defaultExperiment();
      c.training.ibp = { ...c.training.ibp, ...over };
      return validateExperiment(c);
    };
    expect(bad({ warmup: 0.6, ramp: 0.5 })['training.ibp.ramp']).toMatch(/at most 1/);
    expect(bad({ warmup: 0.5, ramp: 0.5 })).toEqual({});
    expect(bad({ abstainClasses: -1 })['training.ibp.abstainClasses']).toBeDefined();
    const img = defaultImageExperiment();
    img.training.ibp = { ...img.training.ibp, warmup: 0.9, ramp: 0.2 };
    expect(validateImageExperiment(img)['training.ibp.ramp']).toMatch(/at most 1/);
  });
});
