/**
 * The attack contract (attacks/runner.ts, registry.ts): every registered attack goes through one
 * runner that checks the settings and the data before touching a tensor, stays inside
 * B_p(x, eps) ∩ box, stops on the abort signal and leaves no tensors behind. Also SmoothAdv PGD
 * (attacks/smoothAdv.ts), the attack on smoothed classifiers.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { ATTACKS, CancelledError, attackWith, createMlp, runAttack, smoothAdv, smoothedCrossEntropy, type Attack, type AttackSettings } from '../../src/core';
import { defaultChunk } from '../../src/core/attacks/runner';
import { createRrModel } from '../../src/core/models/heads';
import { abortLater, expectNoTensorLeak, linearTwoClassModel, useWasmBackend } from './helpers';

useWasmBackend();

const N = 24;
let mlp: tf.LayersModel;
let rr: tf.LayersModel;
let xs: number[];
let ys: number[];

beforeAll(() => {
  // Three regular classes and one abstain class (4 logits) for every attack but the adaptive one.
  mlp = createMlp({ inputDim: 2, numClasses: 4, depth: 2, width: 16, seed: 5 });
  rr = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 6 });
  xs = Array.from({ length: 2 * N }, (_, i) => 0.9 * Math.sin(1.7 * i + 0.3));
  ys = Array.from({ length: N }, (_, i) => i % 3);
});

/** Settings each attack needs beyond the threat model. */
const EXTRA: Record<string, Record<string, unknown>> = {
  'abstain-pgd': { numClasses: 3 },
  'smooth-adv': { samples: 2, steps: 3 },
  pgd: { steps: 3 },
  'apgd-ce': { steps: 3 },
  adaptive: { steps: 3 },
};

const modelFor = (id: string) => (id === 'adaptive' ? rr : mlp);

describe('every registered attack', () => {
  const ids = () => Object.keys(ATTACKS);

  test('the registry holds the evaluation, R-Con-aware, abstain and smoothing attacks', () => {
    expect(ids().sort()).toEqual(['abstain-pgd', 'adaptive', 'apgd-ce', 'fgsm', 'pgd', 'smooth-adv']);
  });

  test.each(['linf', 'l2'] as const)('stays in B_p(x, eps) ∩ box (%s) and leaves no tensors', async (norm) => {
    for (const id of ids()) {
      await expectNoTensorLeak(async () => {
        const x = tf.tensor2d(xs, [N, 2]);
        const y = tf.tensor1d(ys, 'int32');
        const eps = 0.3;
        const box: [number, number] = [-1, 0.95];
        const adv = await runAttack(modelFor(id), x, y, { kind: id, eps, norm, box, seed: 1, ...EXTRA[id] });
        const a = await adv.data();
        for (let i = 0; i < N; i++) {
          const d = [a[2 * i] - xs[2 * i], a[2 * i + 1] - xs[2 * i + 1]];
          const size = norm === 'linf' ? Math.max(Math.abs(d[0]), Math.abs(d[1])) : Math.hypot(d[0], d[1]);
          expect(size, `${id}: perturbation of input ${i}`).toBeLessThanOrEqual(eps + 1e-5);
          for (const v of [a[2 * i], a[2 * i + 1]]) {
            expect(v).toBeGreaterThanOrEqual(box[0]);
            expect(v).toBeLessThanOrEqual(box[1]);
          }
        }
        tf.dispose([adv, x, y]);
      });
    }
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a negative eps', { eps: -0.1 }, /eps must be a finite number ≥ 0 \(got -0.1\)/],
    ['a NaN eps', { eps: NaN }, /eps must be a finite number ≥ 0 \(got NaN\)/],
    ["norm 'l3'", { norm: 'l3' }, /norm must be 'linf' or 'l2' \(got l3\)/],
    ['an empty box', { box: [1, 0] }, /box must be \[lo, hi\] with finite lo < hi/],
    ['inputs outside the box', { box: [-0.5, 0.5] }, /outside the input box/],
  ];
  test.each(bad)('refuses %s by name, with no tensor left behind', async (_name, change, message) => {
    for (const id of ids()) {
      const x = tf.tensor2d(xs, [N, 2]);
      const y = tf.tensor1d(ys, 'int32');
      await expectNoTensorLeak(() => expect(runAttack(modelFor(id), x, y, { kind: id, eps: 0.1, seed: 0, ...EXTRA[id], ...change })).rejects.toThrow(message));
      tf.dispose([x, y]);
    }
  });

  test('refuses labels that do not match the inputs or the model, and an unknown kind', async () => {
    const x = tf.tensor2d(xs, [N, 2]);
    const short = tf.tensor1d([0, 1], 'int32');
    const outOfRange = tf.tensor1d(ys.map((v, i) => (i === 5 ? 9 : v)), 'int32');
    for (const id of ids()) {
      await expect(runAttack(modelFor(id), x, short, { kind: id, eps: 0.1, ...EXTRA[id] })).rejects.toThrow(/x has 24 inputs but y has shape \[2\]/);
      await expect(runAttack(modelFor(id), x, outOfRange, { kind: id, eps: 0.1, ...EXTRA[id] })).rejects.toThrow(/label 9 at index 5/);
    }
    await expect(runAttack(mlp, x, short, { kind: 'pgd-x', eps: 0.1 })).rejects.toThrow(/kind must be one of .*pgd.* \(got "pgd-x"\)/);
    tf.dispose([x, short, outOfRange]);
  });

  test('the R-Con-aware attack refuses a model without a Rectified Rejection head', async () => {
    const x = tf.tensor2d(xs, [N, 2]);
    const y = tf.tensor1d(ys, 'int32');
    await expect(runAttack(mlp, x, y, { kind: 'adaptive', eps: 0.1 })).rejects.toThrow(/no Rectified Rejection head/);
    tf.dispose([x, y]);
  });

  test('stops between chunks when the signal aborts, and reports progress up to 1', async () => {
    for (const id of ids()) {
      const x = tf.tensor2d(xs, [N, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const ac = new AbortController();
      const seen: number[] = [];
      const onProgress = (f: number) => {
        seen.push(f);
        if (seen.length === 2) ac.abort();
      };
      await expectNoTensorLeak(() =>
        expect(runAttack(modelFor(id), x, y, { kind: id, eps: 0.1, ...EXTRA[id] }, { signal: ac.signal, onProgress, batchSize: 8 })).rejects.toBeInstanceOf(CancelledError),
      );
      expect(seen, id).toEqual([8 / 24, 16 / 24]);
      const done: number[] = [];
      const adv = await runAttack(modelFor(id), x, y, { kind: id, eps: 0.1, ...EXTRA[id] }, { onProgress: (f) => done.push(f), batchSize: 10 });
      expect(done).toEqual([10 / 24, 20 / 24, 1]);
      tf.dispose([adv, x, y]);
    }
  });

  test('a cancel inside a chunk takes effect within 200 ms, even with steps = 1e9, and leaves no tensors', async () => {
    // One chunk of all inputs and a step count that would never end: only a check between steps can stop it.
    const endless: Record<string, Record<string, unknown>> = {
      pgd: { steps: 1e9 },
      'apgd-ce': { steps: 1e9 },
      adaptive: { steps: 1e9 },
      'abstain-pgd': { numClasses: 3, steps: 1e9 },
      'smooth-adv': { samples: 2, steps: 1e9 },
    };
    for (const [id, extra] of Object.entries(endless)) {
      const x = tf.tensor2d(xs, [N, 2]);
      const y = tf.tensor1d(ys, 'int32');
      const cancel = abortLater(150);
      await expectNoTensorLeak(() => expect(runAttack(modelFor(id), x, y, { kind: id, eps: 0.1, ...extra }, { signal: cancel.signal })).rejects.toBeInstanceOf(CancelledError));
      expect(cancel.sinceAbort(), `${id}: ms from the cancel to the rejection`).toBeLessThan(200);
      tf.dispose([x, y]);
    }
  });

  test('a new attack plugs into the runner with one record', async () => {
    // "Move every input by +eps in its first coordinate": checks, chunks and the box come from the runner.
    const shift: Attack<AttackSettings & { factor: number }> = {
      id: 'shift',
      label: 'Shift',
      defaults: { norm: 'linf', box: null, seed: 0, factor: 1 },
      problems: (c) => (c.factor > 1 ? [`factor must be ≤ 1 (got ${c.factor})`] : []),
      // eslint-disable-next-line require-yield
      *steps(_m, x, _y, c) {
        return tf.add(x, tf.mul(tf.tensor1d([c.eps * c.factor, 0]), tf.onesLike(x)));
      },
    };
    const x = tf.tensor2d([0.5, 0, 0.95, 0], [2, 2]);
    const y = tf.tensor1d([0, 1], 'int32');
    await expect(attackWith(shift, mlp, x, y, { eps: 0.1, factor: 2 })).rejects.toThrow(/^Shift: factor must be ≤ 1 \(got 2\)$/);
    const out = await attackWith(shift, mlp, x, y, { eps: 0.1, box: [-1, 1] });
    expect(Array.from(await out.adversarial.data()).map((v) => +v.toFixed(5))).toEqual([0.6, 0, 1, 0]);
    tf.dispose([x, y, out.adversarial]);
  });
});

describe('SmoothAdv PGD on the soft smoothed classifier', () => {
  test('raises −log G(x′)_y under its own draws, is reproducible from the seed, and stays in the l2 ball', async () => {
    const model = linearTwoClassModel([1, -1], 0);
    const x = tf.tensor2d([0.3, 0.1, -0.2, 0.4, 0.6, -0.1, 0.05, 0.0], [4, 2]);
    const y = tf.tensor1d([0, 1, 0, 0], 'int32');
    await expectNoTensorLeak(async () => {
      const opts = { eps: 0.5, sigma: 0.25, samples: 16, steps: 10, seed: 3 };
      const a = await smoothAdv(model, x, y, opts);
      const b = await smoothAdv(model, x, y, opts);
      expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
      const noise = tf.randomNormal([16 * 4, 2], 0, 0.25, 'float32', 7);
      const [before, after, dist] = tf.tidy(() => [
        smoothedCrossEntropy(model, x, y, noise, 16),
        smoothedCrossEntropy(model, a, y, noise, 16),
        tf.sqrt(tf.sum(tf.square(tf.sub(a, x)), 1)),
      ]);
      const [bv, av, d] = [await before.data(), await after.data(), await dist.data()];
      for (let i = 0; i < 4; i++) expect(av[i], `input ${i}`).toBeGreaterThan(bv[i]);
      for (const v of d) expect(v).toBeLessThanOrEqual(0.5 + 1e-5);
      tf.dispose([a, b, noise, before, after, dist]);
    });
    tf.dispose([x, y]);
  });

  test('refuses bad settings by name', async () => {
    const x = tf.tensor2d([0, 0], [1, 2]);
    const y = tf.tensor1d([0], 'int32');
    await expect(smoothAdv(mlp, x, y, { eps: 0.1, samples: 0 })).rejects.toThrow(/SmoothAdv PGD: samples must be an integer ≥ 1 \(got 0\)/);
    await expect(smoothAdv(mlp, x, y, { eps: 0.1, sigma: -1 })).rejects.toThrow(/sigma must be a finite number ≥ 0 \(got -1\)/);
    tf.dispose([x, y]);
  });
});

describe('defaultChunk', () => {
  test('8,192 inputs on wasm and cpu; on a GPU backend as many as keep every activation of the chunk within 2^24 floats, up to 65,536', () => {
    const wide = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 1024, seed: 1 });
    const x2 = tf.zeros([10, 2]);
    const x784 = tf.zeros([10, 784]);
    // The layers' outputs per input: the 2-D MLP of width 16 and 4 classes.
    const floats = (m: tf.LayersModel) => m.layers.reduce((s, l) => s + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0);
    try {
      expect(defaultChunk(mlp, x2, 'wasm')).toBe(8192);
      expect(defaultChunk(mlp, x2, 'cpu')).toBe(8192);
      // Small inputs and a narrow model: the cap.
      expect(defaultChunk(mlp, x2, 'webgpu')).toBe(65536);
      expect(defaultChunk(mlp, x2, 'webgl')).toBe(65536);
      // 784 inputs: the budget over inputs and activations.
      expect(defaultChunk(mlp, x784, 'webgpu')).toBe(Math.floor(2 ** 24 / (784 + floats(mlp))));
      expect(defaultChunk(mlp, x784, 'webgpu')).toBeGreaterThan(8192);
      // Two layers of 1,024: never below the default.
      expect(floats(wide)).toBeGreaterThan(2048);
      expect(defaultChunk(wide, x2, 'webgpu')).toBe(8192);
      const rrChunk = defaultChunk(rr, x2, 'webgpu');
      expect(rrChunk).toBeGreaterThanOrEqual(8192);
      expect(rrChunk).toBeLessThanOrEqual(65536);
    } finally {
      tf.dispose([x2, x784]);
      wide.dispose();
    }
  });
});

describe('firstChunk', () => {
  test('a shard that passes the index of its first chunk draws the whole run’s random starts', async () => {
    const x = tf.tensor2d(xs, [N, 2]);
    const y = tf.tensor1d(ys, 'int32');
    const tail = tf.slice(x, N / 2, N / 2);
    const yTail = tf.slice(y, N / 2, N / 2);
    const settings = { kind: 'pgd', norm: 'linf' as const, eps: 0.3, steps: 2, randomStart: true, seed: 11, box: null };
    const whole = await runAttack(mlp, x, y, settings, { batchSize: N / 2 });
    const shard = await runAttack(mlp, tail, yTail, settings, { batchSize: N / 2, firstChunk: 1 });
    const fromZero = await runAttack(mlp, tail, yTail, settings, { batchSize: N / 2 });
    const wholeTail = Array.from(await whole.data()).slice(N);
    expect(Array.from(await shard.data())).toEqual(wholeTail);
    expect(Array.from(await fromZero.data())).not.toEqual(wholeTail);
    await expect(runAttack(mlp, tail, yTail, settings, { firstChunk: -1 })).rejects.toThrow(/firstChunk must be a whole number ≥ 0 \(got -1\)/);
    tf.dispose([x, y, tail, yTail, whole, shard, fromZero]);
  });
});
