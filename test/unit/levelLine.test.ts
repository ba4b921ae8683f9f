/** The level line by marching squares, against fields whose level sets are known in closed form. */
import { describe, expect, test } from 'vitest';
import { levelSegments } from '../../src/app/plots/levelLine';

const bounds = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
function field(n: number, f: (x: number, y: number) => number): Float32Array {
  const v = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) v[r * n + c] = f(-1 + (2 * c) / (n - 1), -1 + (2 * r) / (n - 1));
  return v;
}
const points = (s: { x: Array<number | null>; y: Array<number | null> }) => s.x.flatMap((x, i) => (x === null ? [] : [[x, s.y[i]!] as const]));

describe('levelSegments', () => {
  test('a plane x + 2y: every crossing lies on the line x + 2y = 0.3 (linear interpolation is exact)', () => {
    const s = levelSegments(field(21, (x, y) => x + 2 * y), 21, bounds, 0.3);
    const p = points(s);
    expect(p.length).toBeGreaterThan(20);
    for (const [x, y] of p) expect(x + 2 * y).toBeCloseTo(0.3, 5);
    // Segments: two points and a gap each.
    expect(s.x.length % 3).toBe(0);
    for (let i = 2; i < s.x.length; i += 3) expect(s.x[i]).toBeNull();
  });

  test('a circle of radius 0.6: crossings within the grid spacing of it, all round', () => {
    const n = 41;
    const p = points(levelSegments(field(n, (x, y) => Math.hypot(x, y)), n, bounds, 0.6));
    for (const [x, y] of p) expect(Math.abs(Math.hypot(x, y) - 0.6)).toBeLessThan(2 / (n - 1));
    const angles = new Set(p.map(([x, y]) => Math.min(7, Math.floor(((Math.atan2(y, x) + Math.PI) / (2 * Math.PI)) * 8))));
    expect(angles.size).toBe(8);
  });

  test('no crossing: no segment; non-finite corners are skipped', () => {
    expect(levelSegments(field(5, () => 0.2), 5, bounds, 0.5).x).toEqual([]);
    const v = field(5, (x) => x);
    v.fill(Number.NaN, 0, 5);
    const p = points(levelSegments(v, 5, bounds, 0));
    for (const [x, y] of p) {
      expect(x).toBeCloseTo(0, 6);
      expect(y).toBeGreaterThanOrEqual(-0.5);
    }
  });
});
