/**
 * Paper 004's verification of K + M output networks (Theorem 1, Algorithm 1, Eq. 16): mirror
 * ascent on the simplex against the exact segment maximum (M = 1) and a brute-force grid over
 * the simplex (M = 2), the degeneracy regulariser's gradient on a hand-made case, and verdicts
 * of verifyAbstain on hand-built networks.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { Rng, degeneracyAscentTerm, degeneracyPenalty, exactSegmentMax, maximiseOverSimplex, verifyAbstain } from '../../src/core';
import { expectNoTensorLeak, fixedDenseModel, useWasmBackend } from './helpers';

useWasmBackend();

interface Problem {
  H: number;
  C: number;
  w: number[][]; // [H][C]
  b: number[];
  mid: number[];
  rad: number[];
}

function randomProblem(rng: Rng, H: number, C: number): Problem {
  const n = () => rng.normal();
  return {
    H,
    C,
    w: Array.from({ length: H }, () => Array.from({ length: C }, n)),
    b: Array.from({ length: C }, n),
    mid: Array.from({ length: H }, () => rng.uniform() * 2),
    rad: Array.from({ length: H }, () => rng.uniform() * 0.8),
  };
}

/** J(lambda) in float64: min over the box of s^T (W^T h + b), s = sum_j lambda_j e_{S_j} − e_t. */
function jOf(p: Problem, S: number[], t: number, lambda: number[]): number {
  const s = new Array(p.C).fill(0);
  S.forEach((j, i) => (s[j] += lambda[i]));
  s[t] -= 1;
  let v = s.reduce((a, si, c) => a + si * p.b[c], 0);
  for (let k = 0; k < p.H; k++) {
    const c = s.reduce((a, si, j) => a + si * p.w[k][j], 0);
    v += c * p.mid[k] - Math.abs(c) * p.rad[k];
  }
  return v;
}

function runSimplex(p: Problem, y: number, K: number, M: number, iterations: number) {
  return tf.tidy(() => {
    const h = { mid: tf.tensor2d([p.mid]), rad: tf.tensor2d([p.rad]) };
    const res = maximiseOverSimplex(h, tf.tensor2d(p.w), tf.tensor1d(p.b), tf.tensor1d([y], 'int32'), K, M, { iterations });
    return { lambda: Array.from(res.lambda.dataSync()), bound: Array.from(res.bound.dataSync()) };
  });
}

describe('the simplex relaxation (Theorem 1, Algorithm 1)', () => {
  test('M = 1: the exact segment maximum beats a fine grid, and mirror ascent reaches it', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 12; trial++) {
      const K = 3;
      const p = randomProblem(rng, 10, K + 1);
      const y = trial % K;
      const res = runSimplex(p, y, K, 1, 300);
      for (let r = 0; r < K - 1; r++) {
        const t = r < y ? r : r + 1;
        const d = p.w.map((row) => row[y] - row[t]);
        const e = p.w.map((row) => row[K] - row[y]);
        const exact = exactSegmentMax(d, e, p.mid, p.rad, p.b[y] - p.b[t], p.b[K] - p.b[y]);
        expect(exact.value).toBeCloseTo(jOf(p, [y, K], t, [1 - exact.theta, exact.theta]), 9);
        let grid = -Infinity;
        for (let i = 0; i <= 2000; i++) grid = Math.max(grid, jOf(p, [y, K], t, [1 - i / 2000, i / 2000]));
        expect(exact.value).toBeGreaterThanOrEqual(grid - 1e-9);
        expect(exact.value - grid).toBeLessThan(1e-2);
        // Mirror ascent: a valid bound (never above the optimum), within a small gap of it.
        const spread = Math.abs(exact.value) + 1;
        expect(res.bound[r]).toBeLessThanOrEqual(exact.value + 1e-4 * spread);
        expect(exact.value - res.bound[r]).toBeLessThan(2e-3 * spread);
        // The returned weights give the returned bound.
        const lam = res.lambda.slice(r * 2, r * 2 + 2);
        expect(lam[0] + lam[1]).toBeCloseTo(1, 5);
        expect(jOf(p, [y, K], t, lam)).toBeCloseTo(res.bound[r], 3);
      }
    }
  });

  test('M = 2: mirror ascent matches a brute-force search over the simplex', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 8; trial++) {
      const K = 3;
      const p = randomProblem(rng, 8, K + 2);
      const y = trial % K;
      const res = runSimplex(p, y, K, 2, 400);
      for (let r = 0; r < K - 1; r++) {
        const t = r < y ? r : r + 1;
        let brute = -Infinity;
        const N = 300;
        for (let i = 0; i <= N; i++) for (let j = 0; i + j <= N; j++) brute = Math.max(brute, jOf(p, [y, K, K + 1], t, [i / N, j / N, (N - i - j) / N]));
        const scale = Math.abs(brute) + 1;
        expect(res.bound[r]).toBeGreaterThan(brute - 3e-3 * scale);
        const lam = res.lambda.slice(r * 3, r * 3 + 3);
        expect(jOf(p, [y, K, K + 1], t, lam)).toBeCloseTo(res.bound[r], 3);
        expect(lam.every((v) => v >= 0)).toBe(true);
      }
    }
  });

  test('M = 0 gives the plain last-layer margin min_h (z_y − z_t); no tensors leak', async () => {
    const rng = new Rng(2);
    const p = randomProblem(rng, 6, 4);
    const res = await expectNoTensorLeak(() => runSimplex(p, 1, 4, 0, 50));
    [0, 2, 3].forEach((t, r) => expect(res.bound[r]).toBeCloseTo(jOf(p, [1], t, [1]), 4));
    expect(res.lambda).toEqual([1, 1, 1]);
  });
});

describe('the degeneracy regulariser (Eq. 16)', () => {
  test('penalty and gradient on a hand-made batch', () => {
    // B = 2 inputs, T = 1 target, M = 2: mean abstain weights (0.1+0.3)/2 = 0.2 and (0.6+0.2)/2 = 0.4.
    const lambda = tf.tensor3d([[[0.3, 0.1, 0.6]], [[0.5, 0.3, 0.2]]]);
    const reg = { mu: 2, threshold: 0.25 };
    const value = degeneracyPenalty(lambda, reg);
    expect(value.dataSync()[0]).toBeCloseTo(2 * (0.25 - 0.2), 6);
    const grad = tf.grad((l: tf.Tensor) => degeneracyPenalty(l as tf.Tensor3D, reg))(lambda);
    // d/d lambda_{i,t,a_1} = −mu / (B·T) = −1 for class a_1 (below threshold); 0 for y and a_2.
    expect(Array.from(grad.dataSync(), (v) => v + 0)).toEqual([0, -1, 0, 0, -1, 0]);
    const ascent = degeneracyAscentTerm(lambda, reg);
    const scaled = grad.mul(-2);
    expect(Array.from(ascent.dataSync(), (v) => v + 0)).toEqual(Array.from(scaled.dataSync(), (v) => v + 0));
    scaled.dispose();
    tf.dispose([lambda, value, grad, ascent]);
  });

  test('the regularised ascent moves weight onto an idle abstain class', () => {
    // Abstain class a_2 (index 4) is useless for this target; unregularised it gets no weight.
    const rng = new Rng(8);
    const p = randomProblem(rng, 6, 5);
    for (let k = 0; k < p.H; k++) p.w[k][4] = p.w[k][1] - 3; // z_{a_2} = z_t − 3: never helps against t = 1
    p.b[4] = p.b[1] - 3;
    const mean = (mu: number) =>
      tf.tidy(() => {
        const h = { mid: tf.tensor2d([p.mid, p.mid]), rad: tf.tensor2d([p.rad, p.rad]) };
        const res = maximiseOverSimplex(h, tf.tensor2d(p.w), tf.tensor1d(p.b), tf.tensor1d([0, 0], 'int32'), 3, 2, { iterations: 200, regulariser: { mu, threshold: 0.3 } });
        return tf.mean(tf.slice(res.lambda, [0, 0, 2], [-1, -1, 1])).dataSync()[0];
      });
    expect(mean(0)).toBeLessThan(0.05);
    expect(mean(50)).toBeGreaterThan(0.2);
  });
});

describe('verifyAbstain', () => {
  // K = 2 regular classes + M = 1 abstain: z = [x, −x, 1 − 2|x|-ish via ReLUs] on 1-D input.
  // Hidden h = [relu(x), relu(−x)]; logits z0 = h0 − h1 = x, z1 = h1 − h0 = −x, za = 0.5 − h0 − h1 = 0.5 − |x|.
  const model = () =>
    fixedDenseModel([
      { kernel: [[1, -1]], bias: [0, 0], activation: 'relu' },
      { kernel: [[1, -1, -1], [-1, 1, -1]], bias: [0, 0, 0.5] },
    ]);

  test('hand-built network: abstain saves the certificate near the boundary; standard and verified error as defined', async () => {
    const m = model();
    // x = 1 (class 0), eps 0.2: z0 ≥ 0.8 > z1 everywhere → certified without abstain.
    // x = 0.3 (class 0), eps 0.4: the ball reaches x = −0.1 where z1 > z0, but there za = 0.4 > z1 = 0.1;
    // on [−0.1, 0.7]: max(z0, za) − z1 ≥ 0 everywhere → certified only thanks to the abstain class.
    // x = 0.3 (class 0), eps 1: reaches x = −0.7 where z1 = 0.7 > za, z0 → not certified.
    const x = tf.tensor2d([[1], [0.3], [0.3], [0.05]]);
    const v1 = await verifyAbstain(m, tf.slice(x, 0, 2), [0, 0], 0.2, { numClasses: 2 });
    expect(Array.from(v1.certified)).toEqual([1, 1]);
    const v2 = await verifyAbstain(m, tf.slice(x, 1, 1), [0], 0.4, { numClasses: 2 });
    expect(v2.certified[0]).toBe(1);
    expect(v2.lambda[1]).toBeGreaterThan(0); // the abstain class carries weight
    const v3 = await verifyAbstain(m, tf.slice(x, 2, 1), [0], 1, { numClasses: 2 });
    expect(v3.certified[0]).toBe(0);
    // x = 0.05: the clean output is the abstain class (za = 0.45 > z0 = 0.05): a standard error,
    // so not verified even though the ball is certified (outputs in {y} ∪ A).
    const v4 = await verifyAbstain(m, tf.slice(x, 3, 1), [0], 0.01, { numClasses: 2 });
    expect(v4.cleanPrediction[0]).toBe(2);
    expect(v4.certified[0]).toBe(1);
    expect(v4.verified[0]).toBe(0);
    expect(v4.standardError).toBe(1);
    expect(v4.verifiedError).toBe(1);
    expect(v4.abstainClean).toBe(1);
    x.dispose();
    m.dispose();
  });

  test('sound: never certifies an input whose ball holds a point classified outside {y} ∪ A (dense scan)', async () => {
    const m = model();
    const xs = Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);
    const eps = 0.3;
    const x = tf.tensor2d(xs.map((v) => [v]));
    const y = xs.map((v) => (v >= 0 ? 0 : 1));
    const v = await verifyAbstain(m, x, y, eps, { numClasses: 2 });
    xs.forEach((x0, i) => {
      if (!v.certified[i]) return;
      for (let s = 0; s <= 200; s++) {
        const u = x0 - eps + (2 * eps * s) / 200;
        const z = [u, -u, 0.5 - Math.abs(u)];
        expect(Math.max(z[y[i]], z[2])).toBeGreaterThanOrEqual(z[1 - y[i]] - 1e-6);
      }
    });
    expect(v.certified.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    x.dispose();
    m.dispose();
  });

  test('bad input is refused with a message; no tensors leak', async () => {
    const m = model();
    const x = tf.tensor2d([[0.5]]);
    await expect(verifyAbstain(m, x, [0, 1], 0.1, { numClasses: 2 })).rejects.toThrow(/1 inputs but 2 labels/);
    await expect(verifyAbstain(m, x, [2], 0.1, { numClasses: 2 })).rejects.toThrow(/regular class/);
    await expect(verifyAbstain(m, x, [0], 0.1, { numClasses: 5 })).rejects.toThrow(/fewer than K/);
    await expect(verifyAbstain(m, x, [0], -1, { numClasses: 2 })).rejects.toThrow(/eps/);
    await expect(verifyAbstain(m, x, [0], 0.1, { numClasses: 2, box: [0.6, 1] })).rejects.toThrow(/outside the input box/);
    await expectNoTensorLeak(() => verifyAbstain(m, x, [0], 0.1, { numClasses: 2, exactSingleAbstain: false }));
    x.dispose();
    m.dispose();
  });
});
