/**
 * The certification log (src/core/certify/log.ts) against strings written by Python the way
 * Cohen et al.'s certify.py / predict.py write them (scripts/make-log-fixtures.py →
 * test/fixtures/certify-log.json), and the certified-accuracy metrics on hand-made rows.
 */
import { describe, expect, test } from 'vitest';
import fixture from '../fixtures/certify-log.json';
import { type CertificationRow, formatCertificationLog, formatPython3, formatTimedelta, parseCertificationLog, parseTimedelta } from '../../src/core/certify/log';
import { averageCertifiedRadius, certifiedAccuracyAt, certifiedAccuracyCurve, certifiedAccuracyTable, smoothedSelection } from '../../src/core/metrics/certified';

describe('log format', () => {
  test.each(fixture.radius_format)("radius %d is written as Python's '{:.3}' writes it", (x, text) => {
    expect(formatPython3(x as number)).toBe(text);
  });

  test.each(fixture.timedelta)('%d seconds are written as str(timedelta)', (s, text) => {
    expect(formatTimedelta(s as number)).toBe(text);
    expect(parseTimedelta(text as string)).toBeCloseTo(s as number, 6);
  });

  test('a certify.py log parses to its rows and formats back to the same text', () => {
    const parsed = parseCertificationLog(fixture.certify_log);
    expect(parsed.kind).toBe('certify');
    expect(parsed.rows.length).toBe(fixture.rows.length);
    parsed.rows.forEach((r, i) => {
      const f = fixture.rows[i];
      expect([r.idx, r.label, r.predict, r.radius, r.correct]).toEqual([f.idx, f.label, f.predict, f.radius, f.correct]);
      expect(r.time).toBeCloseTo(f.time, 6);
    });
    expect(formatCertificationLog(parsed.rows)).toBe(fixture.certify_log);
  });

  test('a predict.py log parses (no radius) and formats back', () => {
    const parsed = parseCertificationLog(fixture.predict_log);
    expect(parsed.kind).toBe('predict');
    expect(parsed.rows.every((r) => r.radius === null)).toBe(true);
    expect(formatCertificationLog(parsed.rows, 'predict')).toBe(fixture.predict_log);
  });

  test('malformed logs are refused with the line and the reason', () => {
    expect(() => parseCertificationLog('')).toThrow(/empty/);
    expect(() => parseCertificationLog('a\tb\n')).toThrow(/Line 1: expected the header/);
    const head = 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n';
    expect(() => parseCertificationLog(`${head}0\t1\t1\t0.5\t1\n`)).toThrow(/Line 2: expected 6 tab-separated fields, got 5/);
    expect(() => parseCertificationLog(`${head}0\t1\t1\t-0.5\t1\t0:00:01\n`)).toThrow(/Line 2: radius must be a number ≥ 0/);
    expect(() => parseCertificationLog(`${head}0\t1\t1\t0.5\t2\t0:00:01\n`)).toThrow(/correct must be 0 or 1/);
    expect(() => parseCertificationLog(`${head}0\t1\t-2\t0.5\t1\t0:00:01\n`)).toThrow(/predict must be a whole number ≥ -1/);
    expect(() => parseCertificationLog(`${head}0\t1\t1\t0.5\t1\tsoon\n`)).toThrow(/time must be a duration/);
    // Row by row: correct must agree with predict and label (an abstention is never correct),
    // idx must be present and unique, and line numbers are those of the file as written.
    expect(() => parseCertificationLog(`${head}0\t1\t2\t0.5\t1\t0:00:01\n`)).toThrow(/Line 2: correct is 1 but predict 2 differs from label 1/);
    expect(() => parseCertificationLog(`${head}0\t1\t1\t0.5\t0\t0:00:01\n`)).toThrow(/Line 2: correct is 0 but predict 1 equals label 1/);
    expect(() => parseCertificationLog(`${head}0\t1\t-1\t0.0\t1\t0:00:01\n`)).toThrow(/correct is 1 but predict -1 differs/);
    expect(() => parseCertificationLog(`${head}\t1\t1\t0.5\t1\t0:00:01\n`)).toThrow(/Line 2: idx must be a whole number ≥ 0, got ""/);
    expect(() => parseCertificationLog(`${head}4\t1\t1\t0.5\t1\t0:00:01\n\n\n4\t0\t0\t0.5\t1\t0:00:01\n`)).toThrow(/Line 5: idx 4 appears twice \(first on line 2\)/);
    expect(() => parseCertificationLog(`${head}\n\n0\t1\t1\t\t1\t0:00:01\n`)).toThrow(/^Line 4: radius must be a number ≥ 0, got ""/);
    expect(() => parseCertificationLog(`${head}0\t1\t1\t0.5\t2\t0:00:01\n`, 'sigma_0.25.tsv')).toThrow(/^sigma_0\.25\.tsv, line 2: correct must be 0 or 1/);
    // A UTF-8 byte-order mark (as some editors write) is accepted.
    expect(parseCertificationLog(`\uFEFF${head}0\t1\t1\t0.5\t1\t0:00:01\n`).rows).toHaveLength(1);
    // Windows line ends and a trailing blank line are fine.
    expect(parseCertificationLog(`${head.replace('\n', '\r\n')}3\t1\t1\t0.5\t1\t0:00:01\r\n\r\n`).rows[0].radius).toBe(0.5);
  });
});

const row = (idx: number, predict: number, label: number, radius: number): CertificationRow => ({ idx, label, predict, radius, correct: predict === label && predict >= 0 ? 1 : 0, time: 0 });

describe('certified accuracy and ACR', () => {
  // 5 inputs: correct at radii 0.5, 0.5, 1.0; one wrong with radius 0.8; one abstained.
  const rows = [row(0, 1, 1, 0.5), row(1, 2, 2, 0.5), row(2, 0, 0, 1.0), row(3, 1, 0, 0.8), row(4, -1, 3, 0)];

  test('certified accuracy at a radius counts correct inputs with radius ≥ r', () => {
    expect(certifiedAccuracyTable(rows, [0, 0.25, 0.5, 0.75, 1.0, 1.25])).toEqual([0.6, 0.6, 0.6, 0.2, 0.2, 0]);
    expect(certifiedAccuracyAt([], 0)).toBe(0);
  });

  test('ACR is the mean radius of correct inputs over all inputs', () => {
    expect(averageCertifiedRadius(rows)).toBeCloseTo((0.5 + 0.5 + 1.0) / 5, 12);
  });

  test('the curve steps down at each radius and agrees with the pointwise value', () => {
    const curve = certifiedAccuracyCurve(rows);
    expect(curve).toEqual([
      { radius: 0, accuracy: 0.6 },
      { radius: 0.5, accuracy: 0.6 },
      { radius: 0.5, accuracy: 0.2 },
      { radius: 1.0, accuracy: 0.2 },
      { radius: 1.0, accuracy: 0 },
    ]);
  });

  test("paper 001's selector: selected iff certified with radius ≥ eps", () => {
    const s = smoothedSelection(rows, 0.6);
    // Selected: input 2 (correct, 1.0) and input 3 (wrong, 0.8).
    expect(s).toEqual({ selected: 0.4, robustAccuracy: 0.2, robustInaccuracy: 0.2, abstained: 0.2 });
  });
});
