/**
 * The common image dataset (src/core/data/imageDataset.ts) and the single file entry
 * (src/core/data/datasetFile.ts): summary numbers, subsets (first N exact; N per class by seed,
 * deterministic, exactly N of each class, another seed differs), pairing images with labels,
 * recognition of CIFAR / IDX / gzip by content and name, refusals (unrecognised, mismatched
 * counts, too large).
 */
import { gzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { CIFAR10_CLASSES, FASHION_MNIST_CLASSES } from '../../src/core/data/classNames';
import { MAX_DATASET_BYTES, baseName, datasetFromFiles, parseDatasetFile, parseDatasetFileAsync } from '../../src/core/data/datasetFile';
import { DatasetFileError } from '../../src/core/data/fileError';
import { encodeIdx } from '../../src/core/data/idx';
import {
  type ImageDataset,
  checkImageDataset,
  concatImageDatasets,
  firstIndicesPerClass,
  pairImagesLabels,
  recordsFingerprint,
  subsetFirst,
  subsetFirstPerClass,
  subsetPerClass,
  summarizeImages,
} from '../../src/core/data/imageDataset';

/**
 * n images of 2×2×1 whose pixels all equal (i mod 256)/255 for record i, labels i mod k (or given).
 * Each record is recognisable by its pixel value.
 */
function toyDataset(n: number, k: number, labels?: number[]): ImageDataset {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) images.fill((i % 256) / 255, 4 * i, 4 * i + 4);
  return { images, labels: Int32Array.from(labels ?? Array.from({ length: n }, (_, i) => i % k)), shape: [2, 2, 1], numClasses: k, source: 'toy' };
}
/** The record index each image of a toy subset came from (its pixel value × 255). */
const recordIds = (ds: ImageDataset) => Array.from({ length: ds.labels.length }, (_, j) => Math.round(ds.images[4 * j] * 255));

/** A CIFAR-10 byte buffer of n records with labels i mod 10 and pixels = record index. */
function cifar10Bytes(n: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    out[i * 3073] = i % 10;
    out.fill(i % 256, i * 3073 + 1, (i + 1) * 3073);
  }
  return out;
}

describe('summary', () => {
  test('records, histogram, shape, value range', () => {
    const ds = toyDataset(7, 3);
    ds.images[5] = 0.9; // record 1
    const s = summarizeImages(ds);
    expect(s.records).toBe(7);
    expect(s.shape).toEqual([2, 2, 1]);
    expect(s.classes).toEqual({ numClasses: 3, histogram: [3, 2, 2] });
    expect(s.valueRange).toEqual([0, Math.fround(0.9)]);
    const named = summarizeImages({ ...toyDataset(2, 10), classNames: [...CIFAR10_CLASSES] });
    expect(named.classes?.names?.[9]).toBe('truck');
    expect(named.classes?.histogram).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('an image file without labels has no classes', () => {
    const s = summarizeImages({ kind: 'images', images: Float32Array.from([0.25, 0.5, 0.75, 1]), count: 1, shape: [2, 2, 1], source: 'x' });
    expect(s).toEqual({ records: 1, shape: [2, 2, 1], valueRange: [0.25, 1], classes: null });
  });

  test('checkImageDataset names the bad record', () => {
    const ds = toyDataset(4, 2);
    ds.labels[2] = 5;
    expect(() => checkImageDataset(ds)).toThrow(/toy: record 2: label 5 is out of range \[0, 1\]/);
  });
});

describe('subsets', () => {
  const ds = toyDataset(100, 4); // 25 per class

  test('first N: exactly records 0..N-1', () => {
    const s = subsetFirst(ds, 10);
    expect(recordIds(s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(s.labels)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(s.images.length).toBe(40);
    expect(s.source).toBe('toy [first 10]');
    expect(s.images.buffer).not.toBe(ds.images.buffer); // a copy
    expect(() => subsetFirst(ds, 101)).toThrow(/asked for the first 101 images, but toy has 100/);
    expect(() => subsetFirst(ds, 0)).toThrow(/whole number >= 1/);
  });

  test('N per class by seed: exactly N of each, deterministic, in file order, another seed differs', () => {
    const a = subsetPerClass(ds, 5, 42);
    const b = subsetPerClass(ds, 5, 42);
    const c = subsetPerClass(ds, 5, 43);
    expect(a.labels.length).toBe(20);
    expect(summarizeImages(a).classes?.histogram).toEqual([5, 5, 5, 5]);
    expect(recordIds(a)).toEqual(recordIds(b));
    expect(a.images).toEqual(b.images);
    expect(recordIds(c)).not.toEqual(recordIds(a));
    const ids = recordIds(a);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(20);
    // Each chosen record keeps its own label (record i has label i mod 4).
    ids.forEach((id, j) => expect(a.labels[j]).toBe(id % 4));
    // Not simply the first 5 of each class.
    expect(ids).not.toEqual(recordIds(subsetFirstPerClass(ds, 5)));
    expect(a.source).toBe('toy [5 per class, seed 42]');
  });

  test('first N per class, and a class with too few records is refused', () => {
    expect(recordIds(subsetFirstPerClass(ds, 2))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const uneven = toyDataset(6, 3, [0, 0, 0, 1, 2, 2]);
    expect(() => subsetPerClass({ ...uneven, classNames: ['a', 'b', 'c'] }, 2, 1)).toThrow(/class 1 \(b\) has 1 images in toy, fewer than the 2 per class asked/);
    expect(Array.from(firstIndicesPerClass(uneven.labels, 3, 1))).toEqual([0, 3, 4]);
    expect(() => firstIndicesPerClass(uneven.labels, 4, 1)).toThrow(/class 3 has 0 records/);
  });
});

describe('records fingerprint', () => {
  test('the same records give the same 16 hex digits; one pixel, one label, the order or the class count changes it', () => {
    const ds = toyDataset(50, 5);
    const fp = recordsFingerprint(ds);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(recordsFingerprint({ ...ds, images: ds.images.slice(), labels: ds.labels.slice(), source: 'elsewhere' })).toBe(fp);
    const pixel = ds.images.slice();
    pixel[123] = 0.123; // the toy's pixels are all k/255
    const label = ds.labels.slice();
    label[7] = (label[7] + 1) % 5;
    const swapped = subsetFirst(ds, 50);
    swapped.images.copyWithin(0, 4, 8); // record 0 now equals record 1
    const others = [
      recordsFingerprint({ ...ds, images: pixel }),
      recordsFingerprint({ ...ds, labels: label }),
      recordsFingerprint(swapped),
      recordsFingerprint({ ...ds, numClasses: 6 }),
      recordsFingerprint(subsetFirst(ds, 49)),
      recordsFingerprint(subsetPerClass(ds, 5, 1)),
    ];
    expect(new Set([fp, ...others]).size).toBe(1 + others.length);
    // A view into a larger buffer hashes only its own records.
    const big = new Float32Array(1000);
    big.set(ds.images, 100);
    expect(recordsFingerprint({ ...ds, images: big.subarray(100, 100 + ds.images.length) })).toBe(fp);
    // Pixels in another array type would hash other bytes: refused.
    expect(() => recordsFingerprint({ ...ds, images: Float64Array.from(ds.images) as unknown as Float32Array })).toThrow(/ds.images must be a Float32Array/);
  });
});

describe('pairing and joining', () => {
  const images = { kind: 'images' as const, images: new Float32Array(3 * 4), count: 3, shape: [2, 2, 1] as [number, number, number], source: 'imgs' };

  test('counts must match: "3 images but 5 labels"', () => {
    expect(() => pairImagesLabels(images, Int32Array.from([0, 1, 2, 3, 4]))).toThrow(DatasetFileError);
    expect(() => pairImagesLabels(images, Int32Array.from([0, 1, 2, 3, 4]))).toThrow(/3 images but 5 labels/);
    expect(() => pairImagesLabels(images, { kind: 'labels', labels: Int32Array.from([0]), count: 1, source: 'lbls' })).toThrow(/3 images but 1 labels: imgs and lbls do not belong together/);
  });

  test('a pair: class count from the names or the largest label; labels checked against it', () => {
    const ds = pairImagesLabels(images, Int32Array.from([0, 4, 2]));
    expect(ds.numClasses).toBe(5);
    expect(ds.source).toBe('imgs + the labels');
    const named = pairImagesLabels(images, Int32Array.from([0, 9, 2]), { classNames: FASHION_MNIST_CLASSES });
    expect(named.numClasses).toBe(10);
    expect(named.classNames?.[9]).toBe('Ankle boot');
    expect(() => pairImagesLabels(images, Int32Array.from([0, 12, 2]), { classNames: FASHION_MNIST_CLASSES })).toThrow(/record 1: label 12 is out of range \[0, 9\]/);
  });

  test('concatenating batches', () => {
    const all = concatImageDatasets([toyDataset(3, 2), toyDataset(2, 3)], 'both');
    expect(all.labels.length).toBe(5);
    expect(all.numClasses).toBe(3);
    expect(Array.from(all.labels)).toEqual([0, 1, 0, 0, 1]);
    expect(recordIds(all)).toEqual([0, 1, 2, 0, 1]);
    expect(() => concatImageDatasets([toyDataset(1, 2), { ...toyDataset(1, 2), shape: [1, 4, 1] }])).toThrow(/cannot join images of 2×2×1/);
  });
});

describe('parseDatasetFile', () => {
  test('CIFAR-10 by name, by content, and gzipped', () => {
    const raw = cifar10Bytes(12);
    for (const [name, bytes] of [
      ['data_batch_1.bin', raw],
      ['some/folder/test_batch.bin', raw],
      ['mystery.dat', raw],
      ['data_batch_2.bin.gz', gzipSync(raw)],
    ] as const) {
      const r = parseDatasetFile(name, bytes);
      expect(r.kind, name).toBe('dataset');
      expect(r.format).toBe('cifar-10');
      expect(r.gzipped).toBe(name.endsWith('.gz'));
      expect(r.bytes).toBe(12 * 3073);
      if (r.kind !== 'dataset') throw new Error('unreachable');
      expect(r.dataset.labels.length).toBe(12);
      expect(r.dataset.labels[11]).toBe(1);
      expect(r.dataset.images[11 * 3072]).toBe(Math.fround(11 / 255));
      expect(r.dataset.classNames).toEqual(CIFAR10_CLASSES);
    }
    expect(baseName('a/b\\data_batch_2.bin.gz')).toBe('data_batch_2.bin');
  });

  test('CIFAR-100 by name (train.bin) with the coarse option, and by content', () => {
    const raw = new Uint8Array(3 * 3074);
    [
      [1, 11],
      [2, 22],
      [19, 99],
    ].forEach(([c, fi], i) => raw.set([c, fi], i * 3074));
    const fine = parseDatasetFile('train.bin', raw);
    const coarse = parseDatasetFile('train.bin', raw, { cifar100Label: 'coarse' });
    const byContent = parseDatasetFile('x', raw);
    expect(fine.format).toBe('cifar-100');
    if (fine.kind !== 'dataset' || coarse.kind !== 'dataset' || byContent.kind !== 'dataset') throw new Error('expected datasets');
    expect(Array.from(fine.dataset.labels)).toEqual([11, 22, 99]);
    expect(Array.from(coarse.dataset.labels)).toEqual([1, 2, 19]);
    expect(byContent.format).toBe('cifar-100');
  });

  test('IDX images and labels (gzipped) pair into a dataset; names from the file name', () => {
    const pixels = Array.from({ length: 4 * 9 }, (_, i) => i * 7);
    const im = parseDatasetFile('fashion/train-images-idx3-ubyte.gz', gzipSync(encodeIdx([4, 3, 3], pixels)));
    const lb = parseDatasetFile('fashion/train-labels-idx1-ubyte.gz', gzipSync(encodeIdx([4], [9, 0, 3, 3])));
    expect(im.kind).toBe('images');
    expect(lb.kind).toBe('labels');
    expect(im.gzipped).toBe(true);
    const ds = datasetFromFiles(lb, im); // either order
    expect(ds.shape).toEqual([3, 3, 1]);
    expect(Array.from(ds.labels)).toEqual([9, 0, 3, 3]);
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.images[35]).toBe(Math.fround(245 / 255));
    expect(ds.source).toBe('train-images-idx3-ubyte + train-labels-idx1-ubyte');
    // An IDX file without the usual name is recognised by its header.
    expect(parseDatasetFile('blob', encodeIdx([2], [1, 2])).kind).toBe('labels');
  });

  test('pairing refusals', () => {
    const im = parseDatasetFile('a-idx3-ubyte', encodeIdx([3, 1, 1], [1, 2, 3]));
    const lb = parseDatasetFile('b-idx1-ubyte', encodeIdx([5], [0, 1, 2, 3, 4]));
    const cifar = parseDatasetFile('data_batch_1.bin', cifar10Bytes(1));
    expect(() => datasetFromFiles(im, lb)).toThrow(/3 images but 5 labels/);
    expect(() => datasetFromFiles(im)).toThrow(/holds images only: give its labels file too/);
    expect(() => datasetFromFiles(lb, lb)).toThrow(/are both labels files/);
    expect(() => datasetFromFiles(cifar, lb)).toThrow(/a CIFAR file holds images and labels; give it alone/);
    expect(datasetFromFiles(cifar).labels.length).toBe(1);
  });

  test('errors of the underlying parser come through (wrong length, wrong magic, label range)', () => {
    expect(() => parseDatasetFile('data_batch_3.bin', cifar10Bytes(2).subarray(0, 5000))).toThrow(/data_batch_3\.bin: .*record 1 \(counting from 0\) is truncated/);
    expect(() => parseDatasetFile('t10k-images-idx3-ubyte', Uint8Array.from([0, 0, 0x42, 3, 1, 2, 3, 4]))).toThrow(/wrong magic number 0x00004203/);
    const badLabel = cifar10Bytes(3);
    badLabel[2 * 3073] = 10;
    expect(() => parseDatasetFile('test_batch.bin', badLabel)).toThrow(/record 2 has label 10/);
    // An IDX header whose dims do not match the length, under a neutral name.
    expect(() => parseDatasetFile('blob', encodeIdx([4], [1, 2, 3, 4]).subarray(0, 10))).toThrow(/expected, but the file has 10 \(2 bytes missing\)/);
  });

  test('unrecognised files, archives and empty files are refused with a message', () => {
    const text = new TextEncoder().encode('{"not": "a dataset"}');
    expect(() => parseDatasetFile('notes.json', text)).toThrow(/notes\.json: unrecognised dataset file: not gzip, no IDX magic number \(the file starts with 0x7b226e6f\), and its 20 bytes are not a whole number of CIFAR-10/);
    expect(() => parseDatasetFile('empty.bin', new Uint8Array(0))).toThrow(/empty\.bin: the file is empty/);
    expect(() => parseDatasetFile('empty.gz', gzipSync(new Uint8Array(0)))).toThrow(/the file is empty \(0 bytes\) after decompression/);
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]);
    expect(() => parseDatasetFile('pngs.zip', zip)).toThrow(/pngs\.zip is not a readable zip archive/);
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(() => parseDatasetFile('cifar-10-binary.tar.gz', gzipSync(tar))).toThrow(/is a tar archive .*extract it/);
    // A CIFAR-10 length whose label bytes are out of range is not taken for CIFAR-10.
    const noLabels = new Uint8Array(3073).fill(200);
    expect(() => parseDatasetFile('x.raw', noLabels)).toThrow(/unrecognised dataset file/);
    // A truncated gzip comes through as such.
    expect(() => parseDatasetFile('y.gz', gzipSync(cifar10Bytes(4)).subarray(0, 30))).toThrow(/^truncated gzip: y\.gz: /);
  });

  test('too large: refused before and during decompression', async () => {
    expect(MAX_DATASET_BYTES).toBe(300 * 1024 * 1024);
    const raw = cifar10Bytes(40); // 122,920 bytes
    expect(() => parseDatasetFile('data_batch_1.bin', raw, { maxBytes: 100_000 })).toThrow(/file too large: data_batch_1\.bin has 122,920 bytes, over the limit of 100,000 bytes/);
    const gz = gzipSync(raw); // small when compressed, large after
    expect(gz.length).toBeLessThan(100_000);
    expect(() => parseDatasetFile('data_batch_1.bin.gz', gz, { maxBytes: 100_000 })).toThrow(/file too large: data_batch_1\.bin\.gz: decompresses to more than 100,000 bytes/);
    await expect(parseDatasetFileAsync('data_batch_1.bin.gz', gz, { maxBytes: 100_000 })).rejects.toThrow(/file too large/);
    const ok = await parseDatasetFileAsync('data_batch_1.bin.gz', gz);
    expect(ok.kind === 'dataset' && ok.dataset.labels.length).toBe(40);
  });
});
