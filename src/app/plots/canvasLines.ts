/**
 * Line traces without hover (eps-boxes, certified-radius circles, attack arrows, a level line)
 * drawn on the region plot's canvas instead of as SVG paths: plotly re-lays out its axes and
 * every trace whenever one of them changes (30–60 ms a redraw on these machines while a job
 * computes), a canvas redraws them in a millisecond. Gaps (null) split a trace into paths, as
 * plotly's connectgaps: false does.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';
import type { AxisPx } from './axisPx';
import { legendKey } from './legendKey';

export interface LineLayer {
  /** The trace's name (its legend entry). */
  name: string;
  /** What hides it: its legend entry's key (legendKey). */
  key: string;
  x: ArrayLike<number | null>;
  y: ArrayLike<number | null>;
  color: string;
  width: number;
  dash: 'solid' | 'dot' | 'dash';
}

interface LineTrace {
  mode?: string;
  hoverinfo?: string;
  x?: ArrayLike<number | null>;
  y?: ArrayLike<number | null>;
  name?: string;
  line?: { color?: string; width?: number; dash?: string };
}

/** The canvas layer of a trace that is lines only and answers no hover; null for any other trace. */
export function toLineLayer(trace: Data): LineLayer | null {
  const t = trace as LineTrace;
  if (t.mode !== 'lines' || t.hoverinfo !== 'skip' || !t.x || !t.y) return null;
  const dash = t.line?.dash ?? 'solid';
  if (dash !== 'solid' && dash !== 'dot' && dash !== 'dash') return null;
  const name = String(t.name ?? '');
  return { name, key: legendKey(trace) ?? name, x: t.x, y: t.y, color: t.line?.color ?? '#444', width: t.line?.width ?? 2, dash };
}

/** Plotly's dash patterns: dots and dashes of max(width, 3) and three times that. */
export function dashPattern(dash: LineLayer['dash'], width: number): number[] {
  const unit = Math.max(width, 3);
  return dash === 'dot' ? [unit, unit] : dash === 'dash' ? [3 * unit, 3 * unit] : [];
}

/** Strokes the visible line layers in data coordinates; `ctx` is already clipped to the plot area. */
export function drawLines(ctx: CanvasRenderingContext2D, xa: AxisPx, ya: AxisPx, lines: LineLayer[], hidden: ReadonlySet<string>): void {
  for (const line of lines) {
    if (hidden.has(line.key)) continue;
    ctx.beginPath();
    let open = false;
    for (let i = 0; i < line.x.length; i++) {
      const xv = line.x[i];
      const yv = line.y[i];
      if (xv === null || yv === null) {
        open = false;
        continue;
      }
      const px = xa._offset + xa.l2p(xv);
      const py = ya._offset + ya.l2p(yv);
      if (open) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      open = true;
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width;
    ctx.lineJoin = 'round';
    ctx.setLineDash(dashPattern(line.dash, line.width));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
