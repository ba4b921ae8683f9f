/** Outlines drawn as one line trace per kind: each box or circle a closed path, the paths apart. */
import { describe, expect, test } from 'vitest';
import { outlineTrace } from '../../src/app/plots/outlines';

type Line = { x: Array<number | null>; y: Array<number | null>; name: string; line: { dash: string } };
const style = { name: 'verified (2)', color: '#111111', width: 1, dashed: false };

describe('outlineTrace', () => {
  test('a square per outline: closed, of half-width r, followed by a gap', () => {
    const t = outlineTrace('square', [{ x: 1, y: 2, r: 0.5 }, { x: -1, y: 0, r: 0.1 }], style) as unknown as Line;
    expect(t.x).toEqual([0.5, 1.5, 1.5, 0.5, 0.5, null, -1.1, -0.9, -0.9, -1.1, -1.1, null]);
    expect(t.y.slice(0, 6)).toEqual([1.5, 1.5, 2.5, 2.5, 1.5, null]);
    expect(t.name).toBe('verified (2)');
    expect(t.line.dash).toBe('solid');
  });

  test('a circle: every point at distance r from its centre, closed', () => {
    const t = outlineTrace('circle', [{ x: 0.3, y: -0.2, r: 0.25 }], { ...style, dashed: true }) as unknown as Line;
    const n = t.x.length - 1;
    expect(t.x[n]).toBeNull();
    for (let i = 0; i < n; i++) expect(Math.hypot(t.x[i]! - 0.3, t.y[i]! + 0.2)).toBeCloseTo(0.25, 12);
    expect(t.x[0]).toBeCloseTo(t.x[n - 1]!, 12);
    expect(t.y[0]).toBeCloseTo(t.y[n - 1]!, 12);
    expect(t.line.dash).toBe('dash');
  });

  test('no outlines still gives a legend entry that draws nothing', () => {
    const t = outlineTrace('square', [], style) as unknown as Line;
    expect(t.x).toEqual([null]);
    expect(t.name).toBe('verified (2)');
  });
});
