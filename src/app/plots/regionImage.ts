/**
 * Decision regions drawn as one image instead of a plotly heatmap: the grid's colours are
 * written into RGBA bytes and painted on the plot's canvas in data coordinates (drawRegionImage),
 * so a live update during training redraws one image and never re-lays out 40,000 heatmap cells
 * or plotly's axes. A downloaded plot carries the same bytes as a PNG layout image (encoded off
 * the main thread by OffscreenCanvas.convertToBlob).
 */
import type { Bounds2d } from '../../core/settings';
import type { AxisPx } from './axisPx';

/** '#rrggbb' → [r, g, b]. */
export function rgbOf(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/**
 * RGBA bytes of an n × n grid whose row 0 is the bottom (y = yMin), as images are drawn from the
 * top: `color(i)` gives cell i's colour and alpha (0–255).
 */
export function gridRgba(n: number, color: (i: number) => readonly [number, number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(n * n * 4));
  for (let r = 0; r < n; r++) {
    const top = (n - 1 - r) * n * 4;
    for (let c = 0; c < n; c++) {
      const [red, green, blue, alpha] = color(r * n + c);
      const o = top + c * 4;
      out[o] = red;
      out[o + 1] = green;
      out[o + 2] = blue;
      out[o + 3] = alpha;
    }
  }
  return out;
}

/** Mixes two colours: t = 0 gives `a`, t = 1 gives `b`. */
export function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** An object URL of a PNG of the bytes (a data URL from a 2-D canvas where OffscreenCanvas is missing). */
export async function rgbaUrl(rgba: Uint8ClampedArray<ArrayBuffer>, n: number): Promise<string> {
  const image = new ImageData(rgba, n, n);
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(n, n);
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
  }
  const canvas = document.createElement('canvas');
  canvas.width = n;
  canvas.height = n;
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

/**
 * The rectangle an n × n grid over `bounds` paints: grid points are cell centres (as a heatmap
 * draws them), so it reaches half a cell beyond the bounds on every side.
 */
function regionExtent(bounds: Bounds2d, n: number): { xMin: number; xMax: number; yMin: number; yMax: number } {
  const hx = (bounds.xMax - bounds.xMin) / (n - 1) / 2;
  const hy = (bounds.yMax - bounds.yMin) / (n - 1) / 2;
  return { xMin: bounds.xMin - hx, xMax: bounds.xMax + hx, yMin: bounds.yMin - hy, yMax: bounds.yMax + hy };
}

/** The layout image of an n × n grid over `bounds` (for a downloaded plot, which plotly draws whole). */
export function regionLayoutImage(source: string, bounds: Bounds2d, n: number, opacity = 1): Record<string, unknown> {
  const e = regionExtent(bounds, n);
  return {
    source,
    xref: 'x',
    yref: 'y',
    x: e.xMin,
    y: e.yMax,
    sizex: e.xMax - e.xMin,
    sizey: e.yMax - e.yMin,
    sizing: 'stretch',
    xanchor: 'left',
    yanchor: 'top',
    layer: 'below',
    opacity,
  };
}

/**
 * Paints the grid's image (its rows top first, as gridRgba writes them) on the plot's canvas, cell
 * edges sharp as the layout image's pixelated rendering drew them; `ctx` is clipped to the plot area.
 */
export function drawRegionImage(ctx: CanvasRenderingContext2D, xa: AxisPx, ya: AxisPx, image: CanvasImageSource, bounds: Bounds2d, n: number, opacity: number): void {
  const e = regionExtent(bounds, n);
  const left = xa._offset + xa.l2p(e.xMin);
  const right = xa._offset + xa.l2p(e.xMax);
  const top = ya._offset + ya.l2p(e.yMax);
  const bottom = ya._offset + ya.l2p(e.yMin);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.globalAlpha = opacity;
  ctx.drawImage(image, left, top, right - left, bottom - top);
  ctx.restore();
}
