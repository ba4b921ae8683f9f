/**
 * The evaluation attacks (FGSM, PGD, APGD-CE) on a small trained MLP: they stay in the threat
 * model B_p(x, eps) ∩ box, raise the cross-entropy, restarts only help, APGD's checkpoints
 * follow the paper, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type AttackNorm,
  type Box,
  CancelledError,
  TRAIN_DEFAULTS,
  apgdCe,
  apgdCeBatch,
  apgdCheckpointIntervals,
  createMlp,
  crossEntropy,
  effectiveStepSize,
  fgsm,
  logits,
  pgd,
  predictClasses,
  train,
} from '../../src/core';
import { expectNoTensorLeak, useWasmBackend, threeBlobs } from './helpers';

useWasmBackend();

let model: tf.Sequential;
let xs: Float32Array; // 60 x 2
let ys: Int32Array;

beforeAll(async () => {
  const ds = threeBlobs(75, 2);
  xs = ds.xTrain;
  ys = ds.yTrain;
  model = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 3 });
  const x = tf.tensor2d(xs, [ys.length, 2]);
  const y = tf.tensor1d(ys, 'int32');
  const result = await train(model, { x, y }, { ...TRAIN_DEFAULTS, method: 'standard', epochs: 4, batchSize: 10, learningRate: 0.1 });
  expect(result.status).toBe('completed');
  expect(result.history[3].trainAccuracy).toBeGreaterThan(0.8);
  tf.dispose([x, y]);
});
afterAll(() => model.dispose());

/** Per-example cross-entropy and l_p norm of the perturbation, read back to JS. */
async function measure(x: tf.Tensor, xAdv: tf.Tensor, y: tf.Tensor1D, norm: AttackNorm) {
  const [clean, adv, dist] = tf.tidy(() => {
    const d = tf.sub(xAdv, x);
    return [
      crossEntropy(logits(model, x), y),
      crossEntropy(logits(model, xAdv), y),
      norm === 'linf' ? tf.max(tf.abs(d), 1) : tf.sqrt(tf.sum(tf.square(d), 1)),
    ];
  });
  const read = async (t: tf.Tensor) => Array.from((await t.data()) as Float32Array);
  const out = { clean: await read(clean), adv: await read(adv), dist: await read(dist), points: await read(xAdv) };
  tf.dispose([clean, adv, dist]);
  return out;
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

type AttackFn = (x: tf.Tensor, y: tf.Tensor1D, eps: number, norm: AttackNorm, box: Box) => Promise<tf.Tensor>;
const ATTACKS: Record<string, AttackFn> = {
  fgsm: (x, y, eps, norm, box) => fgsm(model, x, y, { eps, norm, box }),
  'pgd (random start, 2 restarts)': (x, y, eps, norm, box) => pgd(model, x, y, { eps, norm, box, steps: 10, restarts: 2, randomStart: true, seed: 4 }),
  'pgd (no random start)': (x, y, eps, norm, box) => pgd(model, x, y, { eps, norm, box, steps: 10, randomStart: false, seed: 4 }),
  'pgd (chunks of 16)': (x, y, eps, norm, box) => pgd(model, x, y, { eps, norm, box, steps: 5, restarts: 1, randomStart: true, seed: 4, batchSize: 16 }),
  'apgd-ce': (x, y, eps, norm, box) => apgdCe(model, x, y, { eps, norm, box, steps: 20, seed: 4 }),
  'apgd-ce (2 restarts, chunks of 25)': (x, y, eps, norm, box) => apgdCe(model, x, y, { eps, norm, box, steps: 10, restarts: 2, seed: 4, batchSize: 25 }),
};

describe.each(Object.keys(ATTACKS))('%s', (name) => {
  const attack = ATTACKS[name];
  for (const norm of ['linf', 'l2'] as const) {
    for (const box of [null, [-1, 1]] as Box[]) {
      test(`${norm}, box ${JSON.stringify(box)}: stays in the ball and the box, raises the loss`, async () => {
        const eps = norm === 'linf' ? 0.3 : 0.4;
        const m = await expectNoTensorLeak(async () => {
          // Inputs must lie in the box for the threat model to make sense.
          const x = tf.tidy(() => (box ? tf.clipByValue(tf.tensor2d(xs, [ys.length, 2]), box[0], box[1]) : tf.tensor2d(xs, [ys.length, 2])));
          const y = tf.tensor1d(ys, 'int32');
          const xAdv = await attack(x, y, eps, norm, box);
          expect(xAdv.shape).toEqual(x.shape);
          const r = await measure(x, xAdv, y, norm);
          tf.dispose([x, y, xAdv]);
          return r;
        });
        expect(Math.max(...m.dist)).toBeLessThanOrEqual(eps + 1e-5);
        expect(m.points.every(Number.isFinite)).toBe(true);
        if (box) {
          expect(Math.min(...m.points)).toBeGreaterThanOrEqual(box[0]);
          expect(Math.max(...m.points)).toBeLessThanOrEqual(box[1]);
        }
        // The loss goes up on average and for most points (never down by more than rounding
        // for the iterative attacks, which keep their best point).
        expect(mean(m.adv)).toBeGreaterThan(mean(m.clean) * 1.2);
        const raised = m.adv.filter((v, i) => v > m.clean[i]).length / m.adv.length;
        expect(raised).toBeGreaterThanOrEqual(0.8);
        // The attacks actually use the budget: most perturbations are at (nearly) full size.
        const full = m.dist.filter((d) => d > 0.5 * eps).length / m.dist.length;
        expect(full).toBeGreaterThanOrEqual(0.5);
      });
    }
  }
});

describe('restarts', () => {
  test('PGD with 5 restarts is at least as strong as 1 restart, per point', async () => {
    for (const norm of ['linf', 'l2'] as const) {
      const eps = norm === 'linf' ? 0.4 : 0.5;
      const res = await expectNoTensorLeak(async () => {
        const x = tf.tensor2d(xs, [ys.length, 2]);
        const y = tf.tensor1d(ys, 'int32');
        // A weak attack (3 small steps from a random start) so that restarts matter.
        const opts = { eps, norm, steps: 3, stepSize: eps / 4, randomStart: true, seed: 9 };
        const one = await pgd(model, x, y, { ...opts, restarts: 1 });
        const five = await pgd(model, x, y, { ...opts, restarts: 5 });
        const m1 = await measure(x, one, y, norm);
        const m5 = await measure(x, five, y, norm);
        const [p1, p5] = [predictClasses(model, one), predictClasses(model, five)];
        const f1 = Array.from(await p1.data()).map((c, i) => c !== ys[i]);
        const f5 = Array.from(await p5.data()).map((c, i) => c !== ys[i]);
        tf.dispose([x, y, one, five, p1, p5]);
        return { m1, m5, f1, f5 };
      });
      const { m1, m5, f1, f5 } = res;
      // Per point: a misclassifying run is preferred, else the higher loss.
      for (let i = 0; i < ys.length; i++) {
        if (f1[i]) expect(f5[i], `point ${i} was fooled with 1 restart`).toBe(true);
        if (f5[i] === f1[i]) expect(m5.adv[i]).toBeGreaterThanOrEqual(m1.adv[i] - 1e-6);
      }
      expect(f5.filter(Boolean).length).toBeGreaterThanOrEqual(f1.filter(Boolean).length);
      expect(mean(m5.adv)).toBeGreaterThan(mean(m1.adv));
      expect(Math.max(...m5.dist)).toBeLessThanOrEqual(eps + 1e-5);
    }
  });

  test('APGD-CE with 3 restarts is at least as strong as 1 restart', async () => {
    const eps = 0.3;
    const res = await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(xs, [ys.length, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const one = apgdCeBatch(model, x, y, { eps, norm: 'linf', steps: 5, restarts: 1, seed: 1 });
      const three = apgdCeBatch(model, x, y, { eps, norm: 'linf', steps: 5, restarts: 3, seed: 1 });
      const m1 = await measure(x, one, y, 'linf');
      const m3 = await measure(x, three, y, 'linf');
      tf.dispose([x, y, one, three]);
      return { m1, m3 };
    });
    expect(mean(res.m3.adv)).toBeGreaterThanOrEqual(mean(res.m1.adv) - 1e-6);
  });

  test('the same seed reproduces an attack exactly; another seed changes the random start', async () => {
    const x = tf.tensor2d(xs, [ys.length, 2]);
    const y = tf.tensor1d(ys, 'int32');
    const opts = { eps: 0.3, norm: 'linf' as const, steps: 2, randomStart: true };
    const a = await pgd(model, x, y, { ...opts, seed: 1 });
    const b = await pgd(model, x, y, { ...opts, seed: 1 });
    const c = await pgd(model, x, y, { ...opts, seed: 2 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([x, y, a, b, c]);
  });
});

describe('APGD-CE details', () => {
  /** The paper's recursion in exact arithmetic (p in hundredths). */
  function paperIntervals(n: number): number[] {
    const p = [0, 22];
    while (p[p.length - 1] < 100) p.push(p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 3, 6));
    const w: number[] = [];
    for (const v of p) {
      // ⌈v·n/100⌉ in integers
      const wj = Math.floor((v * n + 99) / 100);
      if (wj <= n && (w.length === 0 || wj > w[w.length - 1])) w.push(wj);
    }
    return w.slice(1).map((v, j) => v - w[j]);
  }

  test('apgdCheckpointIntervals(40) follows p0 = 0, p1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), w_j = ⌈p_j N⌉', () => {
    // p = 0, .22, .41, .57, .70, .80, .87, .93, .99 → w = 0, 9, 17, 23, 28, 32, 35, 38, 40.
    expect(paperIntervals(40)).toEqual([9, 8, 6, 5, 4, 3, 3, 2]);
    expect(apgdCheckpointIntervals(40)).toEqual([9, 8, 6, 5, 4, 3, 3, 2]);
  });

  test('apgdCheckpointIntervals matches the recursion for other N and stays within N', () => {
    for (const n of [1, 5, 10, 20, 25, 50, 100, 200]) {
      const got = apgdCheckpointIntervals(n);
      expect(got, `N = ${n}`).toEqual(paperIntervals(n));
      expect(got.every((v) => v > 0)).toBe(true);
      expect(got.reduce((s, v) => s + v, 0)).toBeLessThanOrEqual(n);
    }
    expect(apgdCheckpointIntervals(100)).toEqual([22, 19, 16, 13, 10, 7, 6, 6]);
  });
});

describe('cancellation and step sizes', () => {
  test('an aborted signal rejects with CancelledError and leaks nothing', async () => {
    await expectNoTensorLeak(async () => {
      const x = tf.tensor2d(xs, [ys.length, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const ac = new AbortController();
      ac.abort();
      await expect(pgd(model, x, y, { eps: 0.3, signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
      // Aborted between chunks (after the first of several).
      const ac2 = new AbortController();
      const fractions: number[] = [];
      await expect(
        apgdCe(model, x, y, {
          eps: 0.3,
          steps: 3,
          batchSize: 10,
          signal: ac2.signal,
          onProgress: (f) => {
            fractions.push(f);
            ac2.abort();
          },
        }),
      ).rejects.toBeInstanceOf(CancelledError);
      expect(fractions).toEqual([10 / 60]);
      tf.dispose([x, y]);
    });
  });

  test('progress reaches 1 over the chunks', async () => {
    const x = tf.tensor2d(xs, [ys.length, 2]);
    const y = tf.tensor1d(ys, 'int32');
    const fractions: number[] = [];
    const adv = await fgsm(model, x, y, { eps: 0.1, batchSize: 25, onProgress: (f) => fractions.push(f) });
    expect(fractions).toEqual([25 / 60, 50 / 60, 1]);
    tf.dispose([x, y, adv]);
  });

  test('effectiveStepSize: 2.5·eps/steps unless given', () => {
    expect(effectiveStepSize({ eps: 0.2, steps: 10, stepSize: 0 })).toBeCloseTo(0.05, 12);
    expect(effectiveStepSize({ eps: 0.2, steps: 10, stepSize: 0.01 })).toBe(0.01);
  });
});
