/**
 * Zips of PNG images in class folders (fflate + fast-png): classes from folder names, pixels in
 * [0, 1] at known positions, grey and colour, a common top folder, and the refusals (non-image
 * entries, mixed sizes, a single class, no class folder, a corrupt PNG, too large).
 */
import { zipSync } from 'fflate';
import { encode } from 'fast-png';
import { describe, expect, test } from 'vitest';
import { assembleImageDataset, parseDatasetFile } from '../../src/core';

/** A w×h PNG whose pixel p has value (seed + p) mod 256 in every channel. */
function png(w: number, h: number, channels: 1 | 3 | 4, seed: number): Uint8Array {
  const data = new Uint8Array(w * h * channels);
  for (let p = 0; p < w * h; p++) for (let k = 0; k < channels; k++) data[p * channels + k] = k === 3 ? 255 : (seed + p + 40 * k) % 256;
  return encode({ width: w, height: h, data, channels, depth: 8 });
}

const zip = (entries: Record<string, Uint8Array>) => zipSync(entries);

describe('zip of PNGs in class folders', () => {
  test('grey images: classes are the sorted folder names, pixels are exact', () => {
    const parsed = parseDatasetFile(
      'toy.zip',
      zip({ 'dogs/a.png': png(4, 3, 1, 10), 'cats/b.png': png(4, 3, 1, 20), 'cats/c.png': png(4, 3, 1, 30), '__MACOSX/._b.png': new Uint8Array(3) }),
    );
    expect(parsed.kind).toBe('dataset');
    expect(parsed.format).toBe('png-zip');
    if (parsed.kind !== 'dataset') return;
    const ds = parsed.dataset;
    expect(ds.classNames).toEqual(['cats', 'dogs']);
    expect(ds.shape).toEqual([3, 4, 1]);
    // Entries sorted by path: cats/b, cats/c, dogs/a.
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect(ds.images[0]).toBeCloseTo(20 / 255, 7);
    expect(ds.images[12 + 5]).toBeCloseTo(35 / 255, 7);
    expect(ds.images[24 + 11]).toBeCloseTo(21 / 255, 7);
  });

  test('colour (RGBA: alpha dropped) under a common top folder; grey images join as RGB', () => {
    const parsed = parseDatasetFile('set.zip', zip({ 'set/red/1.png': png(2, 2, 4, 0), 'set/blue/2.png': png(2, 2, 1, 7) }));
    if (parsed.kind !== 'dataset') throw new Error('expected a dataset');
    const ds = parsed.dataset;
    expect(ds.shape).toEqual([2, 2, 3]);
    expect(ds.classNames).toEqual(['blue', 'red']);
    // blue/2.png (grey, value 7 + p) comes first and is replicated over the 3 channels.
    expect(Array.from(ds.images.subarray(0, 3)).map((v) => Math.round(v * 255))).toEqual([7, 7, 7]);
    // red/1.png pixel 1: channels 1, 41, 81.
    expect(Array.from(ds.images.subarray(12 + 3, 12 + 6)).map((v) => Math.round(v * 255))).toEqual([1, 41, 81]);
  });

  test('refusals name the problem', () => {
    expect(() => parseDatasetFile('a.zip', zip({ 'x/1.png': png(2, 2, 1, 0), 'y/notes.txt': new TextEncoder().encode('hi') }))).toThrow(/not PNG images: y\/notes\.txt/);
    expect(() => parseDatasetFile('b.zip', zip({ 'x/1.png': png(2, 2, 1, 0), 'y/2.png': png(3, 2, 1, 0) }))).toThrow(/y\/2\.png is 3×2 but x\/1\.png is 2×2/);
    expect(() => parseDatasetFile('c.zip', zip({ 'x/1.png': png(2, 2, 1, 0), 'x/2.png': png(2, 2, 1, 0) }))).toThrow(/one class folder/);
    expect(() => parseDatasetFile('d.zip', zip({ '1.png': png(2, 2, 1, 0), '2.png': png(2, 2, 1, 0) }))).toThrow(/not inside a class folder/);
    expect(() => parseDatasetFile('e.zip', zip({ 'x/1.png': new Uint8Array([1, 2, 3]), 'y/2.png': png(2, 2, 1, 0) }))).toThrow(/x\/1\.png is not a readable PNG/);
    expect(() => parseDatasetFile('f.zip', zip({ 'x/1.png': png(20, 20, 1, 0), 'y/2.png': png(20, 20, 1, 0) }), { maxBytes: 600 })).toThrow(/too large/);
  });

  test('entry paths that could escape or mislead are refused by name', () => {
    const ok = png(2, 2, 1, 0);
    expect(() => parseDatasetFile('p.zip', zip({ '../x/1.png': ok, 'y/2.png': ok }))).toThrow(/p\.zip: the entry "\.\.\/x\/1\.png" has a "\.\." folder/);
    expect(() => parseDatasetFile('p.zip', zip({ 'a/./x/1.png': ok, 'y/2.png': ok }))).toThrow(/has a "\." folder/);
    expect(() => parseDatasetFile('p.zip', zip({ '/abs/x/1.png': ok, 'y/2.png': ok }))).toThrow(/has an absolute path/);
    expect(() => parseDatasetFile('p.zip', zip({ 'C:/x/1.png': ok, 'y/2.png': ok }))).toThrow(/has a drive path/);
    expect(() => parseDatasetFile('p.zip', zip({ 'x\\1.png': ok, 'y/2.png': ok }))).toThrow(/has a backslash/);
    expect(() => parseDatasetFile('p.zip', zip({ 'x//1.png': ok, 'y/2.png': ok }))).toThrow(/has an empty folder name/);
  });

  test('a PNG bomb (a small file whose header declares a huge image) is refused before decoding, in little memory', () => {
    // A valid 2×2 PNG whose IHDR is rewritten to declare 60,000 × 60,000 pixels (10.8 GB as floats).
    const bomb = png(2, 2, 1, 0).slice();
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    view.setUint32(16, 60_000);
    view.setUint32(20, 60_000);
    const file = zip({ 'x/1.png': png(2, 2, 1, 0), 'y/bomb.png': bomb });
    expect(file.length).toBeLessThan(1000);
    const rss = process.memoryUsage().rss;
    expect(() => parseDatasetFile('bomb.zip', file)).toThrow(/bomb\.zip decodes to more than 300 MiB of pixels \(y\/bomb\.png declares 60000×60000\)/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(500 * 2 ** 20);
    // Many images each within the limit but too many together: the total is what counts.
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) {
      const p = png(2, 2, 1, 0).slice();
      const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
      v.setUint32(16, 2000);
      v.setUint32(20, 2000);
      many[`${i % 2 ? 'a' : 'b'}/${i}.png`] = p;
    }
    expect(() => parseDatasetFile('many.zip', zip(many))).toThrow(/decodes to more than 300 MiB of pixels/);
  });

  test('a zip named "test" becomes the test set next to a training zip', () => {
    const a = parseDatasetFile('train.zip', zip({ 'x/1.png': png(2, 2, 1, 0), 'y/2.png': png(2, 2, 1, 9), 'y/3.png': png(2, 2, 1, 5) }));
    const b = parseDatasetFile('test.zip', zip({ 'x/4.png': png(2, 2, 1, 1), 'y/5.png': png(2, 2, 1, 2) }));
    const assembled = assembleImageDataset([a, b]);
    expect(assembled.testSource).toBe('file');
    expect(assembled.train.labels.length).toBe(3);
    expect(assembled.test.labels.length).toBe(2);
  });
});
