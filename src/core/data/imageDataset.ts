/**
 * The workbench's in-memory image dataset, whatever file it came from (CIFAR binary, IDX, ...):
 * images as one Float32Array in NHWC layout (n × height × width × channels) with pixel values
 * in [0, 1], integer labels in [0, numClasses). The input domain is explicit: pixels are floats
 * in [0, 1] and nothing here normalises them (a normalisation is a layer inside the model).
 *
 * Also: a summary (records, class histogram, shape, value range), subsets (the first N; N per
 * class, chosen by seed or the first ones), pairing an IDX image file with its labels file, and
 * concatenating batches (CIFAR-10's five training batches).
 */
import { Rng, deriveSeed } from '../random';
import { DatasetFileError } from './fileError';

/** [height, width, channels] of one image. */
export type ImageShape = [number, number, number];

export interface ImageDataset {
  /** NHWC, values in [0, 1]: image i, row y, column x, channel c at ((i*h + y)*w + x)*c + c. */
  images: Float32Array;
  labels: Int32Array;
  shape: ImageShape;
  numClasses: number;
  classNames?: string[];
  /** Where the data came from (file name, subset), for display. */
  source: string;
}

/** An image file without labels (an IDX3 file): images NHWC in [0, 1]. */
export interface ImageFile {
  kind: 'images';
  images: Float32Array;
  count: number;
  shape: ImageShape;
  source: string;
}

/** A labels-only file (an IDX1 file). */
export interface LabelFile {
  kind: 'labels';
  labels: Int32Array;
  count: number;
  source: string;
}

/** byte/255 as float32 for every byte value (what the division gives, without one per pixel). */
export const BYTE_TO_UNIT = (() => {
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = v / 255;
  return t;
})();

export { MAX_DATASET_BYTES } from '../limits';

/** Labels are refused at or beyond this many classes (a histogram of 2^31 classes is a bug). */
export const MAX_NUM_CLASSES = 1000;

export interface ImageSummary {
  records: number;
  shape: ImageShape;
  /** [min, max] over all pixel values; null when there are no pixels. */
  valueRange: [number, number] | null;
  /** Null for an image file without labels. */
  classes: {
    numClasses: number;
    /** Number of records of class k at index k. */
    histogram: number[];
    names?: string[];
  } | null;
}

export const imageSize = (shape: ImageShape) => shape[0] * shape[1] * shape[2];
const formatShape = (shape: ImageShape) => shape.join('×');

/** [min, max] of the values, or null for an empty array. */
export function valueRange(values: Float32Array): [number, number] | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Number of labels of each class 0..numClasses-1. */
export function classHistogram(labels: Int32Array, numClasses: number): number[] {
  const h = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]]++;
  return h;
}

/**
 * A 64-bit fingerprint (16 hex digits) of a dataset's records: every pixel's float bits, every
 * label, the shape and the class count, through two different 32-bit multiply-and-mix streams.
 * Not a cryptographic hash: it tells apart the record sets a user loads (one pixel, one label or
 * the order changes it; tested), so that the same training config on the same fingerprint trains
 * the same weights (the arena's library uses it to know a kept image model was trained on these
 * records).
 */
export function recordsFingerprint(ds: ImageDataset): string {
  if (!(ds.images instanceof Float32Array) || !(ds.labels instanceof Int32Array)) throw new TypeError('recordsFingerprint: ds.images must be a Float32Array and ds.labels an Int32Array');
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  const eat = (v: number) => {
    a = Math.imul(a ^ v, 0x01000193);
    a ^= a >>> 15;
    b = Math.imul(b ^ v, 0x85ebca6b) ^ (b >>> 13);
  };
  for (const v of [ds.labels.length, ...ds.shape, ds.numClasses]) eat(v);
  const bits = new Uint32Array(ds.images.buffer, ds.images.byteOffset, ds.images.length);
  for (let i = 0; i < bits.length; i++) eat(bits[i]);
  for (let i = 0; i < ds.labels.length; i++) eat(ds.labels[i]);
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b);
}

/** Records, class histogram, shape and value range of a dataset or an image file. */
export function summarizeImages(ds: ImageDataset | ImageFile): ImageSummary {
  const size = imageSize(ds.shape);
  const records = size > 0 ? ds.images.length / size : 0;
  const classes =
    'labels' in ds
      ? { numClasses: ds.numClasses, histogram: classHistogram(ds.labels, ds.numClasses), ...(ds.classNames ? { names: [...ds.classNames] } : {}) }
      : null;
  return { records, shape: [...ds.shape], valueRange: valueRange(ds.images), classes };
}

/**
 * Checks a dataset's invariants: images.length = n·h·w·c for n = labels.length, labels in
 * [0, numClasses), classNames (when given) one per class. Throws DatasetFileError.
 */
export function checkImageDataset(ds: ImageDataset): void {
  const [h, w, c] = ds.shape;
  if (![h, w, c].every((v) => Number.isInteger(v) && v > 0)) throw new DatasetFileError(`${ds.source}: invalid image shape ${formatShape(ds.shape)}`, 'format');
  if (!Number.isInteger(ds.numClasses) || ds.numClasses < 1 || ds.numClasses > MAX_NUM_CLASSES) {
    throw new DatasetFileError(`${ds.source}: numClasses must be an integer in [1, ${MAX_NUM_CLASSES}] (got ${ds.numClasses})`, 'labels');
  }
  const size = imageSize(ds.shape);
  if (ds.images.length !== ds.labels.length * size) {
    throw new DatasetFileError(
      `${ds.source}: ${ds.images.length / size} images (of ${formatShape(ds.shape)}) but ${ds.labels.length} labels`,
      'mismatch',
    );
  }
  const bad = ds.labels.findIndex((v) => v < 0 || v >= ds.numClasses);
  if (bad >= 0) throw new DatasetFileError(`${ds.source}: record ${bad}: label ${ds.labels[bad]} is out of range [0, ${ds.numClasses - 1}]`, 'labels');
  if (ds.classNames && ds.classNames.length !== ds.numClasses) {
    throw new DatasetFileError(`${ds.source}: ${ds.classNames.length} class names for ${ds.numClasses} classes`, 'labels');
  }
}

export interface PairOptions {
  /** Class count; default: classNames' length, else the largest label + 1. */
  numClasses?: number;
  classNames?: readonly string[];
  /** Default: "<images source> + <labels source>". */
  source?: string;
}

/**
 * Pairs an image file with its labels (a labels file or an array): the counts must match
 * ("3 images but 5 labels") and every label must be a class.
 */
export function pairImagesLabels(images: ImageFile, labels: LabelFile | Int32Array, opts: PairOptions = {}): ImageDataset {
  const labelArray = labels instanceof Int32Array ? labels : labels.labels;
  const labelSource = labels instanceof Int32Array ? 'the labels' : labels.source;
  if (images.count !== labelArray.length) {
    throw new DatasetFileError(
      `${images.count} images but ${labelArray.length} labels: ${images.source} and ${labelSource} do not belong together`,
      'mismatch',
    );
  }
  let maxLabel = -1;
  for (let i = 0; i < labelArray.length; i++) if (labelArray[i] > maxLabel) maxLabel = labelArray[i];
  const numClasses = opts.numClasses ?? opts.classNames?.length ?? Math.max(1, maxLabel + 1);
  const ds: ImageDataset = {
    images: images.images,
    labels: labelArray,
    shape: [...images.shape],
    numClasses,
    ...(opts.classNames ? { classNames: [...opts.classNames] } : {}),
    source: opts.source ?? `${images.source} + ${labelSource}`,
  };
  checkImageDataset(ds);
  return ds;
}

/** The records at `indices` (in that order), as a new dataset with copied arrays. */
export function takeRecords(ds: ImageDataset, indices: ArrayLike<number>, source: string): ImageDataset {
  const size = imageSize(ds.shape);
  const n = ds.labels.length;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new DatasetFileError(`record index ${i} is outside the dataset (${n} records)`, 'subset');
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i];
  }
  return { ...ds, images, labels, shape: [...ds.shape], ...(ds.classNames ? { classNames: [...ds.classNames] } : {}), source };
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new DatasetFileError(`${what} must be a whole number >= 1 (got ${n})`, 'subset');
}

/** The first n records. Refuses n larger than the dataset. */
export function subsetFirst(ds: ImageDataset, n: number): ImageDataset {
  checkCount('the subset size', n);
  const total = ds.labels.length;
  if (n > total) throw new DatasetFileError(`asked for the first ${n} images, but ${ds.source} has ${total}`, 'subset');
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return takeRecords(ds, idx, `${ds.source} [first ${n}]`);
}

/** Indices of each class, in file order. */
function indicesByClass(ds: ImageDataset): Int32Array[] {
  const counts = classHistogram(ds.labels, ds.numClasses);
  const out = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(ds.numClasses).fill(0);
  for (let i = 0; i < ds.labels.length; i++) {
    const c = ds.labels[i];
    out[c][fill[c]++] = i;
  }
  return out;
}

function perClass(ds: ImageDataset, nPerClass: number, pick: (indices: Int32Array, c: number) => Int32Array, what: string): ImageDataset {
  checkCount('the number of images per class', nPerClass);
  const byClass = indicesByClass(ds);
  const short = byClass.findIndex((idx) => idx.length < nPerClass);
  if (short >= 0) {
    const name = ds.classNames?.[short] ? ` (${ds.classNames[short]})` : '';
    throw new DatasetFileError(`class ${short}${name} has ${byClass[short].length} images in ${ds.source}, fewer than the ${nPerClass} per class asked`, 'subset');
  }
  const chosen = new Int32Array(nPerClass * ds.numClasses);
  byClass.forEach((idx, c) => chosen.set(pick(idx, c), c * nPerClass));
  chosen.sort(); // keep the file's order
  return takeRecords(ds, chosen, `${ds.source} [${what}]`);
}

/**
 * nPerClass records of every class, drawn without replacement by a generator seeded with `seed`
 * (the same seed always gives the same records), kept in the file's order. Refuses when a class
 * has fewer than nPerClass records.
 */
export function subsetPerClass(ds: ImageDataset, nPerClass: number, seed: number): ImageDataset {
  return perClass(
    ds,
    nPerClass,
    (idx, c) => {
      // Partial Fisher–Yates: the first nPerClass entries of a seeded shuffle of the class.
      const rng = new Rng(deriveSeed(seed, 'subsetPerClass', c));
      const a = idx.slice();
      for (let i = 0; i < nPerClass; i++) {
        const j = i + rng.int(a.length - i);
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a.subarray(0, nPerClass);
    },
    `${nPerClass} per class, seed ${seed}`,
  );
}

/** The first nPerClass records of every class, in the file's order (no randomness). */
export function subsetFirstPerClass(ds: ImageDataset, nPerClass: number): ImageDataset {
  return perClass(ds, nPerClass, (idx) => idx.subarray(0, nPerClass), `first ${nPerClass} per class`);
}

/**
 * Indices of the first nPerClass labels of every class 0..numClasses-1, in ascending order (the
 * records `subsetFirstPerClass` takes). Refuses a class with fewer.
 */
export function firstIndicesPerClass(labels: Int32Array, numClasses: number, nPerClass: number): Int32Array {
  checkCount('the number of images per class', nPerClass);
  const taken = new Array<number>(numClasses).fill(0);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < numClasses && taken[c] < nPerClass) {
      taken[c]++;
      out.push(i);
    }
  }
  const short = taken.findIndex((t) => t < nPerClass);
  if (short >= 0) throw new DatasetFileError(`class ${short} has ${taken[short]} records, fewer than the ${nPerClass} per class asked`, 'subset');
  return Int32Array.from(out);
}

/**
 * One dataset from several with the same image shape (e.g. CIFAR-10's data_batch_1..5), in the
 * given order. numClasses is the largest; class names are kept when all agree.
 */
export function concatImageDatasets(parts: ImageDataset[], source?: string): ImageDataset {
  if (parts.length === 0) throw new DatasetFileError('no datasets to concatenate', 'format');
  const shape = parts[0].shape;
  const other = parts.find((p) => p.shape.join() !== shape.join());
  if (other) throw new DatasetFileError(`cannot join images of ${formatShape(shape)} (${parts[0].source}) with images of ${formatShape(other.shape)} (${other.source})`, 'mismatch');
  const images = new Float32Array(parts.reduce((s, p) => s + p.images.length, 0));
  const labels = new Int32Array(parts.reduce((s, p) => s + p.labels.length, 0));
  let i = 0;
  let l = 0;
  for (const p of parts) {
    images.set(p.images, i);
    labels.set(p.labels, l);
    i += p.images.length;
    l += p.labels.length;
  }
  const numClasses = Math.max(...parts.map((p) => p.numClasses));
  const names = parts[0].classNames;
  const sameNames = names && names.length === numClasses && parts.every((p) => p.classNames && p.classNames.join('\n') === names.join('\n'));
  return {
    images,
    labels,
    shape: [...shape],
    numClasses,
    ...(sameNames ? { classNames: [...names] } : {}),
    source: source ?? parts.map((p) => p.source).join(' + '),
  };
}
