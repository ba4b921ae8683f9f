/**
 * The abstain arena's common measures (src/core/metrics/abstainOutcomes.ts) on hand-made
 * decisions, where each count can be read off, and on random ones against the rule written out;
 * the 95% intervals against statsmodels' proportion_confint(method="beta", alpha=0.05)
 * (test/fixtures/stats.json, scripts/make-stats-fixtures.py); bad arguments are refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ABSTAIN_DECISION as A, ABSTAIN_MEASURES, ABSTAIN_MEASURE_DEFINITIONS, abstainOutcomes, share } from '../../src/core/metrics/abstainOutcomes';

const fixtures = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'stats.json'), 'utf8')) as { clopperPearson: { k: number; n: number; alpha: number; lower: number; upper: number }[] };

describe('abstainOutcomes', () => {
  // Eight inputs, label 0 each; two attacks.
  const labels = [0, 0, 0, 0, 0, 0, 0, 0];
  const clean = [0, 0, 0, 1, 1, A, A, 0];
  const pgd = [0, A, 2, 1, 1, A, 1, 0];
  const adaptive = [0, 0, 0, 1, A, A, A, 1];

  test('each measure counts what its definition says', () => {
    const o = abstainOutcomes({ labels, clean, attacked: [pgd, adaptive] });
    expect(o.cleanAccuracy.k).toBe(4); // inputs 0 1 2 7
    expect(o.cleanAbstention.k).toBe(2); // 5 6
    expect([o.acceptedAccuracy.k, o.acceptedAccuracy.n]).toEqual([4, 6]);
    // Right and unmoved by both attacks: only 0 (1 was withdrawn, 2 and 7 flipped).
    expect(o.robustAccuracy.k).toBe(1);
    // Wrong and unmoved: 3 (4 was moved to an abstention by the adaptive attack).
    expect(o.robustInaccuracy.k).toBe(1);
    // Safe = right and every attack lands on 0 or abstains: 0 and 1. Errors: the other six.
    expect(o.robustErrorAbstainSuccess.k).toBe(6);
    expect(o.robustAccuracy.n).toBe(8);
  });

  test('without attacks the robust measures reduce to the clean ones', () => {
    const o = abstainOutcomes({ labels, clean, attacked: [] });
    expect(o.robustAccuracy.k).toBe(o.cleanAccuracy.k);
    expect(o.robustInaccuracy.k).toBe(2); // the clean errors 3 and 4
    expect(o.robustErrorAbstainSuccess.k).toBe(8 - 4);
  });

  test('on random decisions: the rule written out, and the orderings that must hold', () => {
    const decision = fc.integer({ min: -1, max: 2 });
    const arb = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.tuple(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }), fc.array(decision, { minLength: n, maxLength: n }), fc.array(fc.array(decision, { minLength: n, maxLength: n }), { maxLength: 3 })),
    );
    fc.assert(
      fc.property(arb, ([y, c, attacks]) => {
        const o = abstainOutcomes({ labels: y, clean: c, attacked: attacks });
        const n = y.length;
        const every = (i: number, p: (v: number) => boolean) => attacks.every((a) => p(a[i]));
        const count = (p: (i: number) => boolean) => y.filter((_, i) => p(i)).length;
        expect(o.robustAccuracy.k).toBe(count((i) => c[i] === y[i] && every(i, (v) => v === y[i])));
        expect(o.robustInaccuracy.k).toBe(count((i) => c[i] !== y[i] && c[i] !== A && every(i, (v) => v === c[i])));
        expect(o.robustErrorAbstainSuccess.k).toBe(n - count((i) => c[i] === y[i] && every(i, (v) => v === y[i] || v === A)));
        // Robust accuracy ≤ 1 − robust error ≤ clean accuracy; robust inaccuracy ≤ clean error.
        expect(o.robustAccuracy.k).toBeLessThanOrEqual(n - o.robustErrorAbstainSuccess.k);
        expect(n - o.robustErrorAbstainSuccess.k).toBeLessThanOrEqual(o.cleanAccuracy.k);
        expect(o.robustInaccuracy.k).toBeLessThanOrEqual(n - o.cleanAccuracy.k - o.cleanAbstention.k);
        for (const m of ABSTAIN_MEASURES) {
          const s = o[m];
          if (s.n === 0) continue;
          expect(s.lower).toBeLessThanOrEqual(s.value);
          expect(s.upper).toBeGreaterThanOrEqual(s.value);
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  test('mismatched lengths and values that are not decisions are refused by name', () => {
    expect(() => abstainOutcomes({ labels: [0, 1], clean: [0], attacked: [] })).toThrow(/clean has 1 decisions for 2 labels/);
    expect(() => abstainOutcomes({ labels: [0, 1], clean: [0, 1], attacked: [[0]] })).toThrow(/attacked\[0\] has 1 decisions for 2 labels/);
    expect(() => abstainOutcomes({ labels: [0], clean: [-2], attacked: [] })).toThrow(/clean\[0\] is -2, not a class index or -1/);
    expect(() => abstainOutcomes({ labels: [0], clean: [0], attacked: [[0.5]] })).toThrow(/attacked\[0\]\[0\] is 0.5/);
    // A label of −1 would count every clean abstention as correct.
    expect(() => abstainOutcomes({ labels: [-1], clean: [-1], attacked: [] })).toThrow(/labels\[0\] is -1, not a class index/);
  });

  test('every measure has a label and a one-sentence definition', () => {
    for (const m of ABSTAIN_MEASURES) {
      expect(ABSTAIN_MEASURE_DEFINITIONS[m].label.length).toBeGreaterThan(5);
      expect(ABSTAIN_MEASURE_DEFINITIONS[m].definition).toMatch(/^[A-Z].*\.$/);
    }
  });
});

describe('share: k/n with its 95% Clopper–Pearson interval', () => {
  const cases = fixtures.clopperPearson.filter((c) => c.alpha === 0.025);

  test('equals statsmodels proportion_confint(k, n, alpha=0.05, method="beta")', () => {
    expect(cases.length).toBeGreaterThan(40);
    for (const c of cases) {
      const s = share(c.k, c.n);
      expect(s.value).toBe(c.k / c.n);
      expect(s.lower).toBeCloseTo(c.lower, 9);
      expect(s.upper).toBeCloseTo(c.upper, 9);
    }
  });

  test('no inputs: NaN; bad counts are refused', () => {
    expect(Number.isNaN(share(0, 0).value)).toBe(true);
    expect(() => share(3, 2)).toThrow(/0 ≤ k ≤ n \(got k = 3, n = 2\)/);
    expect(() => share(1.5, 2)).toThrow(/whole numbers/);
  });
});
