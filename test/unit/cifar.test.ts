/**
 * CIFAR-10 / CIFAR-100 binary parsers (src/core/data/cifar.ts) on byte fixtures built here:
 * exact floats at known NHWC positions (the R, G, B planes of a record become the interleaved
 * channels of each pixel), labels, and the refusals (partial record, empty file, label out of
 * range) with the record they name.
 */
import { describe, expect, test } from 'vitest';
import { CIFAR100_RECORD_BYTES, CIFAR10_RECORD_BYTES, parseCifar10, parseCifar100 } from '../../src/core/data/cifar';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from '../../src/core/data/classNames';
import { DatasetFileError } from '../../src/core/data/fileError';

const PIXELS = 1024;

/** One record: label byte(s), then the R, G and B planes given as functions of (y, x). */
function record(labels: number[], r: (y: number, x: number) => number, g: (y: number, x: number) => number, b: (y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length + 3 * PIXELS);
  out.set(labels, 0);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const p = y * 32 + x;
      out[labels.length + p] = r(y, x);
      out[labels.length + PIXELS + p] = g(y, x);
      out[labels.length + 2 * PIXELS + p] = b(y, x);
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/** NHWC index of image i, row y, column x, channel c in 32×32×3 images. */
const at = (i: number, y: number, x: number, c: number) => ((i * 32 + y) * 32 + x) * 3 + c;
const f = (byte: number) => Math.fround(byte / 255);

// Record 0: label 3, R = x, G = y, B = 255 - (x + y). Record 1: label 9, R 10, G 20, B 30, except
// pixel (31, 31) which is (255, 0, 128).
const rec0 = record([3], (y, x) => x, (y) => y, (y, x) => 255 - (x + y));
const rec1 = record(
  [9],
  (y, x) => (y === 31 && x === 31 ? 255 : 10),
  (y, x) => (y === 31 && x === 31 ? 0 : 20),
  (y, x) => (y === 31 && x === 31 ? 128 : 30),
);
const TWO = concat(rec0, rec1);

describe('CIFAR-10 binary', () => {
  test('record size and fixture length', () => {
    expect(CIFAR10_RECORD_BYTES).toBe(3073);
    expect(TWO.length).toBe(6146);
  });

  test('two records: labels, NHWC shape, exact floats with R, G, B planes interleaved', () => {
    const ds = parseCifar10(TWO, 'fixture.bin');
    expect(ds.shape).toEqual([32, 32, 3]);
    expect(ds.images).toBeInstanceOf(Float32Array);
    expect(ds.images.length).toBe(2 * 32 * 32 * 3);
    expect(Array.from(ds.labels)).toEqual([3, 9]);
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toEqual(CIFAR10_CLASSES);
    expect(ds.source).toBe('fixture.bin');

    // Record 0 at (y=2, x=5): R = 5, G = 2, B = 248.
    expect(ds.images[at(0, 2, 5, 0)]).toBe(f(5));
    expect(ds.images[at(0, 2, 5, 1)]).toBe(f(2));
    expect(ds.images[at(0, 2, 5, 2)]).toBe(f(248));
    // Its first pixel (0, 0): R 0, G 0, B 255 = 1 exactly; the last (31, 31): R 31, G 31, B 193.
    expect([0, 1, 2].map((c) => ds.images[c])).toEqual([0, 0, 1]);
    expect([0, 1, 2].map((c) => ds.images[at(0, 31, 31, c)])).toEqual([f(31), f(31), f(193)]);
    // Row-major: (y=7, x=0) has G = 7 and R = 0 (a column-major reader would swap them).
    expect(ds.images[at(0, 7, 0, 0)]).toBe(0);
    expect(ds.images[at(0, 7, 0, 1)]).toBe(f(7));
    // Record 1: (0, 0) is (10, 20, 30), (31, 31) is (255, 0, 128): its last three floats.
    expect([0, 1, 2].map((c) => ds.images[at(1, 0, 0, c)])).toEqual([f(10), f(20), f(30)]);
    expect(Array.from(ds.images.subarray(ds.images.length - 3))).toEqual([1, 0, f(128)]);
    // Every value in [0, 1].
    expect(ds.images.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  test('accepts an ArrayBuffer', () => {
    const ds = parseCifar10(TWO.slice().buffer);
    expect(Array.from(ds.labels)).toEqual([3, 9]);
  });

  test('a partial record is refused, naming it and the missing bytes', () => {
    const cut = TWO.subarray(0, 2 * 3073 + 100);
    const bad = concat(TWO, new Uint8Array(100));
    expect(() => parseCifar10(bad, 'data_batch_1.bin')).toThrow(DatasetFileError);
    expect(() => parseCifar10(bad, 'data_batch_1.bin')).toThrow(/data_batch_1\.bin: .*record 2 \(counting from 0\) is truncated, it has 100 of its 3,073 bytes \(2,973 missing\)/);
    expect(() => parseCifar10(cut.subarray(0, 3073 - 1))).toThrow(/record 0 .* truncated, it has 3,072 of its 3,073 bytes \(1 missing\)/);
  });

  test('an empty file is refused', () => {
    expect(() => parseCifar10(new Uint8Array(0), 'test_batch.bin')).toThrow(/test_batch\.bin: the file is empty \(0 bytes\)/);
  });

  test('a label >= 10 is refused, naming the record', () => {
    const bad = TWO.slice();
    bad[3073] = 10;
    expect(() => parseCifar10(bad)).toThrow(/record 1 has label 10, out of range for CIFAR-10 \(0–9\)/);
    bad[3073] = 255;
    expect(() => parseCifar10(bad)).toThrow(/record 1 has label 255/);
  });
});

describe('CIFAR-100 binary', () => {
  // Record 0: coarse 4, fine 30, R = 1, G = 2, B = 3; record 1: coarse 19, fine 99, R = x, G = 0, B = y.
  const r0 = record([4, 30], () => 1, () => 2, () => 3);
  const r1 = record([19, 99], (y, x) => x, () => 0, (y) => y);
  const DATA = concat(r0, r1);

  test('record size', () => {
    expect(CIFAR100_RECORD_BYTES).toBe(3074);
    expect(DATA.length).toBe(6148);
  });

  test('fine labels by default, coarse on request; same pixels', () => {
    const fine = parseCifar100(DATA);
    expect(Array.from(fine.labels)).toEqual([30, 99]);
    expect(fine.numClasses).toBe(100);
    expect(fine.classNames?.[30]).toBe('dolphin');
    expect(fine.classNames?.[99]).toBe('worm');
    const coarse = parseCifar100(DATA, { label: 'coarse' });
    expect(Array.from(coarse.labels)).toEqual([4, 19]);
    expect(coarse.numClasses).toBe(20);
    expect(coarse.classNames?.[19]).toBe('vehicles_2');
    expect(coarse.images).toEqual(fine.images);

    expect([0, 1, 2].map((c) => fine.images[at(0, 17, 9, c)])).toEqual([f(1), f(2), f(3)]);
    expect([0, 1, 2].map((c) => fine.images[at(1, 6, 21, c)])).toEqual([f(21), 0, f(6)]);
  });

  test('out-of-range labels are refused (fine >= 100, coarse >= 20), naming the record', () => {
    const badFine = DATA.slice();
    badFine[3074 + 1] = 100;
    expect(() => parseCifar100(badFine)).toThrow(/record 1 has fine label 100, out of range for CIFAR-100 \(0–99\)/);
    const badCoarse = DATA.slice();
    badCoarse[0] = 20;
    // Checked whichever label is used.
    expect(() => parseCifar100(badCoarse, { label: 'fine' })).toThrow(/record 0 has coarse label 20, out of range for CIFAR-100 \(0–19\)/);
  });

  test('a CIFAR-10 batch is not a whole number of CIFAR-100 records', () => {
    expect(() => parseCifar100(TWO, {}, 'train.bin')).toThrow(/train\.bin: .*record 1 \(counting from 0\) is truncated, it has 3,072 of its 3,074 bytes \(2 missing\)/);
  });

  test('class name lists: 10, 20 and 100 distinct names', () => {
    for (const [names, n] of [
      [CIFAR10_CLASSES, 10],
      [CIFAR100_COARSE_CLASSES, 20],
      [CIFAR100_FINE_CLASSES, 100],
    ] as const) {
      expect(names).toHaveLength(n);
      expect(new Set(names).size).toBe(n);
    }
    expect(CIFAR100_FINE_CLASSES.slice(0, 3)).toEqual(['apple', 'aquarium_fish', 'baby']);
  });
});
