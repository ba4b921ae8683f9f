/**
 * A level line of a scalar field on a grid (marching squares), as one line trace's x and y with
 * a gap after every segment: plotly's contour trace recomputes and restyles the whole field on
 * every redraw, one path of segments is drawn at once.
 */
import type { Bounds2d } from '../../core/settings';

/**
 * Segments of {v = level} on an n × n grid of values (row r at y = yMin + r·dy, column c at
 * x = xMin + c·dx, value index r·n + c). Each grid square whose corners straddle the level gives
 * one segment (two at a saddle) between the linearly interpolated crossings on its edges.
 */
export function levelSegments(values: ArrayLike<number>, n: number, bounds: Bounds2d, level: number): { x: Array<number | null>; y: Array<number | null> } {
  const dx = (bounds.xMax - bounds.xMin) / (n - 1);
  const dy = (bounds.yMax - bounds.yMin) / (n - 1);
  const x: Array<number | null> = [];
  const y: Array<number | null> = [];
  // Corners in order around a square: (c, r), (c+1, r), (c+1, r+1), (c, r+1).
  const cornerX = [0, 1, 1, 0];
  const cornerY = [0, 0, 1, 1];
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      const v = [values[r * n + c], values[r * n + c + 1], values[(r + 1) * n + c + 1], values[(r + 1) * n + c]];
      if (v.some((a) => !Number.isFinite(a))) continue;
      // The crossings on the square's four edges, in order around it.
      const cross: Array<[number, number]> = [];
      for (let e = 0; e < 4; e++) {
        const a = v[e];
        const b = v[(e + 1) % 4];
        if (a < level === b < level) continue;
        const t = (level - a) / (b - a);
        const cx = c + cornerX[e] + t * (cornerX[(e + 1) % 4] - cornerX[e]);
        const cy = r + cornerY[e] + t * (cornerY[(e + 1) % 4] - cornerY[e]);
        cross.push([bounds.xMin + cx * dx, bounds.yMin + cy * dy]);
      }
      // Two crossings: one segment; four (a saddle): pair neighbours around the square.
      for (let k = 0; k + 1 < cross.length; k += 2) {
        x.push(cross[k][0], cross[k + 1][0], null);
        y.push(cross[k][1], cross[k + 1][1], null);
      }
    }
  }
  return { x, y };
}
