/**
 * Scatter markers drawn on a canvas over the plot instead of as SVG nodes: plotly styles every
 * SVG marker one by one (about 80 ms for the playground's 1,000 points on these machines), a
 * canvas draws them in a few milliseconds. Plotly never sees these traces: the HTML legend lists
 * them (a stand-in without points) and hides them by its key, so showing, hiding or changing a
 * point set redraws the canvas alone; hover is answered from the same points.
 */
import type { Data } from 'plotly.js-cartesian-dist-min';
import { legendKey } from './legendKey';
import { type LineLayer, drawLines, toLineLayer } from './canvasLines';
import type { AxisPx } from './axisPx';

export interface PointLayer {
  /** The trace's name (its legend entry). */
  name: string;
  /** What hides it: its legend entry's key (legendKey). */
  key: string;
  x: ArrayLike<number | null>;
  y: ArrayLike<number | null>;
  text: ArrayLike<string> | null;
  symbol: string;
  size: number;
  color: string;
  outline: string | null;
  outlineWidth: number;
  /** The marker's opacity, 0–1. */
  opacity: number;
}

interface Marker {
  opacity?: number;
  symbol?: string;
  size?: number;
  color?: string;
  line?: { color?: string; width?: number };
}

/**
 * Marker traces of more than `min` points become canvas layers (by default every one, however
 * small: a new or changed point set then redraws the canvas, never plotly's SVG, which costs tens
 * of milliseconds a draw), and so do line traces without hover (canvasLines.ts); the rest stay
 * plotly traces. `legendTraces` lists them all in order for the legend: a layer by a stand-in
 * without points.
 */
export function toCanvasLayers(traces: Data[], min = 0): { plotTraces: Data[]; legendTraces: Data[]; layers: PointLayer[]; lines: LineLayer[] } {
  const plotTraces: Data[] = [];
  const legendTraces: Data[] = [];
  const layers: PointLayer[] = [];
  const lines: LineLayer[] = [];
  for (const t of traces) {
    const line = toLineLayer(t);
    if (line) {
      lines.push(line);
      const { x: _x, y: _y, ...rest } = t;
      legendTraces.push({ ...rest, x: [null], y: [null] } as Data);
      continue;
    }
    const x = t.x as ArrayLike<number | null> | undefined;
    const y = t.y as ArrayLike<number | null> | undefined;
    if (t.mode !== 'markers' || !x || !y || x.length <= min) {
      plotTraces.push(t);
      legendTraces.push(t);
      continue;
    }
    const m = (t.marker ?? {}) as Marker;
    const name = String(t.name ?? '');
    layers.push({
      name,
      key: legendKey(t) ?? name,
      x,
      y,
      text: (t.text as ArrayLike<string> | undefined) ?? null,
      symbol: m.symbol ?? 'circle',
      size: m.size ?? 6,
      color: m.color ?? '#444',
      outline: m.line?.color ?? null,
      outlineWidth: m.line?.width ?? 0,
      opacity: m.opacity ?? 1,
    });
    // The legend lists the layer like any trace; plotly never sees it.
    const { x: _x, y: _y, text: _t, ...rest } = t;
    legendTraces.push({ ...rest, x: [null], y: [null], hoverinfo: 'skip' });
  }
  return { plotTraces, legendTraces, layers, lines };
}


/** What a marker's outline is traced on: a canvas context, or svgPath's recorder. */
type PathSink = Pick<CanvasRenderingContext2D, 'moveTo' | 'lineTo' | 'rect' | 'arc' | 'closePath'>;

/** Traces a marker of `symbol` centred at (x, y), of radius r; true if it is filled, false if stroked. */
function path(ctx: PathSink, symbol: string, x: number, y: number, r: number): boolean {
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

/**
 * The same marker as an SVG path (for legend swatches): its `d` and whether it is filled. An
 * '-open' symbol is the outline of its shape.
 */
export function svgMarker(symbol: string, x: number, y: number, r: number): { d: string; filled: boolean } {
  const open = symbol.endsWith('-open');
  const parts: string[] = [];
  const f = (v: number) => String(Math.round(v * 100) / 100);
  const sink: PathSink = {
    moveTo: (a, b) => void parts.push(`M${f(a)} ${f(b)}`),
    lineTo: (a, b) => void parts.push(`L${f(a)} ${f(b)}`),
    rect: (a, b, w, h) => void parts.push(`M${f(a)} ${f(b)}h${f(w)}v${f(h)}h${f(-w)}Z`),
    arc: (cx, cy, rr) => void parts.push(`M${f(cx + rr)} ${f(cy)}A${f(rr)} ${f(rr)} 0 1 0 ${f(cx - rr)} ${f(cy)}A${f(rr)} ${f(rr)} 0 1 0 ${f(cx + rr)} ${f(cy)}Z`),
    closePath: () => void parts.push('Z'),
  };
  const filled = path(sink, open ? symbol.slice(0, -'-open'.length) : symbol, x, y, r);
  return { d: parts.join(''), filled: filled && !open };
}

/**
 * Draws, in the plot area of (xa, ya), what `under` paints (the plane's image), then the visible
 * line layers, then the point layers over them, as plotly stacked them; the canvas covers the whole plot.
 */
export function drawLayers(canvas: HTMLCanvasElement, width: number, height: number, xa: AxisPx, ya: AxisPx, layers: PointLayer[], hidden: ReadonlySet<string>, lines: LineLayer[] = [], under?: (ctx: CanvasRenderingContext2D) => void): void {
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
  under?.(ctx);
  drawLines(ctx, xa, ya, lines, hidden);
  for (const layer of layers) {
    if (hidden.has(layer.key)) continue;
    const r = layer.size / 2;
    const open = layer.symbol.endsWith('-open');
    const symbol = open ? layer.symbol.slice(0, -'-open'.length) : layer.symbol;
    const stroked = open || symbol === 'x' || symbol === 'x-thin' || symbol === 'line-ne';
    ctx.globalAlpha = layer.opacity;
    ctx.beginPath();
    for (let i = 0; i < layer.x.length; i++) {
      const xv = layer.x[i];
      const yv = layer.y[i];
      if (xv === null || yv === null) continue;
      const px = xa._offset + xa.l2p(xv);
      const py = ya._offset + ya.l2p(yv);
      ctx.moveTo(px + r, py);
      path(ctx, symbol, px, py, r);
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
export function nearestPoint(xa: AxisPx, ya: AxisPx, layers: PointLayer[], hidden: ReadonlySet<string>, px: number, py: number, radius = 8): { layer: PointLayer; index: number } | null {
  let best: { layer: PointLayer; index: number } | null = null;
  let bestD = radius * radius;
  for (const layer of layers) {
    if (hidden.has(layer.key) || layer.symbol === 'line-ne') continue;
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
