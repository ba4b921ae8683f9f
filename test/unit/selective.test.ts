/**
 * src/core/metrics/selective.ts (paper 000: TPR-95 accuracy, ROC-AUC, ROC curve,
 * accuracy–coverage, Theorem 1's coupled rejection, Definition 1's xi-error).
 *  - Against test/fixtures/selective.json (scripts/make-selective-fixtures.py: sklearn's
 *    roc_auc_score / roc_curve, and a transparent numpy TPR-x accuracy in the authors' convention,
 *    cross-checked there against sklearn's roc_curve). Counts, ROC points, thresholds and
 *    TPR-x results must agree exactly (same float64 operations); the AUC to 1e-12 (sklearn
 *    integrates trapezoids, we count pairs) and exactly against the brute-force pair count.
 *  - Hand-made cases for the coupled rejection and closed forms for xi-error; Theorem 1 as a
 *    property on random softmax outputs; validation errors.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  SelectiveMetricError,
  accuracyCoverageCurve,
  coupledRejection,
  isSelectiveMetricError,
  rocAuc,
  rocCurve,
  tprAccuracy,
  xiError,
  type TprConvention,
} from '../../src/core/metrics/selective';

interface Roc {
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
  sklearnThreshold0: number;
}
interface Fixture {
  sklearn: string;
  numpy: string;
  datasets: { name: string; scores: number[]; labels: number[] }[];
  roc: { name: string; auc: number; u2: number; P: number; N: number; roc: Roc; rocAll?: Roc }[];
  tpr: {
    name: string;
    results: {
      target: number;
      convention: TprConvention;
      threshold: number | null;
      kept: number;
      keptCorrect: number;
      accuracy: number | null;
      coverage: number;
      tprKept: number;
      rocTpr: number;
    }[];
  }[];
  coverage: { name: string; thresholds: number[]; kept: number[]; accuracy: number[]; area: number }[];
}
const F: Fixture = JSON.parse(readFileSync(new URL('../fixtures/selective.json', import.meta.url), 'utf8'));
const data = (name: string) => {
  const d = F.datasets.find((x) => x.name === name);
  if (!d) throw new Error(`no dataset ${name}`);
  return d;
};
const inf = (x: number | null) => (x === null ? Infinity : x);
const nan = (x: number | null) => (x === null ? NaN : x);

describe(`against sklearn ${F.sklearn} / numpy ${F.numpy} fixtures`, () => {
  test('the fixture has its cases', () => {
    expect(F.roc.length).toBeGreaterThanOrEqual(15);
    expect(F.tpr.length).toBeGreaterThanOrEqual(18);
  });

  for (const c of F.roc) {
    test(`rocAuc and rocCurve: ${c.name}`, () => {
      const d = data(c.name);
      const auc = rocAuc(d.scores, d.labels);
      expect(Math.abs(auc - c.auc)).toBeLessThanOrEqual(1e-12);
      expect(auc).toBe(c.u2 / (2 * c.P * c.N));
      // booleans give the same
      expect(rocAuc(d.scores, d.labels.map((l) => l === 1))).toBe(auc);

      const r = rocCurve(d.scores, d.labels);
      expect(r.fpr).toEqual(c.roc.fpr);
      expect(r.tpr).toEqual(c.roc.tpr);
      expect(r.thresholds).toEqual(c.roc.thresholds.map(inf));
      expect(r.thresholds[0]).toBe(Infinity);
      if (c.rocAll) {
        const all = rocCurve(d.scores, d.labels, { dropIntermediate: false });
        expect(all.fpr).toEqual(c.rocAll.fpr);
        expect(all.tpr).toEqual(c.rocAll.tpr);
        expect(all.thresholds).toEqual(c.rocAll.thresholds.map(inf));
      }
    });
  }

  for (const c of F.tpr) {
    test(`tprAccuracy: ${c.name}`, () => {
      const d = data(c.name);
      for (const e of c.results) {
        const r = tprAccuracy(d.scores, d.labels, e.target, { convention: e.convention });
        const what = `${e.convention} @ ${e.target}`;
        expect(r.threshold, what).toBe(inf(e.threshold));
        expect(r.keepRule, what).toBe(e.convention === 'authors' ? '>' : '>=');
        expect(r.kept, what).toBe(e.kept);
        expect(r.keptCorrect, what).toBe(e.keptCorrect);
        expect(r.accuracy, what).toBe(nan(e.accuracy));
        expect(r.coverage, what).toBe(e.coverage);
        expect(r.tprKept, what).toBe(e.tprKept);
        expect(r.rocTpr, what).toBe(e.rocTpr);
      }
    });
  }

  for (const c of F.coverage) {
    test(`accuracyCoverageCurve: ${c.name}`, () => {
      const d = data(c.name);
      const r = accuracyCoverageCurve(d.scores, d.labels);
      expect(r.thresholds).toEqual(c.thresholds);
      expect(r.kept).toEqual(c.kept);
      expect(r.coverage).toEqual(c.kept.map((k) => k / d.scores.length));
      expect(r.accuracy).toEqual(c.accuracy);
      expect(Math.abs(r.area - c.area)).toBeLessThanOrEqual(1e-12);
    });
  }
});

describe('tprAccuracy conventions by hand', () => {
  test('the authors’ strict rule rejects the whole tie group at the threshold', () => {
    // 20 correct: 10 at 0.9, 9 at 0.8 with 1 wrong, 1 at 0.1; 3 wrong at 0.2.
    const scores = [...Array(10).fill(0.9), ...Array(10).fill(0.8), 0.2, 0.2, 0.2, 0.1];
    const correct = [...Array(19).fill(true), false, false, false, false, true];
    const a = tprAccuracy(scores, correct); // defaults: tpr 0.95, 'authors'
    expect(a.convention).toBe('authors');
    expect(a.threshold).toBe(0.8);
    expect(a.rocTpr).toBe(0.95); // the ROC point counts score >= 0.8 ...
    expect(a.kept).toBe(10); // ... but score > 0.8 is kept
    expect(a.tprKept).toBe(0.5);
    expect(a.accuracy).toBe(1);
    expect(a.coverage).toBe(10 / 24);
    const b = tprAccuracy(scores, correct, 0.95, { convention: 'atLeast' });
    expect(b.threshold).toBe(0.8);
    expect(b.kept).toBe(20);
    expect(b.keptCorrect).toBe(19);
    expect(b.accuracy).toBe(0.95);
    expect(b.fprKept).toBe(0.25);
    expect(b.accuracyAll).toBe(20 / 24);
  });

  test('drop_intermediate: a run of correct inputs offers no ROC point near the target', () => {
    // 100 correct at 0.001..0.100, one wrong at 0.0005. roc_curve keeps only the ends of the
    // vertical run: tpr 0, 0.01, 1, 1, so the authors' rule picks tpr 1 (T = 0.001, first of the
    // two) and keeps score > 0.001: 99 correct.
    const scores = [...Array.from({ length: 100 }, (_, i) => (i + 1) / 1000), 0.0005];
    const correct = [...Array(100).fill(1), 0];
    expect(rocCurve(scores, correct).tpr).toEqual([0, 0.01, 1, 1]);
    const a = tprAccuracy(scores, correct, 0.95);
    expect(a.threshold).toBe(0.001);
    expect(a.rocTpr).toBe(1);
    expect([a.kept, a.keptCorrect, a.tprKept, a.accuracy]).toEqual([99, 99, 0.99, 1]);
    const b = tprAccuracy(scores, correct, 0.95, { convention: 'atLeast' });
    expect(b.threshold).toBe(0.006);
    expect([b.kept, b.keptCorrect, b.tprKept, b.accuracy]).toEqual([95, 95, 0.95, 1]);
  });

  test('the target 1 keeps every correct input with atLeast', () => {
    const r = tprAccuracy([0.3, 0.9, 0.1, 0.5], [1, 0, 1, 0], 1, { convention: 'atLeast' });
    expect(r.threshold).toBe(0.1);
    expect(r.kept).toBe(4);
    expect(r.accuracy).toBe(0.5);
  });

  test('accepts typed arrays', () => {
    const s = new Float32Array([0.25, 0.5, 0.75, 1]);
    expect(tprAccuracy(s, new Uint8Array([0, 1, 1, 1]), 0.6, { convention: 'atLeast' }).kept).toBe(2);
    expect(rocAuc(s, new Uint8Array([0, 1, 0, 1]))).toBe(0.75);
  });
});

describe('rocAuc properties', () => {
  const arb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 40 })
    .filter((xs) => xs.some((x) => x[1]) && xs.some((x) => !x[1]));
  test('equals the brute-force pair count; 1 − AUC for negated scores; invariant to order', () => {
    fc.assert(
      fc.property(arb, (xs) => {
        const s = xs.map((x) => x[0] / 4);
        const l = xs.map((x) => x[1]);
        let u = 0;
        let pairs = 0;
        for (let i = 0; i < s.length; i++) {
          for (let j = 0; j < s.length; j++) {
            if (l[i] && !l[j]) {
              pairs++;
              u += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
            }
          }
        }
        const auc = rocAuc(s, l);
        expect(auc).toBeCloseTo(u / pairs, 14);
        expect(rocAuc(s.map((v) => -v), l)).toBeCloseTo(1 - auc, 14);
        expect(rocAuc([...s].reverse(), [...l].reverse())).toBe(auc);
      }),
    );
  });

  test('all-tied scores give 1/2', () => {
    expect(rocAuc([3, 3, 3, 3, 3], [1, 0, 0, 1, 1])).toBe(0.5);
  });

  test('accuracy–coverage area is 1 − AURC for distinct scores', () => {
    const s = [0.9, 0.1, 0.6, 0.4, 0.75, 0.3];
    const ok = [1, 0, 0, 1, 1, 1];
    const order = [0, 4, 2, 3, 5, 1];
    let mean = 0;
    let hits = 0;
    order.forEach((i, k) => {
      hits += ok[i];
      mean += hits / (k + 1) / s.length;
    });
    expect(accuracyCoverageCurve(s, ok).area).toBeCloseTo(mean, 15);
  });
});

describe('coupledRejection (Theorem 1)', () => {
  const xi = 0.2; // stage 1: Con > 1/1.8 = 0.5556
  const cases: Array<{ con: number; rCon: number; correct: boolean; s1: boolean; s2: boolean }> = [
    { con: 0.9, rCon: 0.8, correct: true, s1: true, s2: true }, // kept, rightly
    { con: 0.9, rCon: 0.3, correct: true, s1: true, s2: false }, // correct rejected by R-Con
    { con: 0.7, rCon: 0.2, correct: false, s1: true, s2: false }, // wrong rejected by R-Con
    { con: 0.7, rCon: 0.6, correct: false, s1: true, s2: true }, // wrong kept
    { con: 0.5, rCon: 0.45, correct: true, s1: false, s2: false }, // stopped by Con
    { con: 0.4, rCon: 0.1, correct: false, s1: false, s2: false },
    { con: 1 / (2 - xi), rCon: 0.55, correct: true, s1: false, s2: true }, // Con at the line: rejected (strict)
    { con: 0.6, rCon: 0.5, correct: true, s1: true, s2: true }, // R-Con at 1/2: kept (≥)
  ];
  const r = coupledRejection(
    cases.map((c) => c.con),
    cases.map((c) => c.rCon),
    cases.map((c) => c.correct),
    xi,
  );

  test('stage flags on each side of both lines', () => {
    expect(r.conThreshold).toBe(1 / 1.8);
    expect(r.rConThreshold).toBe(0.5);
    expect(r.passStage1).toEqual(cases.map((c) => c.s1));
    expect(r.passStage2).toEqual(cases.map((c) => c.s2));
    expect(r.accepted).toEqual(cases.map((c) => c.s1 && c.s2));
  });

  test('counts', () => {
    expect(r.counts).toEqual({
      total: 8,
      correct: 5,
      rejectedStage1: 3,
      passedStage1: 5,
      rejectedStage2: 2,
      accepted: 3,
      acceptedCorrect: 2,
      acceptedWrong: 1,
    });
    expect(r.coverage).toBe(3 / 8);
    expect(r.acceptedAccuracy).toBe(2 / 3);
  });

  test('separation by R-Con = 1/2 among the inputs passing stage 1', () => {
    const s = r.separation;
    expect(s.n).toBe(5);
    expect([s.correctKept, s.correctRejected, s.wrongRejected, s.wrongKept]).toEqual([2, 1, 1, 1]);
    expect(s.errors).toBe(2);
    expect(s.accuracy).toBe(3 / 5);
    expect(s.separated).toBe(false);
    expect(s.minCorrectRCon).toBe(0.3);
    expect(s.maxWrongRCon).toBe(0.6);
    expect(s.separableByThreshold).toBe(false);
    // correct R-Con {0.8, 0.3, 0.5} vs wrong {0.2, 0.6}: pairs won 2 + 1 + 1 = 4 of 6
    expect(s.auc).toBe(4 / 6);
    expect(r.theorem).toBeUndefined();
  });

  test('a separated case, and the theorem check with a xi-error mask', () => {
    const q = coupledRejection([0.9, 0.8, 0.95, 0.3], [0.85, 0.1, 0.49, 0.9], [1, 0, 0, 1], 0.5, {
      xiErrorMask: [1, 1, 0, 1],
    });
    expect(q.conThreshold).toBe(2 / 3);
    expect(q.separation.separated).toBe(true);
    expect(q.separation.separableByThreshold).toBe(true);
    expect(q.separation.auc).toBe(1);
    expect(q.theorem).toEqual({ covered: 2, violations: 0, violationIndices: [] });
    // a class absent among the passed inputs: no AUC, still "separated"
    const one = coupledRejection([0.9, 0.2], [0.8, 0.1], [1, 0], 0);
    expect(one.separation.auc).toBeNull();
    expect(one.separation.maxWrongRCon).toBeNaN();
    expect(one.separation.separableByThreshold).toBe(true);
  });

  test('the mask reports violations when A_phi is wrongly declared xi-error', () => {
    // wrong input with Con 0.9 > 1/(2-0.5) and R-Con 0.7: impossible if A_phi were 0.5-error there
    const q = coupledRejection([0.9, 0.9], [0.7, 0.95], [0, 1], 0.5, { xiErrorMask: [true, true] });
    expect(q.theorem).toEqual({ covered: 2, violations: 1, violationIndices: [0] });
  });

  test('property: no violation on random softmax outputs with a xi-error A_phi (both bounds)', () => {
    // Integers scaled down: fc.double draws mostly edge values (all-equal logits, xi ∈ {0, 0.99}).
    const scaled = (lo: number, hi: number, k: number) => fc.integer({ min: lo, max: hi }).map((v) => v / k);
    const item = fc.record({
      logits: fc.array(scaled(-600, 600, 100), { minLength: 2, maxLength: 6 }),
      boost: scaled(0, 800, 100), // added to one logit, so that many inputs pass stage 1
      boostPick: fc.nat(),
      labelPick: fc.nat(),
      u: scaled(-999, 999, 1000),
      geometric: fc.boolean(),
    });
    const batch = fc.record({ xi: scaled(0, 99, 100), items: fc.array(item, { minLength: 1, maxLength: 30 }) });
    let covered = 0;
    let wrongCovered = 0;
    fc.assert(
      fc.property(batch, ({ xi, items }) => {
        const con: number[] = [];
        const rCon: number[] = [];
        const ok: boolean[] = [];
        const aPhi: number[] = [];
        const fY: number[] = [];
        for (const it of items) {
          const z = it.logits.map((v, k) => (k === it.boostPick % it.logits.length ? v + it.boost : v));
          const mx = Math.max(...z);
          const e = z.map((v) => Math.exp(v - mx));
          const sum = e.reduce((a, b) => a + b, 0);
          const p = e.map((v) => v / sum);
          const ym = p.indexOf(Math.max(...p));
          const y = it.labelPick % p.length;
          const aStar = p[y] / p[ym];
          // strictly inside bound (i) or bound (ii) at xi (|u| < 1), clipped to [0, 1] (stays inside)
          const a = it.geometric
            ? Math.min(1, aStar * Math.pow(2 / (2 - xi), it.u))
            : Math.min(1, Math.max(0, aStar + (it.u * xi) / 2));
          con.push(p[ym]);
          rCon.push(p[ym] * a);
          ok.push(y === ym);
          aPhi.push(a);
          fY.push(p[y]);
        }
        const x = xiError(aPhi, fY, con, { xi });
        expect(x.isXiError!.every(Boolean)).toBe(true);
        const q = coupledRejection(con, rCon, ok, xi, { xiErrorMask: x.isXiError! });
        covered += q.theorem!.covered;
        wrongCovered += q.separation.wrongKept + q.separation.wrongRejected;
        expect(q.theorem!.violations).toBe(0);
        expect(q.separation.separated).toBe(true);
      }),
      { numRuns: 300 },
    );
    // the property was not vacuous: many inputs passed stage 1, wrong ones among them
    expect(covered).toBeGreaterThan(500);
    expect(wrongCovered).toBeGreaterThan(50);
  });
});

describe('xiError (Definition 1)', () => {
  test('closed forms', () => {
    // A* = 0.2/0.8 = 0.25; A = 0.4: |A − A*| = 0.15 → xi_ii = 0.3; A*/A = 0.625 → xi_i = 0.75
    // A = A* = 0.5 (0.3/0.6): 0; random guess 1/2 with A* = 1: both 1 (not xi-error for xi < 1);
    // A = 0, A* = 0: 0; A = 0.3, A* = 0: xi_i = 2 (never), xi_ii = 0.6.
    const r = xiError([0.4, 0.5, 0.5, 0, 0.3], [0.2, 0.3, 0.7, 0, 0], [0.8, 0.6, 0.7, 0.9, 0.5]);
    expect(r.aStar).toEqual([0.25, 0.5, 1, 0, 0]);
    expect(r.xiArithmetic[0]).toBeCloseTo(0.3, 15);
    expect(r.xiGeometric[0]).toBeCloseTo(0.75, 15);
    expect(r.xiMin[0]).toBeCloseTo(0.3, 15);
    expect(r.xiGeometric.slice(1)).toEqual([0, 1, 0, 2]);
    expect(r.xiArithmetic.slice(1)).toEqual([0, 1, 0, 0.6]);
    expect(r.xiMin.slice(1)).toEqual([0, 1, 0, 0.6]);
    expect(r.countXiErrorSomeXi).toBe(4);
    expect(r.isXiError).toBeUndefined();
  });

  test('both bounds as written in Eq. (6) at a given xi', () => {
    // A = 0.4, A* = 0.25: log(1.6) = 0.47 vs log(2/1.5) = 0.288 → (i) fails; 0.15 ≤ 0.25 → (ii) holds
    const a = xiError([0.4], [0.2], [0.8], { xi: 0.5 });
    expect(a.boundGeometric).toEqual([false]);
    expect(a.boundArithmetic).toEqual([true]);
    expect(a.isXiError).toEqual([true]);
    expect(a.countXiError).toBe(1);
    const b = xiError([0.4], [0.2], [0.8], { xi: 0.2 }); // 0.15 > 0.1
    expect(b.isXiError).toEqual([false]);
    const c = xiError([0.4], [0.2], [0.8], { xi: 0.8 }); // log(2/1.2) = 0.51 ≥ 0.47
    expect(c.boundGeometric).toEqual([true]);
    // A = 0.9, A* = 1 (correct input): bound (i) log(10/9) ≤ log(2/(2 − xi)) iff xi ≥ 0.2
    expect(xiError([0.9], [0.6], [0.6], { xi: 0.21 }).boundGeometric).toEqual([true]);
    expect(xiError([0.9], [0.6], [0.6], { xi: 0.19 }).boundGeometric).toEqual([false]);
  });

  test('property: flags agree with the closed-form minimum xi; bound (i) implies bound (ii)', () => {
    const p = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(p, p, fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true }), (a, t, m0, xi) => {
        const m = Math.max(m0, t);
        const r = xiError([a], [t], [m], { xi });
        const g = r.xiGeometric[0];
        const ar = r.xiArithmetic[0];
        expect(g).toBeGreaterThanOrEqual(ar - 1e-15);
        if (Math.abs(xi - g) > 1e-9) expect(r.boundGeometric![0]).toBe(xi >= g);
        if (Math.abs(xi - ar) > 1e-9) expect(r.boundArithmetic![0]).toBe(xi >= ar);
        if (r.boundGeometric![0]) expect(r.boundArithmetic![0]).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('validation', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(isSelectiveMetricError(e)).toBe(true);
      expect(e).toBeInstanceOf(SelectiveMetricError);
      return (e as SelectiveMetricError).code;
    }
    throw new Error('did not throw');
  };

  test('lengths differ, empty input', () => {
    expect(() => rocAuc([0.1, 0.2], [1])).toThrow(/rocAuc: scores has 2 entries but positives has 1/);
    expect(code(() => tprAccuracy([0.1], [1, 0]))).toBe('length');
    expect(code(() => coupledRejection([0.9], [0.5, 0.1], [1], 0))).toBe('length');
    expect(code(() => coupledRejection([0.9], [0.5], [1], 0, { xiErrorMask: [1, 0] }))).toBe('length');
    expect(code(() => xiError([0.5], [0.5], []))).toBe('length');
    expect(() => accuracyCoverageCurve([], [])).toThrow(/no inputs/);
  });

  test('NaN and infinite scores, bad labels', () => {
    expect(() => rocAuc([0.1, NaN], [1, 0])).toThrow(/scores\[1\] is NaN/);
    expect(code(() => tprAccuracy([Infinity, 0.2], [1, 0]))).toBe('infinite');
    expect(code(() => rocCurve([-Infinity, 0.2], [1, 0]))).toBe('infinite');
    expect(() => tprAccuracy([0.1, 0.2], [1, 2])).toThrow(/correct\[1\] must be true\/false or 1\/0, got 2/);
    expect(code(() => rocAuc([0.1, 0.2], [1, 0.5]))).toBe('label');
    expect(code(() => coupledRejection([0.9, NaN], [0.5, 0.1], [1, 0], 0))).toBe('nan');
  });

  test('tpr outside (0, 1], xi outside [0, 1), unknown convention', () => {
    for (const t of [0, -0.1, 1.0000001, NaN, 2]) {
      expect(() => tprAccuracy([0.1, 0.2], [1, 0], t)).toThrow(/tpr must be in \(0, 1\]/);
    }
    for (const xi of [1, -0.01, NaN]) {
      expect(() => coupledRejection([0.9], [0.5], [1], xi)).toThrow(/xi must be in \[0, 1\)/);
      expect(code(() => xiError([0.5], [0.5], [0.5], { xi }))).toBe('range');
    }
    expect(code(() => tprAccuracy([0.1], [1], 0.9, { convention: 'nearest' as TprConvention }))).toBe('range');
  });

  test('only one class present', () => {
    expect(() => rocAuc([0.1, 0.2, 0.3], [1, 1, 1])).toThrow(/only one class present \(3 positive, 0 negative\)/);
    expect(code(() => rocAuc([0.1, 0.2], [false, false]))).toBe('one-class');
    expect(code(() => rocCurve([0.1, 0.2], [0, 0]))).toBe('one-class');
    expect(code(() => tprAccuracy([0.1, 0.2], [0, 0]))).toBe('no-correct');
    // all correct is fine for TPR-x accuracy and the accuracy–coverage curve
    expect(tprAccuracy([0.1, 0.2], [1, 1]).accuracy).toBe(1);
    expect(accuracyCoverageCurve([0.1, 0.2], [0, 0]).accuracy).toEqual([0, 0]);
  });

  test('probabilities outside [0, 1]; fY above fYm; zero confidence', () => {
    expect(() => coupledRejection([1.2], [0.5], [1], 0)).toThrow(/con\[0\] = 1.2 is not a probability/);
    expect(code(() => coupledRejection([0.9], [-0.5], [1], 0))).toBe('range');
    expect(coupledRejection([1 + 1e-7], [0.5], [1], 0).accepted).toEqual([true]); // float32 slack
    expect(() => xiError([0.5], [0.7], [0.6])).toThrow(/fY\[0\] = 0.7 exceeds fYm\[0\] = 0.6/);
    expect(code(() => xiError([0.5], [0], [0]))).toBe('range');
  });
});
