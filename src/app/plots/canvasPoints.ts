/**
 * Scatter markers drawn on a canvas over the plot instead of as SVG nodes: plotly styles every
 * SVG marker one by one (about 80 ms for the playground's 1,000 points on these machines), a
 * canvas draws them in a few milliseconds. A marker trace keeps a legend-only stand-in in the
 * plot, so the legend and its clicks work as before; hover is answered from the same points.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';

export interface PointLayer {
  /** The stand-in trace's name (its legend entry; hidden when the legend hides it). */
  name: string;
  x: ArrayLike<number | null>;
  y: ArrayLike<number | null>;
  text: ArrayLike<string> | null;
  symbol: string;
  size: number;
  color: string;
  outline: string | null;
  outlineWidth: number;
}

interface Marker {
  symbol?: string;
  size?: number;
  color?: string;
  line?: { color?: string; width?: number };
}

/** Marker traces of more than `min` points become canvas layers; the rest stay plotly traces. */
export function toCanvasLayers(traces: Data[], min = 20): { plotTraces: Data[]; layers: PointLayer[] } {
  const plotTraces: Data[] = [];
  const layers: PointLayer[] = [];
  for (const t of traces) {
    const x = t.x as ArrayLike<number | null> | undefined;
    const y = t.y as ArrayLike<number | null> | undefined;
    if (t.mode !== 'markers' || !x || !y || x.length <= min) {
      plotTraces.push(t);
      continue;
    }
    const m = (t.marker ?? {}) as Marker;
    const name = String(t.name ?? '');
    layers.push({
      name,
      x,
      y,
      text: (t.text as ArrayLike<string> | undefined) ?? null,
      symbol: m.symbol ?? 'circle',
      size: m.size ?? 6,
      color: m.color ?? '#444',
      outline: m.line?.color ?? null,
      outlineWidth: m.line?.width ?? 0,
    });
    const { x: _x, y: _y, text: _t, ...rest } = t;
    plotTraces.push({ ...rest, x: [null], y: [null], hoverinfo: 'skip' });
  }
  return { plotTraces, layers };
}

/** The bits of a plotly axis the canvas needs: its pixel offset and linear-to-pixel map. */
export interface AxisPx {
  _offset: number;
  _length: number;
  l2p(v: number): number;
}

function path(ctx: CanvasRenderingContext2D, symbol: string, x: number, y: number, r: number): boolean {
  switch (symbol) {
    case 'square':
      ctx.rect(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
      return true;
    case 'diamond':
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.2, y);
      ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r * 1.2, y);
      ctx.closePath();
      return true;
    case 'triangle-up':
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.1, y + r * 0.8);
      ctx.lineTo(x - r * 1.1, y + r * 0.8);
      ctx.closePath();
      return true;
    case 'x':
    case 'x-thin':
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      return false;
    case 'line-ne':
      ctx.moveTo(x - r, y + r);
      ctx.lineTo(x + r, y - r);
      return false;
    default:
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      return true;
  }
}

/** Draws the visible layers in the plot area of (xa, ya); the canvas covers the whole plot. */
export function drawLayers(canvas: HTMLCanvasElement, width: number, height: number, xa: AxisPx, ya: AxisPx, layers: PointLayer[], hidden: Set<string>): void {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
  ctx.clip();
  for (const layer of layers) {
    if (hidden.has(layer.name)) continue;
    const r = layer.size / 2;
    const stroked = layer.symbol === 'x' || layer.symbol === 'x-thin' || layer.symbol === 'line-ne';
    ctx.beginPath();
    for (let i = 0; i < layer.x.length; i++) {
      const xv = layer.x[i];
      const yv = layer.y[i];
      if (xv === null || yv === null) continue;
      const px = xa._offset + xa.l2p(xv);
      const py = ya._offset + ya.l2p(yv);
      ctx.moveTo(px + r, py);
      path(ctx, layer.symbol, px, py, r);
    }
    if (stroked) {
      ctx.strokeStyle = layer.outline ?? layer.color;
      ctx.lineWidth = Math.max(1.5, layer.outlineWidth);
      ctx.stroke();
      continue;
    }
    ctx.fillStyle = layer.color;
    ctx.fill();
    if (layer.outline && layer.outlineWidth > 0) {
      ctx.strokeStyle = layer.outline;
      ctx.lineWidth = layer.outlineWidth;
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** The drawn point nearest to pixel (px, py) within `radius` pixels: its layer, index and distance. */
export function nearestPoint(xa: AxisPx, ya: AxisPx, layers: PointLayer[], hidden: Set<string>, px: number, py: number, radius = 8): { layer: PointLayer; index: number } | null {
  let best: { layer: PointLayer; index: number } | null = null;
  let bestD = radius * radius;
  for (const layer of layers) {
    if (hidden.has(layer.name) || layer.symbol === 'line-ne') continue;
    for (let i = 0; i < layer.x.length; i++) {
      const xv = layer.x[i];
      const yv = layer.y[i];
      if (xv === null || yv === null) continue;
      const dx = xa._offset + xa.l2p(xv) - px;
      const dy = ya._offset + ya.l2p(yv) - py;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = { layer, index: i };
      }
    }
  }
  return best;
}

/** The hover text of a point: the layer's name, the point's own text, its coordinates. */
export function hoverText(layer: PointLayer, index: number): string {
  const own = layer.text?.[index];
  const at = `(${Number(layer.x[index]).toFixed(3)}, ${Number(layer.y[index]).toFixed(3)})`;
  return [layer.name.replace(/ \(\d+\)$/, ''), own, at].filter(Boolean).join(' · ');
}
