/**
 * src/core/certify/stats.ts against scipy 1.10 / statsmodels 0.13 (scripts/make-stats-fixtures.py
 * → test/fixtures/stats.json), closed forms and argument validation.
 * Tolerance: relative 1e-12 for every fixture value (observed at most ~2e-13: normCdf(−30) and
 * p-values at n = 100000); p-values below 1e-300 (pmf underflow, where scipy's own two APIs
 * disagree in the subnormals) are compared with an absolute floor of 1e-300.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  binomTestTwoSided,
  clopperPearsonLower,
  clopperPearsonUpper,
  normCdf,
  normInv,
} from '../../src/core/certify/stats';

interface Fixture {
  scipy: string;
  statsmodels: string;
  clopperPearson: { k: number; n: number; alpha: number; lower: number; upper: number }[];
  normInv: { p: number; x: number }[];
  normCdf: { x: number; p: number }[];
  binomTest: { k: number; n: number; p: number; pvalue: number; pvalueBinomtest: number }[];
  certify: { sigma: number; n: number; k: number; alpha: number; pALower: number; radius: number };
}
const F: Fixture = JSON.parse(readFileSync(new URL('../fixtures/stats.json', import.meta.url), 'utf8'));

const RTOL = 1e-12;
function expectClose(actual: number, expected: number, what: string, floor = 0): void {
  const err = Math.abs(actual - expected);
  if (!(actual === expected || err <= RTOL * Math.abs(expected) + floor)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (relative error ${err / Math.abs(expected)})`);
  }
}

describe('against scipy / statsmodels fixtures', () => {
  test(`fixture header names the versions (scipy ${F.scipy}, statsmodels ${F.statsmodels})`, () => {
    expect(F.clopperPearson.length).toBeGreaterThan(100);
  });

  test('Clopper–Pearson bounds = proportion_confint(k, n, alpha=2a, method="beta")', () => {
    for (const c of F.clopperPearson) {
      const at = `(k=${c.k}, n=${c.n}, alpha=${c.alpha})`;
      expectClose(clopperPearsonLower(c.k, c.n, c.alpha), c.lower, `lower ${at}`);
      expectClose(clopperPearsonUpper(c.k, c.n, c.alpha), c.upper, `upper ${at}`);
    }
  });

  test('normInv = norm.ppf, normCdf = norm.cdf', () => {
    for (const c of F.normInv) expectClose(normInv(c.p), c.x, `normInv(${c.p})`);
    for (const c of F.normCdf) expectClose(normCdf(c.x), c.p, `normCdf(${c.x})`);
  });

  test('binomTestTwoSided = binom_test(k, n, p) (two-sided)', () => {
    for (const c of F.binomTest) {
      expectClose(binomTestTwoSided(c.k, c.n, c.p), c.pvalue, `binomTest(${c.k}, ${c.n}, ${c.p})`, 1e-300);
      expectClose(c.pvalueBinomtest, c.pvalue, `scipy binomtest vs binom_test (${c.k}, ${c.n}, ${c.p})`, 1e-300);
    }
  });

  test('Cohen-style CERTIFY radius sigma · Φ⁻¹(pA_lower), n = 100000, k = 99000, alpha = 0.001', () => {
    const { sigma, n, k, alpha, pALower, radius } = F.certify;
    const pA = clopperPearsonLower(k, n, alpha);
    expectClose(pA, pALower, 'pA_lower');
    expectClose(sigma * normInv(pA), radius, 'radius');
  });
});

describe('closed forms', () => {
  test('clopperPearsonLower(n, n, a) = a^(1/n), clopperPearsonUpper(0, n, a) = 1 − a^(1/n)', () => {
    for (const n of [1, 2, 7, 100, 100000]) {
      for (const a of [0.001, 0.01, 0.05, 0.3]) {
        expectClose(clopperPearsonLower(n, n, a), a ** (1 / n), `lower(${n}, ${n}, ${a})`);
        expectClose(clopperPearsonUpper(0, n, a), -Math.expm1(Math.log(a) / n), `upper(0, ${n}, ${a})`);
      }
    }
    expect(clopperPearsonLower(0, 10, 0.05)).toBe(0);
    expect(clopperPearsonUpper(10, 10, 0.05)).toBe(1);
  });

  test('lower(k, n, a) = 1 − upper(n − k, n, a)', () => {
    for (const [k, n] of [[3, 10], [99000, 100000], [1, 2]]) {
      const lo = clopperPearsonLower(k, n, 0.001);
      const up = clopperPearsonUpper(n - k, n, 0.001);
      expect(Math.abs(lo - (1 - up))).toBeLessThan(1e-14);
    }
  });

  test('normInv(normCdf(x)) = x; ends and centre', () => {
    for (let x = -30; x <= 3; x += 0.25) {
      expect(Math.abs(normInv(normCdf(x)) - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)));
    }
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(Object.is(normInv(0.5), 0)).toBe(true);
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Infinity)).toBe(1);
  });

  test('binomTestTwoSided: 2 · 2^−n at the ends, symmetry, 1 at ties, never above 1', () => {
    for (const n of [1, 10, 100]) {
      expectClose(binomTestTwoSided(0, n, 0.5), Math.min(1, 2 * 2 ** -n), `(0, ${n})`);
      expectClose(binomTestTwoSided(n, n), Math.min(1, 2 * 2 ** -n), `(${n}, ${n})`);
    }
    for (const [k, n] of [[3, 10], [40, 100], [4900, 10000], [3, 7]]) {
      expect(binomTestTwoSided(k, n)).toBe(binomTestTwoSided(n - k, n));
    }
    expect(binomTestTwoSided(50, 100)).toBe(1);
    expect(binomTestTwoSided(49, 99)).toBe(1);
    expect(binomTestTwoSided(3, 10, 0.3)).toBe(1);
    for (let k = 0; k <= 30; k++) expect(binomTestTwoSided(k, 30, 1 / 3)).toBeLessThanOrEqual(1);
  });
});

describe('argument validation', () => {
  test.each([
    ['k non-integer', () => clopperPearsonLower(1.5, 10, 0.01)],
    ['k negative', () => clopperPearsonUpper(-1, 10, 0.01)],
    ['k > n', () => clopperPearsonLower(11, 10, 0.01)],
    ['n < 1', () => clopperPearsonLower(0, 0, 0.01)],
    ['n non-integer', () => clopperPearsonUpper(1, 10.5, 0.01)],
    ['n NaN', () => binomTestTwoSided(1, NaN)],
    ['alpha = 0', () => clopperPearsonLower(1, 10, 0)],
    ['alpha = 1', () => clopperPearsonUpper(1, 10, 1)],
    ['alpha NaN', () => clopperPearsonLower(1, 10, NaN)],
    ['p > 1 (binomTest)', () => binomTestTwoSided(1, 10, 1.01)],
    ['p < 0 (binomTest)', () => binomTestTwoSided(1, 10, -0.1)],
    ['k > n (binomTest)', () => binomTestTwoSided(11, 10)],
    ['p < 0 (normInv)', () => normInv(-1e-9)],
    ['p > 1 (normInv)', () => normInv(1.5)],
    ['p NaN (normInv)', () => normInv(NaN)],
    ['x NaN (normCdf)', () => normCdf(NaN)],
  ])('%s throws RangeError', (_name, call) => {
    expect(call).toThrow(RangeError);
  });
});
