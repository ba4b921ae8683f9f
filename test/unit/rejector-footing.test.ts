/**
 * Paper 000's rejectors on the abstain arena's footing (src/core/experiments/rejectorFooting.ts):
 * one threshold from the clean set (TPR rule of metrics/selective.ts), held under attack; attacked
 * sets grouped by threat model; decisions per input read by hand from a small evaluation; a
 * non-finite output under attack counts as a wrong answer, not an abstention.
 */
import { describe, expect, test } from 'vitest';
import { rejectorFooting } from '../../src/core/experiments/rejectorFooting';
import type { ScoredSet } from '../../src/core/experiments/rconRejectionMetrics';
import { tprAccuracy } from '../../src/core/metrics/selective';

const setting = (id: string, kind: 'clean' | 'pgd' | 'adaptive', eps: number, norm: 'linf' | 'l2' = 'linf') => ({ id, label: id, kind, norm, eps, steps: 10, restarts: 1 });

function scored(id: string, kind: 'clean' | 'pgd' | 'adaptive', eps: number, predictions: number[], correct: number[], confidence: number[], norm: 'linf' | 'l2' = 'linf'): ScoredSet {
  return {
    id, label: id, kind, adversarial: kind !== 'clean', setting: setting(id, kind, eps, norm),
    predictions: Int32Array.from(predictions), correct: Uint8Array.from(correct), logits: new Float32Array(3 * predictions.length), aux: null, selection: null,
    scores: { confidence: Float32Array.from(confidence) }, nonFinite: predictions.filter((p) => p < 0).length,
  };
}

// Six inputs. Clean: right on 0-3 (confidences 0.9 0.8 0.7 0.3), wrong on 4 (0.95) and 5 (0.2).
const clean = scored('clean', 'clean', 0, [0, 1, 2, 0, 1, 2], [1, 1, 1, 1, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.95, 0.2]);
// TPR 0.75 keeps 3 of the 4 right inputs: the threshold falls between 0.3 and 0.7 (kept: 0 1 2 4).
const pgd = scored('pgd', 'pgd', 0.1, [0, 2, 2, 0, 1, 0], [1, 0, 1, 1, 0, 0], [0.9, 0.85, 0.6, 0.9, 0.99, 0.1]);
const adaptive = scored('adaptive', 'adaptive', 0.1, [0, 1, -1, 0, 1, 2], [1, 1, 0, 1, 0, 0], [0.95, 0.2, 0, 0.95, 0.5, 0.9]);
const wider = scored('pgd-0.2', 'pgd', 0.2, [1, 1, 2, 0, 1, 2], [0, 1, 1, 1, 0, 0], [0.99, 0.9, 0.9, 0.1, 0.99, 0.1]);

describe('rejectorFooting', () => {
  const [f] = rejectorFooting({ numClasses: 3, scoreNames: ['confidence'], tpr: 0.75, sets: [clean, pgd, adaptive, wider] });

  test('the threshold is the TPR rule on the clean set, and is kept for every attack', () => {
    const t = tprAccuracy(clean.scores.confidence!, clean.correct, 0.75);
    expect(f.threshold).toBe(t.threshold);
    expect(f.keepRule).toBe(t.keepRule);
    expect(f.threshold).toBeGreaterThanOrEqual(0.3);
    expect(f.threshold).toBeLessThan(0.7);
  });

  test('attacked sets are grouped by threat model', () => {
    expect(f.threats.map((t) => [t.norm, t.eps, t.sets])).toEqual([
      ['linf', 0.1, ['pgd', 'adaptive']],
      ['linf', 0.2, ['pgd-0.2']],
    ]);
  });

  test('the measures at eps 0.1, read by hand', () => {
    const o = f.threats[0].outcomes;
    // Clean decisions: 0 1 2 right (kept), 3 abstains (0.3), 4 wrong (kept), 5 abstains.
    expect([o.cleanAccuracy.k, o.cleanAbstention.k, o.acceptedAccuracy.k, o.acceptedAccuracy.n]).toEqual([3, 2, 3, 4]);
    // PGD: 0 right, 1 wrong (kept 0.85), 2 right, 3 right, 4 wrong, 5 abstains. Adaptive: 0 right,
    // 1 abstains (0.2), 2 non-finite (a wrong answer), 3 right, 4 wrong (kept 0.5), 5 wrong (kept 0.9).
    // Robust accuracy: right clean and right under both: 0 only.
    expect(o.robustAccuracy.k).toBe(1);
    // Robust inaccuracy: wrong clean and the same wrong class under both: 4 (class 1 throughout).
    expect(o.robustInaccuracy.k).toBe(1);
    // Safe (right clean, never a wrong answer): 0 only (1 was answered wrong by PGD, 2 went non-finite).
    expect(o.robustErrorAbstainSuccess.k).toBe(5);
  });

  test('no clean set, or no right clean input: no footing', () => {
    expect(rejectorFooting({ numClasses: 3, scoreNames: ['confidence'], tpr: 0.95, sets: [pgd] })).toEqual([]);
    const allWrong = scored('clean', 'clean', 0, [1, 1], [0, 0], [0.5, 0.6]);
    expect(rejectorFooting({ numClasses: 3, scoreNames: ['confidence'], tpr: 0.95, sets: [allWrong] })).toEqual([]);
  });
});
