/**
 * Gaussian draws on the CPU in WebAssembly SIMD (the module: simdSource.ts, assembled into
 * simdModule.ts): the Philox4x32-10 words of philox.ts, bit for bit, and Box–Muller with the
 * float32 log and sincos of the GPU kernels (shaderMath.ts), so the wasm and cpu backends draw what
 * webgpu and webgl draw, up to the GPUs' own float32 rounding. Against the float64 reference
 * `philoxNormals` the draws differ by a few float32 ulps (|Δ| ≤ 1e-6 over the tested streams, whose
 * |z| reach the 32- and 40-bit grids of the radius uniform).
 *
 * The module is compiled synchronously on first use (allowed in workers and Node, where compute
 * runs); where WebAssembly SIMD or a synchronous compile is not available, `simdNormals` answers
 * false and the caller keeps the JavaScript reference.
 */
import { base64Bytes } from '../wasmBytes';
import { PHILOX_SIMD_WASM } from './simdModule';

interface SimdGenerator {
  memory: WebAssembly.Memory;
  normals(out: number, blocks: number, first: number, seed: number, stream: number, sigma: number): void;
}

/** Blocks per call: 16,384 blocks = 65,536 draws = 256 KiB of the module's memory. */
const CHUNK_BLOCKS = 16384;

let generator: SimdGenerator | null | undefined;

function load(): SimdGenerator | null {
  if (generator !== undefined) return generator;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(base64Bytes(PHILOX_SIMD_WASM)));
    const exports = instance.exports as unknown as SimdGenerator;
    const pages = Math.ceil((CHUNK_BLOCKS * 16) / 65536) - exports.memory.buffer.byteLength / 65536;
    if (pages > 0) exports.memory.grow(pages);
    generator = exports;
  } catch {
    generator = null;
  }
  return generator;
}

/**
 * Fills `out` with sigma · N(0, 1) draws number `first`, `first + 1`, … of the (seed, stream)
 * Philox stream, as `philoxNormals` orders them; `first` must be a multiple of 4. False (and
 * `out` untouched) where the module cannot run.
 */
export function simdNormals(out: Float32Array, seed: number, stream: number, sigma = 1, first = 0): boolean {
  if (first % 4 !== 0) throw new Error('simdNormals: first must be a multiple of 4');
  const g = load();
  if (!g) return false;
  const view = new Float32Array(g.memory.buffer, 0, CHUNK_BLOCKS * 4);
  let block = first / 4;
  for (let at = 0; at < out.length; at += CHUNK_BLOCKS * 4) {
    const n = Math.min(CHUNK_BLOCKS * 4, out.length - at);
    // Whole iterations of 4 blocks (16 draws); the extra draws past `n` are not copied.
    const blocks = Math.ceil(n / 16) * 4;
    g.normals(0, blocks, block >>> 0, seed >>> 0, stream >>> 0, sigma);
    out.set(n === view.length ? view : view.subarray(0, n), at);
    block += blocks;
  }
  return true;
}
