/**
 * gzip (RFC 1952) decompression of dataset files, on fflate's streaming `Gunzip` (single- or
 * multi-member). The input is pushed in chunks so that the output size limit is enforced while
 * decompressing (a "zip bomb" stops at the limit instead of filling the memory), and the async
 * variant yields to the event loop between chunks so that a worker stays responsive to cancel.
 *
 * fflate's stream does not check a member's trailer (CRC-32 and size mod 2^32), and it ends
 * without a word on a file cut short in the header, in the trailer, or (at some cut points) in the
 * deflate data; all are checked here, so that a truncated or corrupt file is always an Error
 * ("truncated gzip: ..." / "corrupt gzip: ..."), never wrong data and never a hang. When a
 * trailer does not match, the member is inflated once more with fflate's one-shot inflateSync
 * (which does report a premature end) to tell a truncated file from a corrupt one.
 */
import { Gunzip, inflateSync } from 'fflate';
import { checkpoint } from '../cancel';
import { DatasetFileError, formatBytes } from './fileError';

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** A gzip member has a 10-byte header and an 8-byte trailer around its deflate data. */
const MIN_GZIP_BYTES = 18;
/** Input bytes pushed into the stream per step. */
const DEFAULT_CHUNK_BYTES = 1 << 20;

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export interface GunzipOptions {
  /** Refuse (DatasetFileError 'too-large') as soon as the output grows past this many bytes. */
  maxBytes?: number;
  /** The file's name, for messages. */
  name?: string;
  /** Input bytes per step (default 1 MiB). */
  chunkBytes?: number;
}

export interface GunzipAsyncOptions extends GunzipOptions {
  /** Stops the decompression (CancelledError) at the next chunk. */
  signal?: AbortSignal;
  /** Fraction of the input consumed, after each chunk. */
  onProgress?: (fraction: number) => void;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC-32 (the gzip/zlib polynomial) over `bytes`; start with crc = 0. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Length of the gzip member header at `start` (RFC 1952 §2.3: 10 bytes, then the optional extra
 * field, file name, comment and header CRC), or -1 when the data end inside it.
 */
export function gzipHeaderLength(bytes: Uint8Array, start = 0): number {
  let at = start + 10;
  if (at > bytes.length) return -1;
  const flags = bytes[start + 3];
  if (flags & 4) {
    if (at + 2 > bytes.length) return -1;
    at += 2 + (bytes[at] | (bytes[at + 1] << 8));
  }
  for (const bit of [8, 16]) {
    if (flags & bit) {
      while (at < bytes.length && bytes[at] !== 0) at++;
      at++; // the terminating zero
    }
  }
  if (flags & 2) at += 2;
  return at > bytes.length ? -1 : at - start;
}

const hex32 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const le32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

interface MemberEnd {
  /** Offset of the member's header in the input. */
  start: number;
  /** Offset just past the member's trailer in the input. */
  end: number;
  crc: number;
  size: number;
}

/** One decompression: push chunks with `step()` until it returns true, then `result()`. */
class GunzipJob {
  private readonly stream: Gunzip;
  private readonly chunks: Uint8Array[] = [];
  private readonly members: MemberEnd[] = [];
  private total = 0;
  private crc = 0;
  private size = 0;
  private memberStart = 0;
  private offset = 0;
  private readonly label: string;
  private readonly maxBytes: number;
  private readonly chunkBytes: number;

  constructor(
    private readonly input: Uint8Array,
    opts: GunzipOptions,
  ) {
    this.label = opts.name ? `${opts.name}: ` : '';
    this.maxBytes = opts.maxBytes ?? Infinity;
    this.chunkBytes = Math.max(1024, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    if (!isGzip(input)) throw new DatasetFileError(`${this.label}not gzip data (it does not start with 1f 8b)`, 'gzip');
    if (input.length < MIN_GZIP_BYTES) {
      throw new DatasetFileError(`truncated gzip: ${this.label}the file has ${input.length} bytes, fewer than the ${MIN_GZIP_BYTES} of an empty gzip member`, 'gzip');
    }
    if (input[2] !== 8) throw new DatasetFileError(`corrupt gzip: ${this.label}compression method ${input[2]} in the header (gzip uses 8, deflate)`, 'gzip');
    const header = gzipHeaderLength(input);
    if (header < 0 || header + 8 > input.length) throw new DatasetFileError(`truncated gzip: ${this.label}the file (${input.length} bytes) ends inside the gzip header or before its trailer`, 'gzip');
    this.stream = new Gunzip((chunk) => this.onData(chunk));
    this.stream.onmember = (offset) => {
      this.members.push({ start: this.memberStart, end: offset, crc: this.crc, size: this.size });
      this.memberStart = offset;
      this.crc = 0;
      this.size = 0;
    };
  }

  private onData(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.total > this.maxBytes) {
      throw new DatasetFileError(
        `file too large: ${this.label}decompresses to more than ${formatBytes(this.maxBytes)}, the limit for a dataset file (take a smaller subset of the data)`,
        'too-large',
      );
    }
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    this.chunks.push(chunk);
  }

  get fraction(): number {
    return this.offset / this.input.length;
  }

  /** Pushes the next chunk; true when the whole input has been pushed. */
  step(): boolean {
    const end = Math.min(this.input.length, this.offset + this.chunkBytes);
    const final = end === this.input.length;
    try {
      this.stream.push(this.input.subarray(this.offset, end), final);
    } catch (e) {
      if (e instanceof DatasetFileError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const code = (e as { code?: number }).code;
      if (code === 0 || /unexpected EOF/i.test(msg)) {
        throw new DatasetFileError(`truncated gzip: ${this.label}the compressed data end before the end of the deflate stream (unexpected EOF after ${formatBytes(this.total)} of output)`, 'gzip');
      }
      throw new DatasetFileError(`corrupt gzip: ${this.label}${msg} (after ${formatBytes(this.total)} of output)`, 'gzip');
    }
    this.offset = end;
    return final;
  }

  /** Checks every member's trailer and returns the output as one array. */
  result(): Uint8Array {
    const members = [...this.members, { start: this.memberStart, end: this.input.length, crc: this.crc, size: this.size }];
    members.forEach((m, i) => {
      const last = i === members.length - 1;
      const at = m.end - 8;
      const expected = new Uint8Array(8);
      new DataView(expected.buffer).setUint32(0, m.crc, true);
      new DataView(expected.buffer).setUint32(4, m.size >>> 0, true);
      const crc = le32(this.input, at);
      const size = le32(this.input, at + 4);
      if (crc === m.crc && size === m.size >>> 0) return;
      const which = members.length > 1 ? `member ${i + 1} of ${members.length}: ` : '';
      if (last) {
        // fflate's stream may end quietly inside the deflate data: the one-shot inflate does not.
        const header = gzipHeaderLength(this.input, m.start);
        if (header < 0) throw new DatasetFileError(`truncated gzip: ${this.label}${which}the file ends inside the gzip header`, 'gzip');
        try {
          inflateSync(this.input.subarray(m.start + header));
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if ((e as { code?: number }).code === 0 || /unexpected EOF/i.test(msg)) {
            throw new DatasetFileError(`truncated gzip: ${this.label}${which}the compressed data end before the end of the deflate stream (unexpected EOF)`, 'gzip');
          }
          throw new DatasetFileError(`corrupt gzip: ${this.label}${which}${msg}`, 'gzip');
        }
        // A file cut inside the trailer ends with the first k bytes of the expected trailer.
        for (let k = 7; k >= 1; k--) {
          const tail = this.input.subarray(this.input.length - k);
          if (tail.every((v, j) => v === expected[j])) {
            throw new DatasetFileError(`truncated gzip: ${this.label}${which}the file ends inside the 8-byte gzip trailer (${8 - k} bytes missing)`, 'gzip');
          }
        }
        throw new DatasetFileError(
          `corrupt gzip: ${this.label}${which}the gzip trailer (CRC-32 ${hex32(crc)}, size ${size}) does not match the ` +
            `decompressed data (CRC-32 ${hex32(m.crc)}, ${m.size} bytes): the data are damaged, or the file lacks its 8-byte trailer`,
          'gzip',
        );
      }
      throw new DatasetFileError(
        `corrupt gzip: ${this.label}${which}the trailer (CRC-32 ${hex32(crc)}, size ${size}) does not match the decompressed data (CRC-32 ${hex32(m.crc)}, ${m.size} bytes)`,
        'gzip',
      );
    });
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.total);
    let k = 0;
    for (const c of this.chunks) {
      out.set(c, k);
      k += c.length;
    }
    this.chunks.length = 0;
    return out;
  }
}

/**
 * Decompresses gzip data (one or more members), checking every member's CRC-32 and size.
 * Throws DatasetFileError: 'too-large' past `maxBytes` of output, 'gzip' for truncated or
 * corrupt data.
 */
export function gunzip(bytes: Uint8Array, opts: GunzipOptions = {}): Uint8Array {
  const job = new GunzipJob(bytes, opts);
  while (!job.step());
  return job.result();
}

/**
 * The same as `gunzip`, yielding to the event loop between chunks (so that a worker can receive
 * a cancel message; `signal` stops it with CancelledError) and reporting progress.
 */
export async function gunzipAsync(bytes: Uint8Array, opts: GunzipAsyncOptions = {}): Promise<Uint8Array> {
  const job = new GunzipJob(bytes, opts);
  for (;;) {
    await checkpoint(opts.signal);
    const done = job.step();
    opts.onProgress?.(job.fraction);
    if (done) break;
  }
  return job.result();
}
