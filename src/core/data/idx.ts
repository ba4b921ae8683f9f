/**
 * IDX format, as used by MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "FILE
 * FORMATS"): a 4-byte magic number — two zero bytes, a type byte, the number of dimensions —
 * then each dimension as a big-endian uint32, then the values in row-major order, big-endian.
 * Types: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E
 * float64. MNIST's image files have magic 0x00000803 (ubyte, 3 dims: count × rows × columns), its
 * label files 0x00000801 (ubyte, 1 dim: count).
 *
 * Images come out as Float32Array in NHWC layout with C = 1 (n × rows × columns × 1), values in
 * [0, 1]: integer types are 8-bit intensities divided by 255 (ubyte always; int8/int16/int32 only
 * when every value lies in 0–255), float types are taken as they are and must already lie in
 * [0, 1] (nothing here rescales). Labels come out as Int32Array. Pure: bytes in, plain data out.
 * `encodeIdx` writes the format (for the shipped subset and for test fixtures).
 */
import { DatasetFileError } from './fileError';
import { BYTE_TO_UNIT, type ImageFile, type LabelFile, MAX_NUM_CLASSES } from './imageDataset';

export const IDX_TYPES = {
  0x08: { name: 'ubyte', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;
export type IdxTypeCode = keyof typeof IDX_TYPES;
export type IdxTypeName = (typeof IDX_TYPES)[IdxTypeCode]['name'];

/** Magic number of an unsigned-byte image file (3 dims) and of a labels file (1 dim). */
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
/** Dimensions an IDX header may declare here (images have 3, labels 1). */
const MAX_IDX_DIMS = 8;

export type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxTypeName;
  typeCode: IdxTypeCode;
  dims: number[];
  /** The values, row-major, in a typed array of the file's type (native byte order). */
  data: IdxValues;
}

const hex32 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const count = (n: number) => n.toLocaleString('en-US');
const TYPE_LIST = Object.entries(IDX_TYPES)
  .map(([code, t]) => `0x${Number(code).toString(16).padStart(2, '0')} ${t.name}`)
  .join(', ');

function asBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

const isTypeCode = (b: number): b is IdxTypeCode => Object.prototype.hasOwnProperty.call(IDX_TYPES, b);

/** The first 4 bytes as a big-endian number (for messages), or null for a shorter file. */
export function idxMagicOf(bytes: Uint8Array): number | null {
  if (bytes.length < 4) return null;
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** Whether the bytes start like an IDX file: 00 00, a known type byte, 1–8 dimensions. */
export function hasIdxMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && isTypeCode(bytes[2]) && bytes[3] >= 1 && bytes[3] <= MAX_IDX_DIMS;
}

interface IdxHeader {
  typeCode: IdxTypeCode;
  dims: number[];
  headerBytes: number;
  /** Header plus data, as the header declares. */
  expectedBytes: number;
}

function readHeader(bytes: Uint8Array, source: string): IdxHeader {
  if (bytes.length === 0) throw new DatasetFileError(`${source}: the file is empty (0 bytes)`, 'format');
  const magic = idxMagicOf(bytes);
  if (!hasIdxMagic(bytes)) {
    const found = magic === null ? `only ${bytes.length} byte(s): ${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')}` : hex32(magic);
    throw new DatasetFileError(
      `${source}: wrong magic number ${found}; an IDX file starts with two zero bytes, a type byte (${TYPE_LIST}) and the number of ` +
        `dimensions (1–${MAX_IDX_DIMS}), e.g. ${hex32(IDX_IMAGES_MAGIC)} for images, ${hex32(IDX_LABELS_MAGIC)} for labels`,
      'format',
    );
  }
  const typeCode = bytes[2] as IdxTypeCode;
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetFileError(`${source}: the IDX header declares ${ndims} dimensions (${headerBytes} header bytes) but the file has only ${bytes.length} bytes`, 'truncated');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const values = dims.reduce((p, d) => p * d, 1);
  return { typeCode, dims, headerBytes, expectedBytes: headerBytes + values * IDX_TYPES[typeCode].bytes };
}

/** Whether the bytes are an IDX file whose length matches its header exactly. */
export function looksLikeIdx(bytes: Uint8Array): boolean {
  if (!hasIdxMagic(bytes) || bytes.length < 4 + 4 * bytes[3]) return false;
  return readHeader(bytes, '').expectedBytes === bytes.length;
}

/** Parses any IDX file into its dimensions and values. Refuses a wrong magic or a wrong length. */
export function parseIdx(data: Uint8Array | ArrayBuffer, source = 'IDX file'): IdxArray {
  const bytes = asBytes(data);
  const { typeCode, dims, headerBytes, expectedBytes } = readHeader(bytes, source);
  const type = IDX_TYPES[typeCode];
  if (bytes.length !== expectedBytes) {
    const diff = bytes.length - expectedBytes;
    throw new DatasetFileError(
      `${source}: data length does not match the dims: the header says ${dims.join(' × ')} ${type.name} values, so ` +
        `${count(expectedBytes)} bytes with the header are expected, but the file has ${count(bytes.length)} ` +
        `(${diff < 0 ? `${count(-diff)} bytes missing` : `${count(diff)} bytes too many`})`,
      diff < 0 ? 'truncated' : 'format',
    );
  }
  const n = (expectedBytes - headerBytes) / type.bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset + headerBytes, expectedBytes - headerBytes);
  let values: IdxValues;
  switch (type.name) {
    case 'ubyte':
      values = bytes.slice(headerBytes, expectedBytes);
      break;
    case 'int8':
      values = new Int8Array(bytes.slice(headerBytes, expectedBytes).buffer);
      break;
    case 'int16':
      values = new Int16Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getInt16(2 * i, false);
      break;
    case 'int32':
      values = new Int32Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getInt32(4 * i, false);
      break;
    case 'float32':
      values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(4 * i, false);
      break;
    case 'float64':
      values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = view.getFloat64(8 * i, false);
      break;
  }
  return { type: type.name, typeCode, dims, data: values };
}

/**
 * An IDX array of 3 dims (count × rows × columns) as images, NHWC with one channel, in [0, 1].
 * Refuses other dimension counts and values outside the type's pixel range.
 */
export function idxToImages(idx: IdxArray, source = 'IDX images'): ImageFile {
  const { dims, data, type } = idx;
  if (dims.length !== 3) {
    const hint = dims.length === 1 ? ' (1 dim: this is a labels file)' : dims.length > 3 ? ' (more than 3 dims are not supported for images)' : '';
    throw new DatasetFileError(`${source}: an IDX image file has 3 dims (count × rows × columns), this one has ${dims.length}: ${dims.join(' × ')}${hint}`, 'format');
  }
  const [n, h, w] = dims;
  if (n === 0 || h === 0 || w === 0) throw new DatasetFileError(`${source}: no images (dims ${dims.join(' × ')})`, 'format');
  const size = h * w;
  let images: Float32Array;
  if (type === 'ubyte') {
    const bytes = data as Uint8Array; // one concrete array type keeps this loop fast
    images = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) images[i] = BYTE_TO_UNIT[bytes[i]];
  } else if (type === 'float32' || type === 'float64') {
    images = data instanceof Float32Array ? data : Float32Array.from(data);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) {
        throw new DatasetFileError(
          `${source}: record ${Math.floor(i / size)} has pixel value ${v}, outside [0, 1]; ${type} IDX images must hold values in [0, 1] (nothing is rescaled)`,
          'format',
        );
      }
    }
  } else {
    images = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < 0 || v > 255) {
        throw new DatasetFileError(`${source}: record ${Math.floor(i / size)} has pixel value ${v}, outside 0–255 (${type} IDX images are read as 8-bit intensities)`, 'format');
      }
      images[i] = BYTE_TO_UNIT[v];
    }
  }
  return { kind: 'images', images, count: n, shape: [h, w, 1], source };
}

/** An IDX array of 1 dim as labels: whole numbers in [0, MAX_NUM_CLASSES). */
export function idxToLabels(idx: IdxArray, source = 'IDX labels'): LabelFile {
  const { dims, data } = idx;
  if (dims.length !== 1) {
    const hint = dims.length === 3 ? ' (3 dims: this looks like an image file)' : '';
    throw new DatasetFileError(`${source}: an IDX labels file has 1 dim (count), this one has ${dims.length}: ${dims.join(' × ')}${hint}`, 'format');
  }
  if (dims[0] === 0) throw new DatasetFileError(`${source}: no labels (count 0)`, 'format');
  const labels = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < MAX_NUM_CLASSES)) {
      throw new DatasetFileError(`${source}: record ${i} has label ${v}, out of range (labels are whole numbers from 0 to ${MAX_NUM_CLASSES - 1})`, 'labels');
    }
    labels[i] = v;
  }
  return { kind: 'labels', labels, count: labels.length, source };
}

export function parseIdxImages(data: Uint8Array | ArrayBuffer, source = 'IDX images'): ImageFile {
  return idxToImages(parseIdx(data, source), source);
}

export function parseIdxLabels(data: Uint8Array | ArrayBuffer, source = 'IDX labels'): LabelFile {
  return idxToLabels(parseIdx(data, source), source);
}

/** Writes an IDX file: header (type, dims) and the values big-endian. */
export function encodeIdx(dims: number[], values: ArrayLike<number>, type: IdxTypeName = 'ubyte'): Uint8Array {
  const entry = Object.entries(IDX_TYPES).find(([, t]) => t.name === type);
  if (!entry) throw new Error(`unknown IDX type ${type}`);
  const [code, { bytes: width }] = entry;
  if (dims.length < 1 || dims.length > MAX_IDX_DIMS) throw new Error(`an IDX file has 1–${MAX_IDX_DIMS} dims (got ${dims.length})`);
  const n = dims.reduce((p, d) => p * d, 1);
  if (values.length !== n) throw new Error(`${values.length} values for dims ${dims.join(' × ')} (${n})`);
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + n * width);
  const view = new DataView(out.buffer);
  out[2] = Number(code);
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < n; i++) {
    const at = headerBytes + i * width;
    const v = values[i];
    switch (type) {
      case 'ubyte':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      case 'float64':
        view.setFloat64(at, v, false);
        break;
    }
  }
  return out;
}
