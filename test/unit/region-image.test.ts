/**
 * The decision regions as an image: row 0 of the grid (y = yMin) is the image's bottom row,
 * each cell's colour is its class hue mixed from the tint (at chance confidence) to the full
 * colour (at confidence 1), abstain outputs get greys that are never a class colour, and dense
 * overlays are thinned to an evenly spread sample.
 */
import { describe, expect, test } from 'vitest';
import { categoryRegionBytes, classRegionBytes } from '../../src/app/plots/decisionRegions';
import { CLASS_COLORS, CLASS_TINTS, outputColor } from '../../src/app/plots/colors';
import { gridRgba, regionLayoutImage, rgbOf } from '../../src/app/plots/regionImage';
import { showingOf, thinIndices } from '../../src/app/plots/thin';

const bounds = { xMin: -1, xMax: 1, yMin: -2, yMax: 2 };
const pixel = (rgba: Uint8ClampedArray, n: number, row: number, col: number) => Array.from(rgba.slice((row * n + col) * 4, (row * n + col) * 4 + 4));

describe('region image', () => {
  test('grid row 0 is the bottom row of the image', () => {
    const rgba = gridRgba(2, (i) => [i, 10 * i, 20 * i, 255]);
    // Image rows from the top: grid row 1 (cells 2, 3), then grid row 0 (cells 0, 1).
    expect(Array.from(rgba)).toEqual([2, 20, 40, 255, 3, 30, 60, 255, 0, 0, 0, 255, 1, 10, 20, 255]);
  });

  test('class colours run from the tint at chance to the full hue at confidence 1', () => {
    const grid = { bounds, resolution: 2, classes: new Uint8Array([0, 1, 0, 1]), confidence: new Float32Array([0.5, 0.5, 1, 1]) };
    const { rgba, n, opacity } = classRegionBytes(grid, 2);
    expect(n).toBe(2);
    expect(opacity).toBeGreaterThan(0);
    expect(pixel(rgba, 2, 1, 0)).toEqual([...rgbOf(CLASS_TINTS[0]), 255]); // cell 0: class 0 at chance
    expect(pixel(rgba, 2, 1, 1)).toEqual([...rgbOf(CLASS_TINTS[1]), 255]);
    const full0 = rgbOf(CLASS_COLORS[0]);
    pixel(rgba, 2, 0, 0).slice(0, 3).forEach((v, k) => expect(Math.abs(v - full0[k])).toBeLessThanOrEqual(1)); // cell 2: class 0, sure
  });

  test('abstain outputs (index ≥ K) are drawn in colours that no class uses', () => {
    const grid = { bounds, resolution: 2, classes: new Uint8Array([3, 4, 3, 4]), confidence: new Float32Array([1, 1, 1, 1]) };
    const { rgba } = classRegionBytes(grid, 3, 2);
    const classRgb = [...CLASS_COLORS, ...CLASS_TINTS].map((c) => rgbOf(c).join(','));
    for (let i = 0; i < 4; i++) {
      const p = pixel(rgba, 2, Math.floor(i / 2), i % 2).slice(0, 3);
      expect(classRgb).not.toContain(p.join(','));
    }
    const a1 = rgbOf(outputColor(3, 3));
    pixel(rgba, 2, 1, 0).slice(0, 3).forEach((v, k) => expect(Math.abs(v - a1[k])).toBeLessThanOrEqual(1));
  });

  test('categories are drawn flat; the image reaches half a cell beyond the bounds', () => {
    const { rgba } = categoryRegionBytes(bounds, 2, [-1, 0, 1, -1], 1, ['#000000', '#ff0000', '#00ff00'], 0.5);
    expect(pixel(rgba, 2, 1, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(rgba, 2, 1, 1)).toEqual([255, 0, 0, 255]);
    expect(pixel(rgba, 2, 0, 0)).toEqual([0, 255, 0, 255]);
    const image = regionLayoutImage('blob:x', bounds, 3, 0.5);
    expect(image).toMatchObject({ x: -1.5, y: 3, sizex: 3, sizey: 6, xref: 'x', yref: 'y', opacity: 0.5 });
  });

  test('overlays are thinned to an evenly spread sample and say so', () => {
    expect(thinIndices(5)).toEqual([0, 1, 2, 3, 4]);
    const idx = thinIndices(120);
    expect(idx).toHaveLength(30);
    expect(new Set(idx).size).toBe(30);
    expect(idx[0]).toBe(0);
    expect(idx[29]).toBe(116);
    expect(showingOf(30, 120)).toBe('showing 30 of 120');
    expect(showingOf(5, 5)).toBe('');
  });
});
