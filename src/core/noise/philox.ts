/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * counter-based generator. Output block i depends only on (key, counter i), so any device can
 * compute any draw independently and the same (seed, stream) gives the same numbers everywhere.
 *
 * Gaussian draws (Box–Muller on uniforms that float32 holds exactly, so that float32 GPU code
 * and this float64 reference see the same uniforms): block g = Philox(key = (seed, stream),
 * counter = (g, 0, 0, 0)) gives words w0..w3; the angle uniforms are v_k = (w_k >>> 8) · 2^-24
 * ∈ [0, 1), and the radius uniforms u0 = radiusUniform(w0, w1), u2 = radiusUniform(w2, w3) ∈ (0, 1];
 *   element 4g + 0 = r0 cos(2π v1), 4g + 1 = r0 sin(2π v1),   r0 = sqrt(-2 ln u0),
 *   element 4g + 2 = r2 cos(2π v3), 4g + 3 = r2 sin(2π v3),   r2 = sqrt(-2 ln u2).
 *
 * The radius uniform (radiusUniform) is finer where the tail is: the top 24 bits of w
 * ((w >>> 8) + 1) · 2^-24 above 2^-8; all 32 bits (w + 1) · 2^-32 in (2^-16, 2^-8]; and below
 * that 40 bits, w's 32 with the low byte of the pair's angle word (which the angle does not read),
 * ((w << 8 | a & 255) + 1) · 2^-40. Each grid covers its interval with the interval's own
 * probability, and every value is an integer below 2^24 + 1 times a power of two, exact in float32.
 * What remains of the distortion:
 *  - the tail: |z| is capped at sqrt(2·40·ln 2) ≈ 7.45 (with 24 bits alone it was 5.77); the
 *    mass that collapses onto the cap is 2^-40 per pair, (d/2) · 2^-40 per input of d numbers —
 *    1.4e-9 at d = 3072, against 6.9e-5 for the smallest 1 − pA_lower that CERTIFY can resolve
 *    (n = 10^5, alpha = 10^-3);
 *  - the grid: inside one cell of its grid (width 2^-24, 2^-32 or 2^-40 at u) the radius spans
 *    about width / (u · r), the most a pair can sit from the Box–Muller pair of an exact uniform in
 *    that cell. That is below 1e-5 · sigma for 0.006 < r < 6.0 (below 5e-6 · sigma for
 *    0.02 < r < 4.7); it is larger at the two ends: the innermost cell, r < 3.5e-4 (mass 2^-24 per
 *    pair), and the outermost cells of the 40-bit grid, where the cell at u = k · 2^-40 spans about
 *    1 / (k · r) (0.094 · sigma at k = 2; the cells with k < 2^14, r > 6.0, hold 2^-26 of the mass
 *    per pair). The angle's grid (2π · 2^-24) moves a pair by at most 3e-6 · sigma at r = 7.45.
 *
 * philoxNormals computes this in float64 and is the reference the generators are checked against;
 * the backends draw with float32 code: WGSL and GLSL kernels on the GPU, WebAssembly SIMD on the
 * CPU (simd.ts), all with the arithmetic of shaderMath.ts. It is also what the CPU falls back to
 * where WebAssembly SIMD cannot run.
 */

/** The largest |z| a draw of N(0, 1) can take here: the radius cap sqrt(2 · 40 · ln 2) (header). */
export const NORMAL_DRAW_CAP = Math.sqrt(80 * Math.LN2);

export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;
export const PHILOX_ROUNDS = 10;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1); writes 4 words to out[at..at+3]. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array, at: number): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let r = 0; r < PHILOX_ROUNDS; r++) {
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  out[at] = x0;
  out[at + 1] = x1;
  out[at + 2] = x2;
  out[at + 3] = x3;
}

const TWO_PI = 2 * Math.PI;
const INV_2_24 = 2 ** -24;

/**
 * The radius uniform u ∈ (0, 1] of a pair from its radius word w and its angle word a (see the
 * header): 24 bits of w above 2^-8, 32 in (2^-16, 2^-8], 40 (w and a's low byte) below.
 */
export function radiusUniform(w: number, a: number): number {
  const word = w >>> 0;
  if (word >= 2 ** 24) return ((word >>> 8) + 1) * INV_2_24;
  if (word >= 2 ** 16) return (word + 1) * 2 ** -32;
  return (((word << 8) | (a & 0xff)) + 1) * 2 ** -40;
}

/**
 * Fills `out` with sigma · N(0, 1) draws number `first`, `first + 1`, … of the stream (seed,
 * stream), as defined in the header. `first` must be a multiple of 4.
 */
export function philoxNormals(out: Float32Array, seed: number, stream: number, sigma = 1, first = 0): Float32Array {
  if (first % 4 !== 0) throw new Error('philoxNormals: first must be a multiple of 4');
  const words = new Uint32Array(4);
  const g0 = first / 4;
  for (let i = 0; i < out.length; i += 4) {
    philox4x32(g0 + i / 4, 0, 0, 0, seed, stream, words, 0);
    const r0 = sigma * Math.sqrt(-2 * Math.log(radiusUniform(words[0], words[1])));
    const t1 = TWO_PI * (words[1] >>> 8) * INV_2_24;
    const r2 = sigma * Math.sqrt(-2 * Math.log(radiusUniform(words[2], words[3])));
    const t3 = TWO_PI * (words[3] >>> 8) * INV_2_24;
    out[i] = r0 * Math.cos(t1);
    if (i + 1 < out.length) out[i + 1] = r0 * Math.sin(t1);
    if (i + 2 < out.length) out[i + 2] = r2 * Math.cos(t3);
    if (i + 3 < out.length) out[i + 3] = r2 * Math.sin(t3);
  }
  return out;
}
