/**
 * Attacks on a hand-built 2-class linear model in 2-D, where the optimal attack is known in
 * closed form. Logits [s, −s] with s = w·x + b, class 0 where s > 0. The cross-entropy of class 0
 * is softplus(−2s), decreasing in s, so its steepest ascent is −w: under l_inf the optimum moves
 * x by −eps·sign(w), under l_2 by −eps·w/||w||_2 (and the opposite for class 1). A point at l_p
 * distance d = |s| / ||w||_q (q the dual norm) from the boundary can be flipped iff eps > d.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AttackConfig, apgdCe, attackBatch, fgsm, pgd, predictClasses, runAttack } from '../../src/core';
import { expectNoTensorLeak, linearTwoClassModel, rows, useWasmBackend } from './helpers';

useWasmBackend();

const w: [number, number] = [3, -4];
const b = 0.5;
const W1 = 7; // ||w||_1, dual of l_inf
const W2 = 5; // ||w||_2, dual of l_2
const margin = (p: number[]) => w[0] * p[0] + w[1] * p[1] + b;

let model: tf.Sequential;
beforeAll(() => {
  model = linearTwoClassModel(w, b);
});
afterAll(() => model.dispose());

const POINTS = [
  [0.3, 0.1],
  [-0.4, 0.2],
  [1.0, -0.5],
  [-0.2, -0.9],
  [0.05, 0.3],
];

async function attackPoints(points: number[][], labels: number[], run: (x: tf.Tensor2D, y: tf.Tensor1D) => Promise<tf.Tensor>): Promise<number[][]> {
  return expectNoTensorLeak(async () => {
    const x = tf.tensor2d(points);
    const y = tf.tensor1d(labels, 'int32');
    const adv = await run(x, y);
    const out = rows(await adv.data(), 2);
    tf.dispose([x, y, adv]);
    return out;
  });
}

/** The optimal perturbation against class `label`. */
function optimalDelta(norm: 'linf' | 'l2', eps: number, label: number): number[] {
  const dir = label === 0 ? -1 : 1;
  return norm === 'linf' ? w.map((v) => dir * eps * Math.sign(v)) : w.map((v) => (dir * eps * v) / W2);
}

describe('closed form on a linear model', () => {
  test('the model is what it claims: logits [w·x+b, −(w·x+b)]', async () => {
    const x = tf.tensor2d(POINTS);
    const z = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    POINTS.forEach((p, i) => {
      expect(z[i][0]).toBeCloseTo(margin(p), 5);
      expect(z[i][1]).toBeCloseTo(-margin(p), 5);
    });
    x.dispose();
  });

  for (const norm of ['linf', 'l2'] as const) {
    for (const label of [0, 1]) {
      test(`FGSM ${norm}, label ${label}: x_adv = x + the optimal perturbation exactly`, async () => {
        const eps = 0.15;
        const labels = POINTS.map(() => label);
        const adv = await attackPoints(POINTS, labels, (x, y) => fgsm(model, x, y, { eps, norm }));
        const d = optimalDelta(norm, eps, label);
        adv.forEach((a, i) => {
          expect(a[0]).toBeCloseTo(POINTS[i][0] + d[0], 5);
          expect(a[1]).toBeCloseTo(POINTS[i][1] + d[1], 5);
        });
      });

      test(`PGD (random start, 10 steps) and APGD-CE ${norm}, label ${label}: converge to the optimum`, async () => {
        const eps = 0.15;
        const labels = POINTS.map(() => label);
        const d = optimalDelta(norm, eps, label);
        const pgdAdv = await attackPoints(POINTS, labels, (x, y) => pgd(model, x, y, { eps, norm, steps: 10, randomStart: true, seed: 3 }));
        const apgdAdv = await attackPoints(POINTS, labels, (x, y) => apgdCe(model, x, y, { eps, norm, steps: 20, seed: 3 }));
        for (const [name, adv] of [
          ['pgd', pgdAdv],
          ['apgd-ce', apgdAdv],
        ] as const) {
          adv.forEach((a, i) => {
            const delta = [a[0] - POINTS[i][0], a[1] - POINTS[i][1]];
            if (norm === 'linf') {
              expect(delta[0]).toBeCloseTo(d[0], 5);
              expect(delta[1]).toBeCloseTo(d[1], 5);
            } else {
              // The loss depends only on the component of the perturbation along w. PGD's
              // steps of 2.5·eps/10 followed by projection onto the sphere turn the random
              // start towards the optimum only geometrically (a 10-step run from a point at
              // right angles ends about 11° off); APGD's steps start at 2·eps and get there.
              const along = (delta[0] * d[0] + delta[1] * d[1]) / eps;
              expect(along, `${name} point ${i}`).toBeGreaterThan((name === 'pgd' ? 0.95 : 0.999) * eps);
              expect(Math.hypot(delta[0], delta[1])).toBeLessThanOrEqual(eps + 1e-5);
            }
          });
        }
      });
    }
  }

  test('with a box, FGSM l_inf is the optimal step clipped to the box', async () => {
    const eps = 0.2;
    const pts = [
      [0.1, 0.9], // +0.2 on x1 would leave [0, 1]
      [0.05, 0.5], // −0.2 on x0 would leave [0, 1]
      [0.5, 0.5],
    ];
    const labels = [0, 1, 0];
    const adv = await attackPoints(pts, labels, (x, y) => fgsm(model, x, y, { eps, norm: 'linf', box: [0, 1] }));
    pts.forEach((p, i) => {
      const d = optimalDelta('linf', eps, labels[i]);
      expect(adv[i][0]).toBeCloseTo(Math.min(1, Math.max(0, p[0] + d[0])), 6);
      expect(adv[i][1]).toBeCloseTo(Math.min(1, Math.max(0, p[1] + d[1])), 6);
    });
  });

  describe.each(['linf', 'l2'] as const)('flips a point iff eps > its %s distance to the boundary', (norm) => {
    const eps = 0.2;
    const dual = norm === 'linf' ? W1 : W2;
    // Points along the direction w/|w|_2 through a base point on the boundary, at signed
    // distances (in the attack's norm) from it.
    const base = [0.3, (0.3 * 3 + 0.5) / 4]; // w·base + b = 0
    const ratios = [-2, -1.1, -0.9, -0.5, -0.25, 0.25, 0.5, 0.9, 1.1, 2];
    const pts = ratios.map((r) => {
      const s = r * eps * dual; // desired margin
      const t = s / (W2 * W2); // move along w
      return [base[0] + t * w[0], base[1] + t * w[1]];
    });
    const predicted = pts.map((p) => (margin(p) > 0 ? 0 : 1));
    const expectedFlip = ratios.map((r) => Math.abs(r) < 1);

    test('the points are where they should be', () => {
      pts.forEach((p, i) => expect(Math.abs(margin(p)) / dual).toBeCloseTo(Math.abs(ratios[i]) * eps, 6));
    });

    const kinds: Array<AttackConfig['kind']> = ['fgsm', 'pgd', 'apgd-ce'];
    for (const kind of kinds) {
      test(`${kind}`, async () => {
        const config: AttackConfig = { kind, norm, eps, steps: 10, stepSize: 0, restarts: 1, randomStart: true, seed: 5, box: null };
        const flipped = await expectNoTensorLeak(async () => {
          const x = tf.tensor2d(pts);
          const y = tf.tensor1d(predicted, 'int32');
          const adv = await runAttack(model, x, y, config);
          const p = predictClasses(model, adv);
          const out = Array.from(await p.data()).map((c, i) => c !== predicted[i]);
          // attackBatch (the synchronous kernel) gives the same flips.
          const adv2 = attackBatch(model, x, y, config);
          const p2 = predictClasses(model, adv2);
          expect(Array.from(await p2.data()).map((c, i) => c !== predicted[i])).toEqual(out);
          tf.dispose([x, y, adv, p, adv2, p2]);
          return out;
        });
        expect(flipped).toEqual(expectedFlip);
      });
    }
  });
});
