/**
 * IDX parser (src/core/data/idx.ts) and gzip decompression (src/core/data/gzip.ts) on byte
 * fixtures built here: ubyte images and labels with exact values, big-endian multi-byte types
 * (int16, int32, float32, float64), the refusals (wrong magic shown, length vs dims, too many
 * dims, labels with dims != 1), and gzip round trips, truncated and corrupt gzip, multi-member
 * gzip and the output size limit.
 */
import { gzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { DatasetFileError } from '../../src/core/data/fileError';
import { crc32, gunzip, gunzipAsync, gzipHeaderLength, isGzip } from '../../src/core/data/gzip';
import { encodeIdx, idxToImages, looksLikeIdx, parseIdx, parseIdxImages, parseIdxLabels } from '../../src/core/data/idx';
import { CancelledError } from '../../src/core/cancel';

/** Bytes from hex pairs and numbers. */
const bytes = (...parts: number[]) => Uint8Array.from(parts);
const f = (byte: number) => Math.fround(byte / 255);
/** Byte equality without vitest's element-by-element diff (slow on large arrays). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

// 2 images of 2 rows × 3 columns, ubyte, written by hand (magic 0x00000803, dims 2, 2, 3).
const IMAGES_2x2x3 = bytes(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 51, 102, 153, 204, 255, 255, 0, 1, 2, 3, 128);
// 3 labels, ubyte (magic 0x00000801, dim 3).
const LABELS_3 = bytes(0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9);

describe('IDX', () => {
  test('ubyte images: shape [h, w, 1], byte/255 in row-major NHWC order', () => {
    const im = parseIdxImages(IMAGES_2x2x3, 'x-images-idx3-ubyte');
    expect(im.kind).toBe('images');
    expect(im.count).toBe(2);
    expect(im.shape).toEqual([2, 3, 1]);
    expect(im.source).toBe('x-images-idx3-ubyte');
    expect(Array.from(im.images)).toEqual([0, f(51), f(102), f(153), f(204), 1, 1, 0, f(1), f(2), f(3), f(128)]);
    expect(f(51)).toBe(Math.fround(0.2));
  });

  test('ubyte labels', () => {
    const lb = parseIdxLabels(LABELS_3);
    expect(lb.kind).toBe('labels');
    expect(lb.count).toBe(3);
    expect(lb.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(lb.labels)).toEqual([7, 0, 9]);
  });

  test('encodeIdx writes the same bytes as the hand-made fixtures', () => {
    expect(encodeIdx([2, 2, 3], [0, 51, 102, 153, 204, 255, 255, 0, 1, 2, 3, 128])).toEqual(IMAGES_2x2x3);
    expect(encodeIdx([3], [7, 0, 9])).toEqual(LABELS_3);
  });

  test('big-endian int16 and int32 labels, float32 and float64 images (hand-written bytes)', () => {
    // int16 labels 258 (0x0102)... too large for a label: use 5 (0x0005) and 300 (0x012c).
    const int16 = parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x00, 0x05, 0x01, 0x2c));
    expect(int16.type).toBe('int16');
    expect(int16.dims).toEqual([2]);
    expect(Array.from(int16.data)).toEqual([5, 300]);
    expect(Array.from(parseIdxLabels(bytes(0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0x01, 0x00)).labels)).toEqual([4, 256]);
    // Negative int16 (0xfffe = -2) is read as signed.
    expect(Array.from(parseIdx(bytes(0, 0, 0x0b, 1, 0, 0, 0, 1, 0xff, 0xfe)).data)).toEqual([-2]);
    // float32 1 image 1×2: 0.5 = 0x3f000000, 0.25 = 0x3e800000.
    const f32 = parseIdxImages(bytes(0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x3f, 0, 0, 0, 0x3e, 0x80, 0, 0));
    expect(f32.shape).toEqual([1, 2, 1]);
    expect(Array.from(f32.images)).toEqual([0.5, 0.25]);
    // float64 0.75 = 0x3fe8000000000000.
    const f64 = parseIdx(bytes(0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xe8, 0, 0, 0, 0, 0, 0));
    expect(f64.type).toBe('float64');
    expect(Array.from(f64.data)).toEqual([0.75]);
  });

  test('every type round-trips through encodeIdx', () => {
    const cases = [
      ['int8', [-128, 0, 127]],
      ['int16', [-32768, 1, 32767]],
      ['int32', [-2147483648, 7, 2147483647]],
      ['float32', [0.5, -1.25, 3]],
      ['float64', [0.1, -2.5e-300, 1e300]],
    ] as const;
    for (const [type, values] of cases) {
      const back = parseIdx(encodeIdx([3], values, type));
      expect(back.type).toBe(type);
      expect(Array.from(back.data)).toEqual(values);
    }
  });

  test('int16 images are read as 8-bit intensities; float images must be in [0, 1]', () => {
    const im = idxToImages(parseIdx(encodeIdx([1, 1, 3], [0, 255, 51], 'int16')));
    expect(Array.from(im.images)).toEqual([0, 1, f(51)]);
    expect(() => idxToImages(parseIdx(encodeIdx([2, 1, 2], [0, 1, 300, 2], 'int16')))).toThrow(/record 1 has pixel value 300, outside 0–255/);
    expect(() => idxToImages(parseIdx(encodeIdx([2, 1, 1], [0.5, 1.5], 'float32')))).toThrow(/record 1 has pixel value 1\.5, outside \[0, 1\]/);
    expect(() => idxToImages(parseIdx(encodeIdx([1, 1, 1], [NaN], 'float64')))).toThrow(/pixel value NaN/);
    // Non-finite values are refused with the file and the record.
    expect(() => idxToImages(parseIdx(encodeIdx([3, 1, 1], [0, 0.5, Infinity], 'float32')), 'x.idx')).toThrow(/^x\.idx: record 2 has pixel value Infinity, outside \[0, 1\]/);
  });

  test('a wrong magic number is refused and shown', () => {
    expect(() => parseIdx(bytes(0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0), 'a.idx')).toThrow(DatasetFileError);
    expect(() => parseIdx(bytes(0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0), 'a.idx')).toThrow(/a\.idx: wrong magic number 0x12345678; .*0x00000803 for images, 0x00000801 for labels/);
    // Unknown type byte 0x07, and MNIST's magic written little-endian.
    expect(() => parseIdx(bytes(0, 0, 7, 1, 0, 0, 0, 0))).toThrow(/wrong magic number 0x00000701/);
    expect(() => parseIdx(bytes(3, 8, 0, 0, 0, 0, 0, 0))).toThrow(/wrong magic number 0x03080000/);
    expect(() => parseIdx(bytes(0, 0))).toThrow(/wrong magic number only 2 byte\(s\): 00 00/);
    expect(() => parseIdx(new Uint8Array(0))).toThrow(/the file is empty/);
  });

  test('data length must match the dims: expected vs found', () => {
    const short = IMAGES_2x2x3.subarray(0, IMAGES_2x2x3.length - 5);
    expect(() => parseIdx(short, 'cut')).toThrow(/cut: data length does not match the dims: the header says 2 × 2 × 3 ubyte values, so 28 bytes with the header are expected, but the file has 23 \(5 bytes missing\)/);
    const long = Uint8Array.from([...LABELS_3, 1, 2]);
    expect(() => parseIdx(long)).toThrow(/the header says 3 ubyte values, so 11 bytes .* but the file has 13 \(2 bytes too many\)/);
    // int32 values: 4 bytes each.
    expect(() => parseIdx(bytes(0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 1))).toThrow(/so 16 bytes with the header are expected, but the file has 12 \(4 bytes missing\)/);
    // Header itself cut short.
    expect(() => parseIdx(bytes(0, 0, 8, 3, 0, 0, 0, 2))).toThrow(/declares 3 dimensions \(16 header bytes\) but the file has only 8 bytes/);
    expect(looksLikeIdx(IMAGES_2x2x3)).toBe(true);
    expect(looksLikeIdx(short)).toBe(false);
  });

  test('images need 3 dims (more are refused), labels need 1', () => {
    const four = encodeIdx([1, 2, 2, 3], new Array(12).fill(0));
    expect(() => parseIdxImages(four)).toThrow(/an IDX image file has 3 dims \(count × rows × columns\), this one has 4: 1 × 2 × 2 × 3 \(more than 3 dims are not supported for images\)/);
    expect(() => parseIdxImages(LABELS_3)).toThrow(/this one has 1: 3 \(1 dim: this is a labels file\)/);
    expect(() => parseIdxLabels(IMAGES_2x2x3)).toThrow(/an IDX labels file has 1 dim \(count\), this one has 3: 2 × 2 × 3 \(3 dims: this looks like an image file\)/);
    expect(() => parseIdxLabels(encodeIdx([2, 1], [0, 1]))).toThrow(/this one has 2: 2 × 1/);
  });

  test('labels must be whole numbers in [0, 1000)', () => {
    expect(() => parseIdxLabels(encodeIdx([3], [1, -1, 2], 'int8'))).toThrow(/record 1 has label -1, out of range/);
    expect(() => parseIdxLabels(encodeIdx([2], [1, 5000], 'int32'))).toThrow(/record 1 has label 5000, out of range \(labels are whole numbers from 0 to 999\)/);
    expect(() => parseIdxLabels(encodeIdx([2], [1, 2.5], 'float32'))).toThrow(/record 1 has label 2\.5/);
    expect(() => parseIdxLabels(encodeIdx([2], [NaN, 1], 'float32'))).toThrow(/record 0 has label NaN/);
    expect(() => parseIdxLabels(encodeIdx([2], [1, -Infinity], 'float64'))).toThrow(/record 1 has label -Infinity/);
    expect(Array.from(parseIdxLabels(encodeIdx([2], [3, 4], 'float64')).labels)).toEqual([3, 4]);
  });
});

describe('gzip', () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * 7 + (i >> 9)) % 251);
  const gz = gzipSync(data, { level: 6, mtime: 0 });

  test('round trip (fflate gzipSync -> gunzip), small chunks too', () => {
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(data)).toBe(false);
    expect(same(gunzip(gz), data)).toBe(true);
    expect(same(gunzip(gz, { chunkBytes: 1024 }), data)).toBe(true);
    expect(same(gunzip(gz).subarray(1), data.subarray(1).map((v) => v ^ 1))).toBe(false); // the check can fail
    expect(gunzip(gzipSync(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  test('round trip of an IDX file, async with progress', async () => {
    const fractions: number[] = [];
    const out = await gunzipAsync(gzipSync(IMAGES_2x2x3), { onProgress: (p) => fractions.push(p) });
    expect(out).toEqual(IMAGES_2x2x3);
    expect(fractions.at(-1)).toBe(1);
    const big = await gunzipAsync(gz, { chunkBytes: 1024, onProgress: (p) => fractions.push(p) });
    expect(same(big, data)).toBe(true);
    expect(fractions.length).toBeGreaterThan(3);
  });

  test('a header with a file name (FNAME) is skipped', () => {
    const named = gzipSync(LABELS_3, { filename: 'labels.idx1', mtime: 0 });
    expect(gzipHeaderLength(named)).toBe(10 + 'labels.idx1'.length + 1);
    expect(gunzip(named)).toEqual(LABELS_3);
  });

  test('two concatenated members decompress to both, each checked', () => {
    const a = gzipSync(Uint8Array.from([1, 2, 3]));
    const b = gzipSync(Uint8Array.from([4, 5]));
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(Array.from(gunzip(both))).toEqual([1, 2, 3, 4, 5]);
    // The first member's CRC damaged: named as member 1 of 2.
    const bad = both.slice();
    bad[a.length - 8] ^= 0xff;
    expect(() => gunzip(bad)).toThrow(/corrupt gzip: member 1 of 2: the trailer \(CRC-32 0x[0-9a-f]{8}, size 3\) does not match the decompressed data \(CRC-32 0x[0-9a-f]{8}, 3 bytes\)/);
  });

  test('truncated gzip: every cut point gives an Error, never data', () => {
    const messages = new Set<string>();
    for (let cut = 2; cut < gz.length; cut += cut < 40 ? 1 : 97) {
      let err: unknown = null;
      try {
        gunzip(gz.subarray(0, cut), { name: 'x.gz' });
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut} of ${gz.length}`).toBeInstanceOf(DatasetFileError);
      messages.add((err as Error).message.replace(/\d[\d,.]*/g, 'N'));
    }
    for (const m of messages) expect(m).toMatch(/^truncated gzip: x\.gz: /);
    // Cut inside the 8-byte trailer.
    expect(() => gunzip(gz.subarray(0, gz.length - 3))).toThrow(/truncated gzip: the file ends inside the 8-byte gzip trailer \(3 bytes missing\)/);
    expect(() => gunzip(gz.subarray(0, gz.length / 2))).toThrow(/truncated gzip: the compressed data end before the end of the deflate stream/);
    expect(() => gunzip(gz.subarray(0, 12))).toThrow(/truncated gzip: the file has 12 bytes, fewer than the 18 of an empty gzip member/);
  });

  test('corrupt gzip: damaged data or CRC, wrong method', () => {
    const crc = gz.slice();
    crc[crc.length - 6] ^= 1;
    expect(() => gunzip(crc)).toThrow(/corrupt gzip: the gzip trailer \(CRC-32 0x[0-9a-f]{8}, size 300000\) does not match the decompressed data \(CRC-32 0x[0-9a-f]{8}, 300000 bytes\)/);
    const method = gz.slice();
    method[2] = 7;
    expect(() => gunzip(method)).toThrow(/corrupt gzip: compression method 7/);
    const garbage = gz.slice();
    garbage.fill(0xff, 20, 60);
    expect(() => gunzip(garbage)).toThrow(/^(corrupt|truncated) gzip: /);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the standard check value
  });

  test('the output limit stops decompression past maxBytes', async () => {
    const zeros = gzipSync(new Uint8Array(5 << 20)); // 5 MiB of zeros in ~5 kB
    expect(zeros.length).toBeLessThan(10_000);
    expect(() => gunzip(zeros, { maxBytes: 1 << 20, name: 'bomb.gz' })).toThrow(/file too large: bomb\.gz: decompresses to more than 1\.0 MB, the limit for a dataset file/);
    await expect(gunzipAsync(zeros, { maxBytes: 1 << 20 })).rejects.toThrow(/file too large/);
    expect(gunzip(zeros, { maxBytes: 5 << 20 }).length).toBe(5 << 20);
  });

  test('gunzipAsync stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(gunzipAsync(gz, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
