/**
 * The training losses against independent float64 values from PyTorch
 * (scripts/make-fixtures.py → test/fixtures/losses.json): cross-entropy, KL, TRADES, PGD-AT,
 * standard and the ERA loss of paper 001 (Eq. 5), values and weight gradients, on a small
 * network with fixed weights and fixed x, x_adv, x''.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LossParams, METHODS, bestOtherClass, crossEntropy, klFromProbs, klLogits, tradesLossPerExample } from '../../src/core';
import { expectNoTensorLeak, fixedDenseModel, useWasmBackend } from './helpers';

useWasmBackend();

interface Fixture {
  model: { layers: Array<{ kernel: number[][]; bias: number[]; activation: 'relu' | 'linear' }> };
  x: number[][];
  xAdv: number[][];
  xNonRobust: number[][];
  y: number[];
  predicted: number[];
  target: number[];
  tradesBeta: number;
  eraBeta: number;
  logits: Record<'x' | 'xAdv' | 'xNonRobust', number[][]>;
  perExample: Record<'crossEntropy' | 'crossEntropyAdv' | 'kl' | 'trades' | 'eraQualifier' | 'eraTargetCrossEntropy', number[]>;
  losses: Record<'standard' | 'pgdAt' | 'trades' | 'era', number>;
  gradients: Record<'standard' | 'pgdAt' | 'trades' | 'era', Array<number[] | number[][]>>;
  raw: { z: number[][]; zAdv: number[][]; labels: number[]; crossEntropy: number[]; kl: number[]; bestOtherClass: number[] };
}

const F: Fixture = JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8'));

/** |a − b| ≤ atol + rtol·|b| elementwise (float32 against float64). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 2e-5, atol = 2e-6): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    expect(ok, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`).toBe(true);
  }
}

const params = (): LossParams => ({
  attack: { norm: 'linf', eps: 0.2, steps: 10, stepSize: 0 },
  box: null,
  tradesBeta: F.tradesBeta,
  eraBeta: F.eraBeta,
});

let model: tf.Sequential;
let x: tf.Tensor2D;
let y: tf.Tensor1D;
let prepared: Record<string, tf.Tensor>;

beforeAll(() => {
  model = fixedDenseModel(F.model.layers);
  x = tf.tensor2d(F.x);
  y = tf.tensor1d(F.y, 'int32');
  prepared = {
    xAdv: tf.tensor2d(F.xAdv),
    xNonRobust: tf.tensor2d(F.xNonRobust),
    target: tf.tensor1d(F.target, 'int32'),
  };
});
afterAll(() => {
  tf.dispose([x, y, ...Object.values(prepared)]);
  model.dispose();
});

describe('the fixture model', () => {
  test('reproduces the reference logits', () => {
    for (const key of ['x', 'xAdv', 'xNonRobust'] as const) {
      const input = key === 'x' ? x : prepared[key];
      const z = tf.tidy(() => model.apply(input) as tf.Tensor);
      expectClose(z.dataSync(), F.logits[key].flat(), `logits(${key})`);
      z.dispose();
    }
  });
});

describe('loss functions on hand logits', () => {
  test('crossEntropy matches logsumexp(z) − z_y, also for logits of ±1000', async () => {
    await expectNoTensorLeak(() => {
      const ce = tf.tidy(() => crossEntropy(tf.tensor2d(F.raw.z), tf.tensor1d(F.raw.labels, 'int32')));
      expectClose(ce.dataSync(), F.raw.crossEntropy, 'crossEntropy');
      // Float labels (as the trainer's gathers produce) work too.
      const ce2 = tf.tidy(() => crossEntropy(tf.tensor2d(F.raw.z), tf.tensor1d(F.raw.labels, 'float32')));
      expectClose(ce2.dataSync(), F.raw.crossEntropy, 'crossEntropy (float labels)');
      tf.dispose([ce, ce2]);
    });
  });

  test('klLogits and klFromProbs match KL(softmax(z) || softmax(z_adv))', async () => {
    await expectNoTensorLeak(() => {
      const k = tf.tidy(() => klLogits(tf.tensor2d(F.raw.z), tf.tensor2d(F.raw.zAdv)));
      expectClose(k.dataSync(), F.raw.kl, 'klLogits', 2e-5, 1e-6);
      const k2 = tf.tidy(() => klFromProbs(tf.softmax(tf.tensor2d(F.raw.z)) as tf.Tensor2D, tf.tensor2d(F.raw.zAdv)));
      expectClose(k2.dataSync(), F.raw.kl, 'klFromProbs', 2e-5, 1e-5);
      // KL of a distribution to itself is 0 and KL is never negative.
      const self = tf.tidy(() => klLogits(tf.tensor2d(F.raw.z), tf.tensor2d(F.raw.z)));
      expect(Math.max(...self.dataSync().map(Math.abs))).toBeLessThan(1e-6);
      expect(Math.min(...k.dataSync())).toBeGreaterThanOrEqual(0);
      tf.dispose([k, k2, self]);
    });
  });

  test('bestOtherClass is the argmax over the other classes', () => {
    const b = tf.tidy(() => bestOtherClass(tf.tensor2d(F.raw.z), tf.tensor1d(F.raw.labels, 'int32')));
    expect(Array.from(b.dataSync())).toEqual(F.raw.bestOtherClass);
    b.dispose();
    // And on the fixture: the target of x'' excluding F(x).
    const t = tf.tidy(() => bestOtherClass(tf.tensor2d(F.logits.xNonRobust), tf.tensor1d(F.predicted, 'int32')));
    expect(Array.from(t.dataSync())).toEqual(F.target);
    t.dispose();
  });
});

describe('losses on the fixture model', () => {
  test('per-example cross-entropy and TRADES loss', async () => {
    await expectNoTensorLeak(() => {
      const ce = tf.tidy(() => crossEntropy(model.apply(x) as tf.Tensor2D, y));
      expectClose(ce.dataSync(), F.perExample.crossEntropy, 'CE(f(x), y)');
      const trades = tradesLossPerExample(model, x, y, prepared.xAdv, F.tradesBeta);
      expectClose(trades.dataSync(), F.perExample.trades, 'TRADES per example');
      // beta = 0 leaves the cross-entropy.
      const trades0 = tradesLossPerExample(model, x, y, prepared.xAdv, 0);
      expectClose(trades0.dataSync(), F.perExample.crossEntropy, 'TRADES with beta 0');
      tf.dispose([ce, trades, trades0]);
    });
  });

  const cases = [
    ['standard', 'standard'],
    ['pgd-at', 'pgdAt'],
    ['trades', 'trades'],
    ['era', 'era'],
  ] as const;

  for (const [method, key] of cases) {
    test(`${method}: loss value and weight gradients match PyTorch`, async () => {
      await expectNoTensorLeak(() => {
        const loss = METHODS[method].loss(model, x, y, prepared, params());
        expect(loss.rank).toBe(0);
        expectClose(loss.dataSync(), [F.losses[key]], `${method} loss`);
        loss.dispose();
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => METHODS[method].loss(model, x, y, prepared, params()), vars);
        expectClose(value.dataSync(), [F.losses[key]], `${method} loss (under variableGrads)`);
        vars.forEach((v, i) => expectClose(grads[v.name].dataSync(), F.gradients[key][i].flat(), `${method} d/d${model.trainableWeights[i].name}`, 5e-5, 5e-6));
        tf.dispose([value, ...Object.values(grads)]);
      });
    });
  }

  test('ERA is beta_ERA·TRADES + (1 − softmax(f(x))_y)·CE(f(x″), target), term by term', () => {
    // The reference's own decomposition agrees with its total (guards the fixture itself).
    const n = F.y.length;
    const recomposed =
      F.perExample.trades.reduce((s, t, i) => s + F.eraBeta * t + F.perExample.eraQualifier[i] * F.perExample.eraTargetCrossEntropy[i], 0) / n;
    expect(recomposed).toBeCloseTo(F.losses.era, 12);
    // Removing the second term (all qualifiers zero would need y = F(x) with probability 1) is
    // not possible with a model, so check the weight: eraBeta scales only the TRADES term.
    const p2 = { ...params(), eraBeta: 2 * F.eraBeta };
    const l1 = METHODS.era.loss(model, x, y, prepared, params());
    const l2 = METHODS.era.loss(model, x, y, prepared, p2);
    const tradesMean = F.perExample.trades.reduce((s, v) => s + v, 0) / n;
    expect(l2.dataSync()[0] - l1.dataSync()[0]).toBeCloseTo(F.eraBeta * tradesMean, 4);
    tf.dispose([l1, l2]);
  });

  test('ERA uses the given x″ and target (not x_adv, not y)', () => {
    const base = METHODS.era.loss(model, x, y, prepared, params());
    const otherTarget = tf.tensor1d(F.target.map((t, i) => (t + 1) % 3 === F.predicted[i] ? (t + 2) % 3 : (t + 1) % 3), 'int32');
    const moved = METHODS.era.loss(model, x, y, { ...prepared, target: otherTarget }, params());
    const shifted = tf.add(prepared.xNonRobust, 0.3);
    const moved2 = METHODS.era.loss(model, x, y, { ...prepared, xNonRobust: shifted }, params());
    expect(Math.abs(moved.dataSync()[0] - base.dataSync()[0])).toBeGreaterThan(1e-3);
    expect(Math.abs(moved2.dataSync()[0] - base.dataSync()[0])).toBeGreaterThan(1e-3);
    tf.dispose([base, otherTarget, moved, shifted, moved2]);
  });

  test('PGD-AT ignores clean x; standard ignores x_adv', () => {
    const a = METHODS['pgd-at'].loss(model, tf.zerosLike(x), y, prepared, params());
    expectClose(a.dataSync(), [F.losses.pgdAt], 'pgd-at with x zeroed');
    const s = METHODS.standard.loss(model, x, y, { xAdv: tf.zerosLike(x) }, params());
    expectClose(s.dataSync(), [F.losses.standard], 'standard with x_adv zeroed');
    tf.dispose([a, s]);
  });
});
