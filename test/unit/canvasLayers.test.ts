/**
 * What a region plot draws on its canvas instead of plotly's SVG: line traces without hover
 * (split at their gaps, plotly's dash patterns), marker traces, and the plane's image placed as
 * the layout image was (half a cell beyond the bounds on each side).
 */
import { describe, expect, test } from 'vitest';
import type { Data } from 'plotly.js-cartesian-dist-min';
import { dashPattern, drawLines, toLineLayer } from '../../src/app/plots/canvasLines';
import { toCanvasLayers } from '../../src/app/plots/canvasPoints';
import { drawRegionImage, regionLayoutImage } from '../../src/app/plots/regionImage';
import type { AxisPx } from '../../src/app/plots/axisPx';

/** A linear axis: data [lo, hi] onto [0, length] px after `offset` (reversed for y, as on screen). */
function axis(lo: number, hi: number, offset: number, length: number, reversed = false): AxisPx {
  const s = length / (hi - lo);
  return {
    _offset: offset,
    _length: length,
    l2p: (v) => (reversed ? (hi - v) * s : (v - lo) * s),
    p2l: (p) => (reversed ? hi - p / s : lo + p / s),
  };
}

/** A canvas context that records the calls made on it. */
function recorder() {
  const calls: Array<[string, ...unknown[]]> = [];
  const state: Record<string, unknown> = {};
  const ctx = new Proxy(state, {
    get: (_t, key: string) => (key in state ? state[key] : (...args: unknown[]) => void calls.push([key, ...args])),
    set: (_t, key: string, value) => {
      state[key] = value;
      calls.push([`=${key}`, value]);
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, calls };
}

const xa = axis(0, 10, 40, 100);
const ya = axis(0, 10, 10, 100, true);

describe('line layers', () => {
  test('only lines without hover become layers, with their style', () => {
    const outline = { type: 'scatter', mode: 'lines', x: [0, 1, null], y: [0, 1, null], name: 'verified (3)', line: { color: '#000', width: 1.5, dash: 'dash' }, hoverinfo: 'skip' } as Data;
    expect(toLineLayer(outline)).toMatchObject({ name: 'verified (3)', key: 'verified', color: '#000', width: 1.5, dash: 'dash' });
    expect(toLineLayer({ ...outline, hoverinfo: undefined } as Data)).toBeNull(); // a curve answers hover: plotly keeps it
    expect(toLineLayer({ ...outline, mode: 'lines+markers' } as Data)).toBeNull();
    expect(toLineLayer({ ...outline, line: { dash: 'dashdot' } } as Data)).toBeNull(); // a pattern the canvas does not copy
  });

  test('dash patterns are plotly’s: max(width, 3) for dots, three times that for dashes', () => {
    expect(dashPattern('solid', 2)).toEqual([]);
    expect(dashPattern('dot', 1)).toEqual([3, 3]);
    expect(dashPattern('dash', 1.5)).toEqual([9, 9]);
    expect(dashPattern('dash', 4)).toEqual([12, 12]);
  });

  test('a gap starts a new path, and hidden layers are not drawn', () => {
    const lines = [
      toLineLayer({ type: 'scatter', mode: 'lines', x: [0, 10, null, 5, 5], y: [0, 10, null, 0, 10], name: 'a', hoverinfo: 'skip' } as Data)!,
      toLineLayer({ type: 'scatter', mode: 'lines', x: [1, 2], y: [1, 2], name: 'b', hoverinfo: 'skip' } as Data)!,
    ];
    const { ctx, calls } = recorder();
    drawLines(ctx, xa, ya, lines, new Set(['b']));
    const path = calls.filter(([k]) => k === 'moveTo' || k === 'lineTo');
    expect(path).toEqual([
      ['moveTo', 40, 110],
      ['lineTo', 140, 10],
      ['moveTo', 90, 110],
      ['lineTo', 90, 10],
    ]);
    expect(calls.filter(([k]) => k === 'stroke')).toHaveLength(1);
  });

  test('toCanvasLayers takes markers and hover-less lines off plotly and keeps every legend entry in order', () => {
    const traces = [
      { type: 'scatter', mode: 'lines', x: [0, 1], y: [0, 1], name: 'boxes', hoverinfo: 'skip' },
      { type: 'scatter', mode: 'markers', x: [0.5], y: [0.5], name: 'points' },
      { type: 'scatter', mode: 'lines', x: [0, 1], y: [1, 0], name: 'curve' },
    ] as Data[];
    const { plotTraces, legendTraces, layers, lines } = toCanvasLayers(traces);
    expect(plotTraces.map((t) => t.name)).toEqual(['curve']);
    expect(lines.map((l) => l.name)).toEqual(['boxes']);
    expect(layers.map((l) => l.name)).toEqual(['points']);
    expect(legendTraces.map((t) => [t.name, (t as { mode?: string }).mode, (t.x as unknown[]).length])).toEqual([
      ['boxes', 'lines', 1],
      ['points', 'markers', 1],
      ['curve', 'lines', 2],
    ]);
  });
});

describe('the plane on the canvas', () => {
  test('covers the layout image’s rectangle: the bounds plus half a cell, at the given opacity, unsmoothed', () => {
    const bounds = { xMin: 0, xMax: 10, yMin: 0, yMax: 10 };
    const n = 11; // cells 1 unit wide: half a cell is 0.5
    const { ctx, calls } = recorder();
    const image = {} as CanvasImageSource;
    drawRegionImage(ctx, xa, ya, image, bounds, n, 0.7);
    const draw = calls.find(([k]) => k === 'drawImage')!;
    const layout = regionLayoutImage('x', bounds, n) as { x: number; y: number; sizex: number; sizey: number };
    expect(layout).toMatchObject({ x: -0.5, y: 10.5, sizex: 11, sizey: 11 });
    expect(draw[1]).toBe(image);
    expect(draw.slice(2).map((v) => Number((v as number).toFixed(6)))).toEqual([40 - 5, 10 - 5, 110, 110]);
    expect(calls).toContainEqual(['=imageSmoothingEnabled', false]);
    expect(calls).toContainEqual(['=globalAlpha', 0.7]);
    expect(calls.map(([k]) => k).slice(0, 1)).toEqual(['save']);
    expect(calls[calls.length - 1][0]).toBe('restore');
  });
});
