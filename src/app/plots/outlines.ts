/**
 * Outlines in data coordinates (eps-boxes, certified-radius circles) drawn as one line trace per
 * kind, the outlines separated by gaps, instead of one layout shape each: plotly lays out and
 * styles every shape on every redraw, while a trace is one SVG path. The trace is also the
 * legend entry, so a legend click hides its outlines.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';

/** An outline around (x, y): a square of half-width r, or a circle of radius r. */
export interface Outline {
  x: number;
  y: number;
  r: number;
}

export interface OutlineStyle {
  name: string;
  color: string;
  width: number;
  dashed: boolean;
}

/** Points on a circle's path: enough that it looks round at a plot's size. */
const CIRCLE_STEPS = 32;

function path(shape: 'square' | 'circle', o: Outline): Array<[number, number]> {
  if (shape === 'square') {
    return [
      [o.x - o.r, o.y - o.r],
      [o.x + o.r, o.y - o.r],
      [o.x + o.r, o.y + o.r],
      [o.x - o.r, o.y + o.r],
      [o.x - o.r, o.y - o.r],
    ];
  }
  return Array.from({ length: CIRCLE_STEPS + 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / CIRCLE_STEPS;
    return [o.x + o.r * Math.cos(a), o.y + o.r * Math.sin(a)] as [number, number];
  });
}

/** One line trace holding every outline, each closed path followed by a gap (null). */
export function outlineTrace(shape: 'square' | 'circle', outlines: Outline[], style: OutlineStyle): Data {
  const x: Array<number | null> = [];
  const y: Array<number | null> = [];
  for (const o of outlines) {
    for (const [px, py] of path(shape, o)) {
      x.push(px);
      y.push(py);
    }
    x.push(null);
    y.push(null);
  }
  if (!outlines.length) {
    // Kept as an empty legend entry, so the legend always names both kinds.
    x.push(null);
    y.push(null);
  }
  return {
    type: 'scatter',
    mode: 'lines',
    x,
    y,
    name: style.name,
    line: { color: style.color, width: style.width, dash: style.dashed ? 'dash' : 'solid' },
    connectgaps: false,
    hoverinfo: 'skip',
  } as Data;
}
