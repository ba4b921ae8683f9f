/** src/core/random.ts: the seeded generator every run draws its randomness from. */
import { describe, expect, test } from 'vitest';
import { Rng, deriveSeed, mix32 } from '../../src/core';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng', () => {
  test('the same seed gives the same stream', () => {
    expect(draws(new Rng(42), 1000)).toEqual(draws(new Rng(42), 1000));
    const a = new Rng(7);
    const b = new Rng(7);
    const mixed = (r: Rng) => [r.uniform(), r.normal(), r.int(10), r.normal(), r.normal(), Array.from(r.permutation(20))];
    expect(mixed(a)).toEqual(mixed(b));
  });

  test('different seeds give different streams', () => {
    const base = draws(new Rng(1), 100);
    for (const seed of [0, 2, 3, 1 + 2 ** 32 - 1, 123456789]) {
      const other = draws(new Rng(seed), 100);
      const same = other.filter((v, i) => v === base[i]).length;
      expect(same, `seed ${seed}`).toBeLessThan(3);
    }
  });

  test('seeds are taken modulo 2^32 (seed and seed + 2^32 agree)', () => {
    expect(draws(new Rng(5), 10)).toEqual(draws(new Rng(5 + 2 ** 32), 10));
  });

  test('uniform() is in [0, 1) with mean ≈ 1/2 and variance ≈ 1/12', () => {
    const rng = new Rng(3);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  test('int(n) covers 0..n-1 evenly', () => {
    const rng = new Rng(11);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(70_000); // no index outside 0..6
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  test('normal() has mean ≈ 0, variance ≈ 1, and Gaussian tails', () => {
    const rng = new Rng(2024);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond2 = 0;
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      if (!Number.isFinite(z)) nonFinite++;
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(nonFinite).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.1); // kurtosis of a Gaussian
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.003); // P(|Z| > 2)
  });

  test('permutation(n) is a permutation of 0..n-1 and depends on the seed', () => {
    for (const n of [0, 1, 2, 17, 1000]) {
      const p = new Rng(n + 1).permutation(n);
      expect(p).toBeInstanceOf(Int32Array);
      expect(p.length).toBe(n);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const a = Array.from(new Rng(1).permutation(50));
    const b = Array.from(new Rng(2).permutation(50));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('permutation is roughly uniform (each element lands in each slot ≈ equally often)', () => {
    const n = 5;
    const trials = 20_000;
    const rng = new Rng(99);
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    for (let t = 0; t < trials; t++) {
      const p = rng.permutation(n);
      p.forEach((v, slot) => counts[v][slot]++);
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(250);
  });

  test('shuffle keeps the elements of an array', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    new Rng(4).shuffle(items);
    expect([...items].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('deriveSeed and mix32', () => {
  test('deriveSeed is deterministic, path-sensitive and 32-bit', () => {
    expect(deriveSeed(1, 'epoch', 3)).toBe(deriveSeed(1, 'epoch', 3));
    const seeds = [deriveSeed(1, 'epoch', 3), deriveSeed(1, 'epoch', 4), deriveSeed(2, 'epoch', 3), deriveSeed(1, 'batch', 3), deriveSeed(1, 'epoch3'), deriveSeed(1)];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });

  test('mix32 returns unsigned 32-bit integers and spreads consecutive inputs', () => {
    const out = Array.from({ length: 1000 }, (_, i) => mix32(i));
    for (const v of out) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    expect(new Set(out).size).toBe(1000);
    // Each output bit is set about half the time.
    for (let bit = 0; bit < 32; bit++) {
      const ones = out.filter((v) => (v >>> bit) & 1).length;
      expect(ones, `bit ${bit}`).toBeGreaterThan(400);
      expect(ones, `bit ${bit}`).toBeLessThan(600);
    }
  });
});
