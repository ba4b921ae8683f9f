/**
 * A plot with fixed axes whose live content is drawn on a canvas over plotly's frame: on 2-D data
 * the plane (an image of grid cells, regionImage.ts), and anywhere its line traces without hover
 * (canvasLines.ts) and marker traces (canvasPoints.ts). A new grid, a new epoch, a new or toggled
 * point set or new eps-boxes redraw the canvas alone, in a millisecond; plotly draws the frame
 * once, and again only on a zoom, a resize or a new layout. A downloaded image is drawn by plotly
 * whole, the plane as a layout image encoded when the download is asked for.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Data, Layout } from 'plotly.js-cartesian-dist-min';
import { Plot } from './Plot';
import type { RegionBytes } from './decisionRegions';
import { drawRegionImage, regionLayoutImage, rgbaUrl } from './regionImage';
import { type PointLayer, drawLayers, hoverText, nearestPoint, toCanvasLayers } from './canvasPoints';
import type { LineLayer } from './canvasLines';
import type { AxisPx } from './axisPx';

/** The grid's bytes as a bitmap the canvas can draw (decoded off the main thread), with the region it shows. */
function useRegionBitmap(region: RegionBytes | null): { bitmap: ImageBitmap; region: RegionBytes } | null {
  const [made, setMade] = useState<{ bitmap: ImageBitmap; region: RegionBytes } | null>(null);
  useEffect(() => {
    if (!region) {
      setMade(null);
      return;
    }
    let live = true;
    void createImageBitmap(new ImageData(region.rgba, region.n, region.n)).then((bitmap) => {
      if (live) setMade({ bitmap, region });
      else bitmap.close();
    });
    return () => {
      live = false;
    };
  }, [region]);
  useEffect(() => () => made?.bitmap.close(), [made]);
  return region && made ? made : null;
}

interface PlotState {
  _fullLayout?: { xaxis?: AxisPx; yaxis?: AxisPx; width?: number; height?: number };
}

/** The axes of a drawn plot (null before its first draw). */
function plotState(gd: HTMLElement | null): { xa: AxisPx; ya: AxisPx; width: number; height: number } | null {
  const full = (gd as unknown as PlotState | null)?._fullLayout;
  if (!gd || !full?.xaxis?.l2p || !full.yaxis?.l2p) return null;
  return { xa: full.xaxis, ya: full.yaxis, width: full.width ?? gd.clientWidth, height: full.height ?? gd.clientHeight };
}

/** The canvas, holding what it draws and the keys the legend hides (read by the browser tests and handy in devtools). */
type PointCanvas = HTMLCanvasElement & { pointLayers?: PointLayer[]; lineLayers?: LineLayer[]; region?: RegionBytes | null; hiddenKeys?: ReadonlySet<string> };

/** The same array as last time while it holds the same items, so that plotly is not asked to redraw for nothing. */
function useStableList<T>(list: T[]): T[] {
  const kept = useRef(list);
  if (list.length !== kept.current.length || list.some((t, i) => t !== kept.current[i])) kept.current = list;
  return kept.current;
}

export interface CanvasPlotProps {
  traces: Data[];
  layout: Layout;
  region: RegionBytes | null;
  className?: string;
  testId?: string;
  /** The hover text of the plane at data point (x, y) where no marker is near (null: none). */
  valueAt?: (x: number, y: number) => string | null;
}

export function CanvasPlot({ traces, layout, region, className, testId, valueAt }: CanvasPlotProps) {
  const plane = useRegionBitmap(region);
  // A download is drawn by plotly whole: the plane goes in as a PNG layout image, encoded then.
  const exportLayout = useCallback(async () => {
    if (!region) return { layout, release: () => undefined };
    const url = await rgbaUrl(region.rgba, region.n);
    const images = [regionLayoutImage(url, region.bounds, region.n, region.opacity), ...((layout.images as unknown[] | undefined) ?? [])];
    return { layout: { ...layout, images } as Layout, release: () => url.startsWith('blob:') && URL.revokeObjectURL(url) };
  }, [layout, region]);
  const { plotTraces, legendTraces, layers, lines } = useMemo(() => toCanvasLayers(traces), [traces]);
  // A new point set changes the canvas and the legend, not what plotly draws.
  const drawnTraces = useStableList(plotTraces);
  const layersRef = useRef({ layers, lines, plane });
  layersRef.current = { layers, lines, plane };
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const hiddenRef = useRef(hidden);
  hiddenRef.current = hidden;
  const canvas = useRef<PointCanvas>(null);
  const gdRef = useRef<HTMLElement | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const redraw = useCallback((gd: HTMLElement) => {
    gdRef.current = gd;
    const s = plotState(gd);
    if (!s || !canvas.current) return;
    const { layers: points, lines: paths, plane: image } = layersRef.current;
    const under = image ? (ctx: CanvasRenderingContext2D) => drawRegionImage(ctx, s.xa, s.ya, image.bitmap, image.region.bounds, image.region.n, image.region.opacity) : undefined;
    drawLayers(canvas.current, s.width, s.height, s.xa, s.ya, points, hiddenRef.current, paths, under);
    canvas.current.pointLayers = points;
    canvas.current.lineLayers = paths;
    canvas.current.region = image?.region ?? null;
    canvas.current.hiddenKeys = hiddenRef.current;
  }, []);
  useEffect(() => {
    if (gdRef.current) redraw(gdRef.current);
  }, [layers, lines, plane, hidden, redraw]);
  const hover = (e: React.MouseEvent<HTMLDivElement>) => {
    const s = plotState(gdRef.current);
    if (!s) return;
    const box = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    const hit = nearestPoint(s.xa, s.ya, layersRef.current.layers, hiddenRef.current, px, py);
    const inside = px >= s.xa._offset && px <= s.xa._offset + s.xa._length && py >= s.ya._offset && py <= s.ya._offset + s.ya._length;
    const text = hit ? hoverText(hit.layer, hit.index) : inside && valueAt ? valueAt(s.xa.p2l(px - s.xa._offset), s.ya.p2l(py - s.ya._offset)) : null;
    setTip(text ? { x: px, y: py, text } : null);
  };
  return (
    <div className="region-plot" onMouseMove={layers.length || valueAt ? hover : undefined} onMouseLeave={() => setTip(null)}>
      <Plot data={drawnTraces} legendData={legendTraces} layout={layout} className={className} testId={testId} onDrawn={redraw} exportData={traces} exportLayout={exportLayout} onHidden={setHidden} />
      <canvas ref={canvas} className="point-canvas" data-testid={testId ? `${testId}-points` : undefined} data-points={layers.reduce((n, l) => n + l.x.length, 0)} />
      {tip ? (
        <div className="point-tip" style={{ left: tip.x + 12, top: tip.y + 12 }} role="tooltip">
          {tip.text}
        </div>
      ) : null}
    </div>
  );
}
