/**
 * CIFAR-10 and CIFAR-100 binary format ("binary version" at https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * CIFAR-10 (data_batch_1.bin … data_batch_5.bin, test_batch.bin): records of 3,073 bytes, one
 * label byte (0–9) then 3,072 pixel bytes: the 1,024 red values of the 32×32 image row by row,
 * then the 1,024 green, then the 1,024 blue. CIFAR-100 (train.bin, test.bin): records of 3,074
 * bytes, a coarse label byte (0–19), a fine label byte (0–99), then the same 3,072 pixels.
 *
 * Output: an ImageDataset with images as Float32Array in NHWC layout (n × 32 × 32 × 3, the
 * channels interleaved per pixel) and values byte/255 in [0, 1]; labels as Int32Array. Pure:
 * bytes in, plain data out (no file system, no DOM).
 */
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './classNames';
import { DatasetFileError, formatBytes } from './fileError';
import { BYTE_TO_UNIT, type ImageDataset, type ImageShape } from './imageDataset';

export const CIFAR_IMAGE_SHAPE: ImageShape = [32, 32, 3];
export const CIFAR_PIXELS = 32 * 32;
export const CIFAR10_RECORD_BYTES = 1 + 3 * CIFAR_PIXELS; // 3,073
export const CIFAR100_RECORD_BYTES = 2 + 3 * CIFAR_PIXELS; // 3,074

export type Cifar100LabelKind = 'fine' | 'coarse';

const count = (n: number) => n.toLocaleString('en-US');

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** The record count, or an Error naming the truncated record and the bytes it lacks. */
function recordCount(bytes: Uint8Array, recordBytes: number, format: string, source: string): number {
  if (bytes.length === 0) throw new DatasetFileError(`${source}: the file is empty (0 bytes); a ${format} file holds records of ${count(recordBytes)} bytes`, 'format');
  const n = Math.floor(bytes.length / recordBytes);
  const rest = bytes.length % recordBytes;
  if (rest !== 0) {
    throw new DatasetFileError(
      `${source}: ${formatBytes(bytes.length)} is not a whole number of ${format} records (${count(recordBytes)} bytes each): ` +
        `record ${n} (counting from 0) is truncated, it has ${count(rest)} of its ${count(recordBytes)} bytes (${count(recordBytes - rest)} missing)`,
      'truncated',
    );
  }
  return n;
}

/** Pixels of n records (label bytes first, then R, G, B planes) into NHWC floats in [0, 1]. */
function planesToNhwc(bytes: Uint8Array, n: number, recordBytes: number, labelBytes: number): Float32Array {
  const out = new Float32Array(n * 3 * CIFAR_PIXELS);
  for (let i = 0; i < n; i++) {
    const r = i * recordBytes + labelBytes;
    const o = i * 3 * CIFAR_PIXELS;
    for (let p = 0; p < CIFAR_PIXELS; p++) {
      out[o + 3 * p] = BYTE_TO_UNIT[bytes[r + p]];
      out[o + 3 * p + 1] = BYTE_TO_UNIT[bytes[r + CIFAR_PIXELS + p]];
      out[o + 3 * p + 2] = BYTE_TO_UNIT[bytes[r + 2 * CIFAR_PIXELS + p]];
    }
  }
  return out;
}

/** Parses a CIFAR-10 binary batch. Refuses an empty file, a partial record, a label >= 10. */
export function parseCifar10(data: Uint8Array | ArrayBuffer, source = 'CIFAR-10 batch'): ImageDataset {
  const bytes = asBytes(data);
  const n = recordCount(bytes, CIFAR10_RECORD_BYTES, 'CIFAR-10', source);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * CIFAR10_RECORD_BYTES];
    if (label >= 10) throw new DatasetFileError(`${source}: record ${i} has label ${label}, out of range for CIFAR-10 (0–9)`, 'labels');
    labels[i] = label;
  }
  return {
    images: planesToNhwc(bytes, n, CIFAR10_RECORD_BYTES, 1),
    labels,
    shape: [...CIFAR_IMAGE_SHAPE],
    numClasses: 10,
    classNames: [...CIFAR10_CLASSES],
    source,
  };
}

export interface Cifar100Options {
  /** Which label to use: 'fine' (100 classes, the default) or 'coarse' (20 superclasses). */
  label?: Cifar100LabelKind;
}

/**
 * Parses a CIFAR-100 binary file (coarse label byte, fine label byte, pixels). Both labels are
 * checked (coarse < 20, fine < 100); the dataset carries the one chosen in `opts.label`.
 */
export function parseCifar100(data: Uint8Array | ArrayBuffer, opts: Cifar100Options = {}, source = 'CIFAR-100 file'): ImageDataset {
  const kind = opts.label ?? 'fine';
  const bytes = asBytes(data);
  const n = recordCount(bytes, CIFAR100_RECORD_BYTES, 'CIFAR-100', source);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const coarse = bytes[i * CIFAR100_RECORD_BYTES];
    const fine = bytes[i * CIFAR100_RECORD_BYTES + 1];
    if (coarse >= 20) throw new DatasetFileError(`${source}: record ${i} has coarse label ${coarse}, out of range for CIFAR-100 (0–19)`, 'labels');
    if (fine >= 100) throw new DatasetFileError(`${source}: record ${i} has fine label ${fine}, out of range for CIFAR-100 (0–99)`, 'labels');
    labels[i] = kind === 'fine' ? fine : coarse;
  }
  const names = kind === 'fine' ? CIFAR100_FINE_CLASSES : CIFAR100_COARSE_CLASSES;
  return {
    images: planesToNhwc(bytes, n, CIFAR100_RECORD_BYTES, 2),
    labels,
    shape: [...CIFAR_IMAGE_SHAPE],
    numClasses: names.length,
    classNames: [...names],
    source,
  };
}

/**
 * Whether the bytes could be a CIFAR file with records of `recordBytes`: a whole number (>= 1)
 * of records whose label bytes are all in range. Used to recognise a file by its content.
 */
export function looksLikeCifar(bytes: Uint8Array, recordBytes: number): boolean {
  if (bytes.length === 0 || bytes.length % recordBytes !== 0) return false;
  for (let at = 0; at < bytes.length; at += recordBytes) {
    if (recordBytes === CIFAR10_RECORD_BYTES ? bytes[at] >= 10 : bytes[at] >= 20 || bytes[at + 1] >= 100) return false;
  }
  return true;
}
