/**
 * The four-way split of paper 001 (robust/non-robust × accurate/inaccurate) on a hand-built
 * linear model whose answer is known: logits [x0, −x0], boundary x0 = 0, class 0 where x0 > 0.
 * Both the l_inf and the l_2 distance of a point to the boundary are |x0|, so at eps a point is
 * robust iff |x0| > eps (no attack can flip it), and any reasonable attack must flip the points
 * at |x0| ≤ eps/2.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type AttackConfig,
  ATTACK_DEFAULTS,
  SPLIT_CATEGORIES,
  defaultExperiment,
  robustnessSplit,
  splitFromPredictions,
  splitPoints,
} from '../../src/core';
import { expectNoTensorLeak, linearTwoClassModel, useWasmBackend } from './helpers';

useWasmBackend();

const EPS = 0.2;
// [x0, x1, label, expected category (0 RA, 1 RI, 2 NRA, 3 NRI)]
const CASES: Array<[number, number, number, number]> = [
  [0.42, 0.1, 0, 0], // class 0, 2.1·eps from the boundary, labelled 0
  [1.0, -0.7, 0, 0],
  [-0.5, 0.3, 1, 0], // class 1, far, labelled 1
  [0.3, -0.3, 1, 1], // class 0, 1.5·eps away, labelled 1: robust but wrong
  [-0.45, 0.2, 0, 1],
  [0.1, 0.0, 0, 2], // 0.5·eps from the boundary: flippable, accurate
  [-0.1, 0.5, 1, 2],
  [0.05, -0.2, 0, 2], // 0.25·eps
  [-0.1, 0.2, 0, 3], // class 1 at 0.5·eps, labelled 0: wrong and flippable
  [0.1, 0.9, 1, 3],
];
const expectedCategories = CASES.map((c) => c[3]);
const count = (k: number) => expectedCategories.filter((c) => c === k).length;
const n = CASES.length;

let model: tf.Sequential;
let x: tf.Tensor2D;
beforeAll(() => {
  model = linearTwoClassModel([1, 0], 0);
  x = tf.tensor2d(CASES.map((c) => [c[0], c[1]]));
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

const ATTACKS: Record<string, AttackConfig> = {
  'pgd linf': { ...ATTACK_DEFAULTS, kind: 'pgd', norm: 'linf', eps: EPS, steps: 10, seed: 1 },
  'apgd-ce linf': { ...ATTACK_DEFAULTS, kind: 'apgd-ce', norm: 'linf', eps: EPS, steps: 40, seed: 1 },
  'pgd l2': { ...ATTACK_DEFAULTS, kind: 'pgd', norm: 'l2', eps: EPS, steps: 10, seed: 1 },
  'apgd-ce l2': { ...ATTACK_DEFAULTS, kind: 'apgd-ce', norm: 'l2', eps: EPS, steps: 40, seed: 1 },
  'fgsm linf': { ...ATTACK_DEFAULTS, kind: 'fgsm', norm: 'linf', eps: EPS, seed: 1 },
  'pgd linf, chunks of 3, 2 restarts': { ...ATTACK_DEFAULTS, kind: 'pgd', norm: 'linf', eps: EPS, steps: 10, restarts: 2, seed: 1 },
};

describe.each(Object.keys(ATTACKS))('robustnessSplit with %s', (name) => {
  test('categories per point and the four fractions are exact', async () => {
    const attack = ATTACKS[name];
    const labels = CASES.map((c) => c[2]);
    const split = await expectNoTensorLeak(() =>
      robustnessSplit(model, x, labels, attack, name.includes('chunks') ? { batchSize: 3 } : {}),
    );
    expect(Array.from(split.categories)).toEqual(expectedCategories);
    expect(split.n).toBe(n);
    expect(Array.from(split.predictions)).toEqual(CASES.map((c) => (c[0] > 0 ? 0 : 1)));
    expect(split.counts).toEqual({ robustAccurate: count(0), robustInaccurate: count(1), nonRobustAccurate: count(2), nonRobustInaccurate: count(3) });
    expect(split.fractions.robustAccurate).toBe(3 / 10);
    expect(split.fractions.robustInaccurate).toBe(2 / 10);
    expect(split.fractions.nonRobustAccurate).toBe(3 / 10);
    expect(split.fractions.nonRobustInaccurate).toBe(2 / 10);
    expect(split.robustAccuracy).toBe(0.3);
    expect(split.robustInaccuracy).toBe(0.2);
    expect(split.naturalAccuracy).toBeCloseTo(0.6, 12);
    expect(split.robustness).toBeCloseTo(0.5, 12);
    // The adversarial points are within eps and flip exactly the non-robust points.
    expect(split.adversarial.length).toBe(2 * n);
    CASES.forEach((c, i) => {
      const d0 = split.adversarial[2 * i] - c[0];
      const d1 = split.adversarial[2 * i + 1] - c[1];
      const dist = attack.norm === 'linf' ? Math.max(Math.abs(d0), Math.abs(d1)) : Math.hypot(d0, d1);
      expect(dist).toBeLessThanOrEqual(EPS + 1e-5);
      expect(split.adversarialPredictions[i] !== split.predictions[i]).toBe(expectedCategories[i] >= 2);
    });
  });

  test('labels as a tensor give the same split', async () => {
    const y = tf.tensor1d(CASES.map((c) => c[2]), 'int32');
    const split = await robustnessSplit(model, x, y, ATTACKS[name]);
    expect(Array.from(split.categories)).toEqual(expectedCategories);
    y.dispose();
  });
});

test('at eps = 0.35 the points at |x0| = 0.3 become non-robust too', async () => {
  const labels = CASES.map((c) => c[2]);
  const split = await robustnessSplit(model, x, labels, { ...ATTACKS['apgd-ce linf'], eps: 0.35 });
  // (0.3, −0.3) labelled 1 turns non-robust & inaccurate; (0.42, 0.1) and (−0.45, 0.2) stay robust.
  expect(Array.from(split.categories)).toEqual([0, 0, 0, 3, 1, 2, 2, 2, 3, 3]);
});

test('splitPoints (runner) uses the config attack and scales eps', async () => {
  const config = defaultExperiment();
  config.evaluation.attack = { ...config.evaluation.attack, kind: 'apgd-ce', norm: 'linf', eps: EPS, steps: 20 };
  const points = Float32Array.from(CASES.flatMap((c) => [c[0], c[1]]));
  const labels = Int32Array.from(CASES.map((c) => c[2]));
  const atEps = await expectNoTensorLeak(() => splitPoints(model, points, labels, config));
  expect(Array.from(atEps.categories)).toEqual(expectedCategories);
  // At 2·eps = 0.4 the points at |x0| = 0.3 are non-robust; |x0| ≥ 0.45 stay robust.
  const atTwoEps = await expectNoTensorLeak(() => splitPoints(model, points, labels, config, {}, 2));
  const expected2 = CASES.map((c) => {
    const robust = Math.abs(c[0]) > 2 * EPS;
    const accurate = (c[0] > 0 ? 0 : 1) === c[2];
    return robust ? (accurate ? 0 : 1) : accurate ? 2 : 3;
  });
  expect(Array.from(atTwoEps.categories)).toEqual(expected2);
});

describe('splitFromPredictions', () => {
  test('counts and fractions from given predictions', () => {
    const labels = [0, 1, 2, 0, 1, 2, 0, 1];
    const pred = Int32Array.from([0, 1, 0, 0, 2, 2, 1, 1]);
    const adv = Int32Array.from([0, 0, 0, 1, 2, 1, 1, 1]);
    const s = splitFromPredictions(labels, pred, adv, new Float32Array(16));
    // 0: acc robust → RA; 1: acc, flipped → NRA; 2: wrong, robust → RI; 3: acc, flipped → NRA;
    // 4: wrong, robust → RI; 5: acc, flipped → NRA; 6: wrong, robust → RI; 7: acc robust → RA
    expect(Array.from(s.categories)).toEqual([0, 2, 1, 2, 1, 2, 1, 0]);
    expect(s.counts).toEqual({ robustAccurate: 2, robustInaccurate: 3, nonRobustAccurate: 3, nonRobustInaccurate: 0 });
    expect(s.robustAccuracy).toBe(0.25);
    expect(s.robustInaccuracy).toBe(0.375);
    expect(s.naturalAccuracy).toBe(0.625);
    expect(s.robustness).toBe(0.625);
    expect(SPLIT_CATEGORIES[s.categories[2]]).toBe('robustInaccurate');
    const sum = Object.values(s.fractions).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
  });

  test('an empty set gives NaN fractions, not a crash', () => {
    const s = splitFromPredictions([], new Int32Array(0), new Int32Array(0), new Float32Array(0));
    expect(s.n).toBe(0);
    expect(Number.isNaN(s.robustAccuracy)).toBe(true);
  });
});

test('a cancelled split rejects and leaks nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  await expectNoTensorLeak(async () => {
    await expect(robustnessSplit(model, x, CASES.map((c) => c[2]), ATTACKS['pgd linf'], { signal: controller.signal })).rejects.toThrow(/Cancel/);
  });
});
