/**
 * A zip of PNG images in one folder per class (e.g. `cats/001.png`, `dogs/002.png`, possibly
 * under a common top folder): class names are the folder names in alphabetical order, labels
 * their indices. PNGs are decoded with fast-png (pure JavaScript, so the same code runs in the
 * worker and in Node); 8- and 16-bit, grey, grey+alpha, RGB, RGBA and palette images are read,
 * alpha is dropped, and a set mixing grey and colour images becomes RGB. Every image must have
 * the same size. Entries that are not PNG images are refused by name (macOS metadata aside), and
 * so are paths that could escape a folder. Sizes are checked on what is decoded: the unpacked
 * bytes while unzipping, and the pixels every PNG header declares before any image is decoded.
 */
import { unzipSync } from 'fflate';
import { convertIndexedToRgb, decode } from 'fast-png';
import { DatasetFileError } from './fileError';
import type { ImageDataset, ImageShape } from './imageDataset';

const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|\._)/;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/**
 * Width and height as a PNG's header (IHDR) declares them, read before anything is decoded; null
 * when the bytes do not start like a PNG (the decoder then says what is wrong).
 */
export function pngHeaderSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  if (String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Bytes one decoded pixel may take in the dataset (three float32 channels). */
const DECODED_BYTES_PER_PIXEL = 12;

/**
 * An entry's path as a class folder and file name, refused when it could escape or mislead: '..'
 * segments, absolute or drive paths, backslashes, empty folder names.
 */
function safePath(name: string, path: string): string[] {
  const bad = path.startsWith('/') ? 'an absolute path' : /^[A-Za-z]:/.test(path) ? 'a drive path' : path.includes('\\') ? 'a backslash' : null;
  if (bad) throw new DatasetFileError(`${name}: the entry "${path}" has ${bad}; entries must be relative paths such as cats/001.png`, 'format');
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.')) throw new DatasetFileError(`${name}: the entry "${path}" has a "${parts.find((p) => p === '..' || p === '.')}" folder; entries must be plain folder and file names`, 'format');
  if (parts.slice(0, -1).some((p) => p.trim() === '')) throw new DatasetFileError(`${name}: the entry "${path}" has an empty folder name`, 'format');
  return parts;
}

interface Decoded {
  width: number;
  height: number;
  /** Pixel values scaled to [0, 1], `channels` per pixel. */
  values: Float32Array;
  channels: 1 | 3;
}

function decodeEntry(path: string, bytes: Uint8Array): Decoded {
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new DatasetFileError(`${path} is not a readable PNG image (${e instanceof Error ? e.message : String(e)})`, 'format');
  }
  let data: ArrayLike<number> = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  const max = png.palette ? 255 : png.depth === 16 ? 65535 : png.depth === 8 ? 255 : 2 ** png.depth - 1;
  const colour = channels >= 3;
  const out = new Float32Array(png.width * png.height * (colour ? 3 : 1));
  for (let p = 0; p < png.width * png.height; p++) {
    if (colour) for (let k = 0; k < 3; k++) out[3 * p + k] = data[p * channels + k] / max;
    else out[p] = data[p * channels] / max;
  }
  return { width: png.width, height: png.height, values: out, channels: colour ? 3 : 1 };
}

/** Parses a zip of PNGs in class folders into an image dataset (pixels in [0, 1], NHWC). */
export function parsePngZip(name: string, bytes: Uint8Array, maxBytes: number): ImageDataset {
  let unpacked = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || IGNORED.test(f.name)) return false;
        unpacked += f.originalSize;
        if (unpacked > maxBytes) throw new DatasetFileError(`file too large: ${name} unpacks to more than ${(maxBytes / 2 ** 20).toFixed(0)} MiB`, 'too-large');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof DatasetFileError) throw e;
    throw new DatasetFileError(`${name} is not a readable zip archive (${e instanceof Error ? e.message : String(e)})`, 'format');
  }
  const paths = Object.keys(files).sort();
  if (!paths.length) throw new DatasetFileError(`${name} holds no files`, 'format');
  const notPng = paths.filter((p) => !/\.png$/i.test(p));
  if (notPng.length) {
    throw new DatasetFileError(`${name} holds entries that are not PNG images: ${notPng.slice(0, 3).join(', ')}${notPng.length > 3 ? ` and ${notPng.length - 3} more` : ''}`, 'format');
  }
  const classOf = (p: string) => {
    const parts = safePath(name, p);
    if (parts.length < 2) throw new DatasetFileError(`${name}: ${p} is not inside a class folder; put each class's images in a folder named after the class`, 'format');
    return parts[parts.length - 2];
  };
  const classNames = [...new Set(paths.map(classOf))].sort();
  if (classNames.length < 2) throw new DatasetFileError(`${name}: found one class folder (${classNames[0]}); a dataset needs at least two`, 'labels');
  // The decoded size is known from the headers: refuse before decoding one image.
  let pixels = 0;
  for (const p of paths) {
    const size = pngHeaderSize(files[p]);
    if (!size) continue;
    pixels += size.width * size.height;
    if (pixels * DECODED_BYTES_PER_PIXEL > maxBytes) {
      throw new DatasetFileError(
        `file too large: ${name} decodes to more than ${(maxBytes / 2 ** 20).toFixed(0)} MiB of pixels (${p} declares ${size.width}×${size.height}); use fewer or smaller images`,
        'too-large',
      );
    }
  }
  const decoded = paths.map((p) => decodeEntry(p, files[p]));
  const { width, height } = decoded[0];
  const odd = decoded.findIndex((d) => d.width !== width || d.height !== height);
  if (odd >= 0) {
    throw new DatasetFileError(`${name}: ${paths[odd]} is ${decoded[odd].width}×${decoded[odd].height} but ${paths[0]} is ${width}×${height}; all images must have the same size`, 'mismatch');
  }
  const channels = decoded.some((d) => d.channels === 3) ? 3 : 1;
  const size = width * height * channels;
  const images = new Float32Array(decoded.length * size);
  decoded.forEach((d, i) => {
    if (d.channels === channels) images.set(d.values, i * size);
    else for (let p = 0; p < width * height; p++) for (let k = 0; k < 3; k++) images[i * size + 3 * p + k] = d.values[p];
  });
  const labels = Int32Array.from(paths, (p) => classNames.indexOf(classOf(p)));
  const shape: ImageShape = [height, width, channels];
  return { images, labels, shape, numClasses: classNames.length, classNames, source: name };
}
