/**
 * One entry for a dataset file a user gives (dropped in the page, picked, or named on the CLI):
 * `parseDatasetFile(name, bytes)` recognises the format by its content and name and returns an
 * image dataset (CIFAR-10 / CIFAR-100 binary), an image file or a labels file (IDX, e.g. MNIST
 * and Fashion-MNIST, whose images and labels come in two files: pair them with
 * `datasetFromFiles`). Formats: CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin;
 * 3,073-byte records), CIFAR-100 binary (train.bin, test.bin; 3,074-byte records), IDX; any of
 * them gzipped (magic 1f 8b; decompressed with fflate, see ./gzip).
 *
 * Recognition, in order: gzip magic → decompress first; a CIFAR file name → CIFAR (its errors
 * say what is wrong with the file); an IDX-like name (…-idx3-ubyte) → IDX; then by content: an
 * IDX header whose dims match the length, a whole number of CIFAR-10 or CIFAR-100 records whose
 * label bytes are all in range, an IDX magic number (to report its length mismatch). Anything
 * else is refused with a message that says what was looked for.
 *
 * Size: files are refused past MAX_DATASET_BYTES (before decompressing, and while decompressing
 * as soon as the output passes it), so that a file too large for the browser gives a message
 * instead of freezing the page.
 */
import { looksLikeCifar, parseCifar10, parseCifar100, CIFAR10_RECORD_BYTES, CIFAR100_RECORD_BYTES, type Cifar100LabelKind } from './cifar';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from './classNames';
import { DatasetFileError, formatBytes } from './fileError';
import { gunzip, gunzipAsync, isGzip } from './gzip';
import { isZip, parsePngZip } from './pngZip';
import { hasIdxMagic, idxMagicOf, idxToImages, idxToLabels, looksLikeIdx, parseIdx } from './idx';
import { type ImageDataset, type ImageFile, type LabelFile, MAX_DATASET_BYTES, pairImagesLabels } from './imageDataset';

export { MAX_DATASET_BYTES };

export type DatasetFileFormat = 'cifar-10' | 'cifar-100' | 'idx' | 'png-zip';

export const DATASET_FORMAT_LABELS: Record<DatasetFileFormat, string> = {
  'cifar-10': 'CIFAR-10 binary',
  'cifar-100': 'CIFAR-100 binary',
  idx: 'IDX',
  'png-zip': 'zip of PNG images in class folders',
};

interface ParsedCommon {
  /** The file name as given. */
  name: string;
  format: DatasetFileFormat;
  /** Whether the file was gzip-compressed. */
  gzipped: boolean;
  /** Size of the (decompressed) data in bytes. */
  bytes: number;
}

export type ParsedDatasetFile =
  | (ParsedCommon & { kind: 'dataset'; dataset: ImageDataset })
  | (ParsedCommon & { kind: 'images'; images: ImageFile })
  | (ParsedCommon & { kind: 'labels'; labels: LabelFile });

export interface ParseDatasetOptions {
  /** Refuse files larger than this (bytes, after decompression). Default MAX_DATASET_BYTES. */
  maxBytes?: number;
  /** Which CIFAR-100 label to use (default 'fine'). */
  cifar100Label?: Cifar100LabelKind;
}

export interface ParseDatasetAsyncOptions extends ParseDatasetOptions {
  /** Stops decompression with CancelledError. */
  signal?: AbortSignal;
  /** Fraction of the compressed input decompressed so far. */
  onProgress?: (fraction: number) => void;
}

const CIFAR10_NAME = /^(data_batch_\d+|test_batch)(\.bin)?$/i;
const CIFAR100_NAME = /^(train|test)\.bin$/i;
const IDX_NAME = /idx\d|[-_.]ubyte/i;

/** The file's base name without folders and without a .gz suffix. */
export function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name).replace(/\.(gz|gzip)$/i, '');
}

/** Class names a file name suggests: Fashion-MNIST's for "fashion", digits for "mnist". */
export function guessClassNames(name: string): readonly string[] | undefined {
  if (/fashion/i.test(name)) return FASHION_MNIST_CLASSES;
  if (/mnist/i.test(name)) return MNIST_CLASSES;
  return undefined;
}

function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function checkSize(name: string, size: number, maxBytes: number): void {
  if (size > maxBytes) {
    throw new DatasetFileError(`file too large: ${name} has ${formatBytes(size)}, over the limit of ${formatBytes(maxBytes)} for a dataset file (take a smaller subset of the data)`, 'too-large');
  }
}

const hexBytes = (b: Uint8Array, n: number) => Array.from(b.subarray(0, n), (v) => v.toString(16).padStart(2, '0')).join(' ');

function unrecognised(name: string, bytes: Uint8Array): DatasetFileError {
  const accepted = 'Accepted: CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin), CIFAR-100 binary (train.bin, test.bin), IDX files (MNIST, Fashion-MNIST), each optionally gzipped (.gz), and zips of PNG images in one folder per class.';
  if (bytes.length > 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar') {
    return new DatasetFileError(`${name} is a tar archive (such as cifar-10-binary.tar.gz): extract it and give the .bin files inside. ${accepted}`, 'format');
  }
  const magic = idxMagicOf(bytes);
  return new DatasetFileError(
    `${name}: unrecognised dataset file: not gzip, no IDX magic number (the file starts with ${magic === null ? hexBytes(bytes, 4) : `0x${magic.toString(16).padStart(8, '0')}`}), ` +
      `and its ${formatBytes(bytes.length)} are not a whole number of CIFAR-10 (3,073-byte) or CIFAR-100 (3,074-byte) records with valid labels. ${accepted}`,
    'format',
  );
}

/** Recognises and parses decompressed bytes. */
function parseRaw(name: string, bytes: Uint8Array, gzipped: boolean, opts: ParseDatasetOptions): ParsedDatasetFile {
  const base = baseName(name);
  const common = { name, gzipped, bytes: bytes.length };
  if (bytes.length === 0) throw new DatasetFileError(`${name}: the file is empty (0 bytes)${gzipped ? ' after decompression' : ''}`, 'format');
  const cifar10 = (): ParsedDatasetFile => ({ ...common, kind: 'dataset', format: 'cifar-10', dataset: parseCifar10(bytes, base) });
  const cifar100 = (): ParsedDatasetFile => ({
    ...common,
    kind: 'dataset',
    format: 'cifar-100',
    dataset: parseCifar100(bytes, { label: opts.cifar100Label }, `${base}${opts.cifar100Label === 'coarse' ? ' (coarse labels)' : ''}`),
  });
  const idx = (): ParsedDatasetFile => {
    const array = parseIdx(bytes, base);
    if (array.dims.length === 1) return { ...common, kind: 'labels', format: 'idx', labels: idxToLabels(array, base) };
    return { ...common, kind: 'images', format: 'idx', images: idxToImages(array, base) };
  };

  if (isZip(bytes)) return { ...common, kind: 'dataset', format: 'png-zip', dataset: parsePngZip(base, bytes, opts.maxBytes ?? MAX_DATASET_BYTES) };
  if (CIFAR10_NAME.test(base)) return cifar10();
  if (CIFAR100_NAME.test(base)) return cifar100();
  if (IDX_NAME.test(base)) return idx();
  if (looksLikeIdx(bytes)) return idx();
  const is10 = looksLikeCifar(bytes, CIFAR10_RECORD_BYTES);
  const is100 = looksLikeCifar(bytes, CIFAR100_RECORD_BYTES);
  if (is10 && is100) {
    throw new DatasetFileError(
      `${name}: both a whole number of CIFAR-10 and of CIFAR-100 records; rename it data_batch_N.bin or test_batch.bin (CIFAR-10) or train.bin or test.bin (CIFAR-100) to say which`,
      'format',
    );
  }
  if (is10) return cifar10();
  if (is100) return cifar100();
  if (hasIdxMagic(bytes)) return idx(); // an IDX header whose length does not match: say so
  throw unrecognised(name, bytes);
}

/**
 * Parses a dataset file by its content (and name, see the file header). Throws DatasetFileError
 * with a message for the user for anything it refuses.
 */
export function parseDatasetFile(name: string, data: Uint8Array | ArrayBuffer, opts: ParseDatasetOptions = {}): ParsedDatasetFile {
  const maxBytes = opts.maxBytes ?? MAX_DATASET_BYTES;
  let bytes = toBytes(data);
  checkSize(name, bytes.length, maxBytes);
  const gzipped = isGzip(bytes);
  if (gzipped) bytes = gunzip(bytes, { maxBytes, name });
  return parseRaw(name, bytes, gzipped, opts);
}

/** `parseDatasetFile` with the decompression yielding to the event loop (cancel, progress). */
export async function parseDatasetFileAsync(name: string, data: Uint8Array | ArrayBuffer, opts: ParseDatasetAsyncOptions = {}): Promise<ParsedDatasetFile> {
  const maxBytes = opts.maxBytes ?? MAX_DATASET_BYTES;
  let bytes = toBytes(data);
  checkSize(name, bytes.length, maxBytes);
  const gzipped = isGzip(bytes);
  if (gzipped) bytes = await gunzipAsync(bytes, { maxBytes, name, signal: opts.signal, onProgress: opts.onProgress });
  return parseRaw(name, bytes, gzipped, opts);
}

/**
 * The dataset that one or two parsed files make: a CIFAR file alone, or an IDX image file with
 * its labels file (in either order; class names guessed from the image file's name). Refuses an
 * image file without labels, two of a kind, and counts that differ.
 */
export function datasetFromFiles(first: ParsedDatasetFile, second?: ParsedDatasetFile): ImageDataset {
  if (first.kind === 'dataset' || second?.kind === 'dataset') {
    if (second) throw new DatasetFileError(`${first.name} and ${second.name}: a CIFAR file holds images and labels; give it alone`, 'mismatch');
    return (first as Extract<ParsedDatasetFile, { kind: 'dataset' }>).dataset;
  }
  if (!second) {
    throw new DatasetFileError(
      first.kind === 'images'
        ? `${first.name} holds images only: give its labels file too (e.g. train-labels-idx1-ubyte.gz next to train-images-idx3-ubyte.gz)`
        : `${first.name} holds labels only: give its image file too`,
      'mismatch',
    );
  }
  if (first.kind === second.kind) throw new DatasetFileError(`${first.name} and ${second.name} are both ${first.kind === 'images' ? 'image' : 'labels'} files: give one of each`, 'mismatch');
  const images = (first.kind === 'images' ? first : second) as Extract<ParsedDatasetFile, { kind: 'images' }>;
  const labels = (first.kind === 'labels' ? first : second) as Extract<ParsedDatasetFile, { kind: 'labels' }>;
  const classNames = guessClassNames(images.name) ?? guessClassNames(labels.name);
  const maxLabel = labels.labels.labels.reduce((m, v) => Math.max(m, v), 0);
  // Names only when they cover every label (an MNIST-named file with label 12 gets none).
  const names = classNames && maxLabel < classNames.length ? classNames : undefined;
  return pairImagesLabels(images.images, labels.labels, { classNames: names });
}
