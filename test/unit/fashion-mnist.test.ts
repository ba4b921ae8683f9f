/**
 * Real data: Debian's Fashion-MNIST (/usr/share/datasets/fashion-mnist, package
 * dataset-fashion-mnist) read through parseDatasetFile, and the subset shipped in
 * public/data/fashion-mnist-subset/ (2,000 train / 500 test images, the first 200 / 50 of each
 * class in source order; see its README).
 *
 * Reference numbers (pixel byte sums, first labels) were computed independently with Python's
 * gzip module reading the same files. The real-data tests are skipped, with the reason shown,
 * only when the Debian files are missing and CI is unset; in CI a missing file fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FASHION_MNIST_CLASSES } from '../../src/core/data/classNames';
import { type ParsedDatasetFile, datasetFromFiles, parseDatasetFile } from '../../src/core/data/datasetFile';
import { gunzip } from '../../src/core/data/gzip';
import { parseIdx } from '../../src/core/data/idx';
import { firstIndicesPerClass, summarizeImages } from '../../src/core/data/imageDataset';

/** FASHION_MNIST_DIR overrides the folder (e.g. to see the skip or the CI failure). */
const SOURCE = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const SUBSET = resolve(__dirname, '..', '..', 'public', 'data', 'fashion-mnist-subset');
const HAVE_SOURCE = existsSync(SOURCE);
const SKIP_SOURCE = !HAVE_SOURCE && !process.env.CI;
const SKIP_REASON = `SKIPPED: ${SOURCE} is missing (apt-get install -y dataset-fashion-mnist); with CI set these tests fail instead`;

const read = (dir: string, name: string): ParsedDatasetFile => parseDatasetFile(join(dir, name), readFileSync(join(dir, name)));
/** Sum of the pixel bytes (each float × 255, rounded). */
function byteSum(images: Float32Array): number {
  let s = 0;
  for (let i = 0; i < images.length; i++) s += Math.round(images[i] * 255);
  return s;
}

if (SKIP_SOURCE) {
  // A visible reason in the report rather than a silent absence.
  console.warn(`fashion-mnist.test.ts: ${SKIP_REASON}`);
  test.skip(SKIP_REASON, () => {});
}

describe.skipIf(SKIP_SOURCE)("Debian's Fashion-MNIST", () => {
  test('the source folder exists', () => {
    expect(existsSync(SOURCE), `${SOURCE} (install dataset-fashion-mnist)`).toBe(true);
  });

  test('test set: 10,000 images of 28×28×1, 10 classes of 1,000, values in [0, 1] with min 0 and max 1', () => {
    const images = read(SOURCE, 't10k-images-idx3-ubyte.gz');
    const labels = read(SOURCE, 't10k-labels-idx1-ubyte.gz');
    expect(images.kind).toBe('images');
    expect(images.format).toBe('idx');
    expect(images.gzipped).toBe(true);
    expect(images.bytes).toBe(16 + 10_000 * 784);
    const ds = datasetFromFiles(images, labels);
    const s = summarizeImages(ds);
    expect(s.records).toBe(10_000);
    expect(s.shape).toEqual([28, 28, 1]);
    expect(s.valueRange).toEqual([0, 1]);
    expect(s.classes?.numClasses).toBe(10);
    expect(s.classes?.histogram).toEqual(new Array(10).fill(1000));
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES); // the folder name says "fashion"
    expect(Array.from(ds.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(byteSum(ds.images)).toBe(573_469_082);
    expect(byteSum(ds.images.subarray(0, 784))).toBe(33_456);
  });

  test('train labels: 60,000, 6,000 per class', () => {
    const labels = read(SOURCE, 'train-labels-idx1-ubyte.gz');
    if (labels.kind !== 'labels') throw new Error(`expected a labels file, got ${labels.kind}`);
    expect(labels.labels.count).toBe(60_000);
    const h = new Array(10).fill(0);
    labels.labels.labels.forEach((c) => h[c]++);
    expect(h).toEqual(new Array(10).fill(6000));
    expect(Array.from(labels.labels.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  });
});

describe('shipped subset (public/data/fashion-mnist-subset)', () => {
  const splits = [
    { prefix: 'train', records: 2000, perClass: 200, pixelSum: 114_533_639, lastSource: 2084 },
    { prefix: 't10k', records: 500, perClass: 50, pixelSum: 28_931_962, lastSource: 596 },
  ];

  for (const split of splits) {
    test(`${split.prefix}: ${split.records} records, ${split.perClass} per class, 28×28×1 in [0, 1]`, () => {
      const images = read(SUBSET, `${split.prefix}-images-idx3-ubyte.gz`);
      const labels = read(SUBSET, `${split.prefix}-labels-idx1-ubyte.gz`);
      const ds = datasetFromFiles(images, labels);
      const s = summarizeImages(ds);
      expect(s.records).toBe(split.records);
      expect(s.shape).toEqual([28, 28, 1]);
      expect(s.classes?.histogram).toEqual(new Array(10).fill(split.perClass));
      expect(s.valueRange).toEqual([0, 1]);
      expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
      expect(byteSum(ds.images)).toBe(split.pixelSum);
    });

    test.skipIf(SKIP_SOURCE)(`${split.prefix}: the first image, and every record, equal the source records they were taken from`, () => {
      const raw = (dir: string, name: string) => parseIdx(gunzip(readFileSync(join(dir, name))), name);
      const srcImages = raw(SOURCE, `${split.prefix}-images-idx3-ubyte.gz`).data as Uint8Array;
      const srcLabels = Int32Array.from(raw(SOURCE, `${split.prefix}-labels-idx1-ubyte.gz`).data);
      const subImages = raw(SUBSET, `${split.prefix}-images-idx3-ubyte.gz`).data as Uint8Array;
      const subLabels = Array.from(raw(SUBSET, `${split.prefix}-labels-idx1-ubyte.gz`).data);

      // The first image is the source's first image, byte for byte.
      expect(Buffer.from(subImages.subarray(0, 784)).equals(Buffer.from(srcImages.subarray(0, 784)))).toBe(true);
      expect(subLabels[0]).toBe(srcLabels[0]);

      const chosen = firstIndicesPerClass(srcLabels, 10, split.perClass);
      expect(chosen.length).toBe(split.records);
      expect(chosen[chosen.length - 1]).toBe(split.lastSource);
      const expected = new Uint8Array(split.records * 784);
      chosen.forEach((i, k) => expected.set(srcImages.subarray(i * 784, (i + 1) * 784), k * 784));
      expect(Buffer.from(subImages).equals(Buffer.from(expected))).toBe(true);
      expect(subLabels).toEqual(Array.from(chosen, (i) => srcLabels[i]));
    });
  }
});
