/**
 * The CPU's Gaussian generator in WebAssembly SIMD (src/core/noise/simd.ts): the committed bytes
 * are what its text (simdSource.ts) assembles to; every draw equals, bit for bit, a float32
 * emulation in JavaScript of the GPU kernels' arithmetic (Philox4x32-10 words of philox.ts,
 * Box–Muller with shaderMath.ts's log and sincos, every operation rounded with Math.fround);
 * the draws stay within 1e-6 of the float64 reference philoxNormals, also in the radius's finer
 * grids of the tail; counter offsets, sizes
 * that are not a multiple of 16, sigma, 32-bit seeds and streams; and gaussianNoise uses it
 * on the wasm and cpu backends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { assembleNoiseWasm, noiseModuleSource } from '../../scripts/wasmModules';
import { gaussianNoise, noiseSource } from '../../src/core/noise/gaussianNoise';
import { maxAbsDifference } from '../../src/core/noise/noiseCheck';
import { philox4x32, philoxNormals, radiusUniform } from '../../src/core/noise/philox';
import { COS_SERIES, LN2_HI, LN2_LO, LOG_SERIES, OCTANT_STEP, SIN_SERIES } from '../../src/core/noise/shaderMath';
import { simdNormals } from '../../src/core/noise/simd';
import { ROOT } from './cliRun';
import { useWasmBackend } from './helpers';

useWasmBackend();

const fr = Math.fround;
const bits = new DataView(new ArrayBuffer(4));
const toBits = (x: number) => (bits.setFloat32(0, x), bits.getUint32(0));
const fromBits = (b: number) => (bits.setUint32(0, b >>> 0), bits.getFloat32(0));
const horner = (coefficients: readonly number[], v: number) => coefficients.slice(1).reduce((acc, c) => fr(fr(c) + fr(v * acc)), fr(coefficients[0]));

/** The shaders' philoxLog in float32 (each product, sum and quotient rounded to float32). */
function logF32(u: number): number {
  const b = toBits(u);
  let e = (b >>> 23) - 127;
  let m = fromBits((b & 0x007fffff) | 0x3f800000);
  if (m > fr(1.41421356)) {
    m = fr(m * 0.5);
    e += 1;
  }
  const s = fr(fr(m - 1) / fr(m + 1));
  const s2 = fr(s * s);
  return fr(fr(e * fr(LN2_HI)) + fr(fr(e * fr(LN2_LO)) + fr(fr(2 * s) * horner(LOG_SERIES, s2))));
}

/** The shaders' philoxSinCos of 2π k / 2^24 in float32. */
function sinCosF32(k: number): [number, number] {
  const octant = k >>> 21;
  const rem = k & 0x1fffff;
  const odd = (octant & 1) === 1;
  const x = fr((odd ? 0x200000 - rem : rem) * fr(OCTANT_STEP));
  const x2 = fr(x * x);
  const s = fr(x * horner(SIN_SERIES, x2));
  const c = horner(COS_SERIES, x2);
  const sb = odd ? c : s;
  const cb = odd ? s : c;
  const q = octant >>> 1;
  const sn = q & 1 ? cb : sb;
  const cs = q & 1 ? sb : cb;
  return [q >= 2 ? -sn : sn, q === 1 || q === 2 ? -cs : cs];
}

/** Draws first… of the (seed, stream) stream, by the emulation. */
function emulated(n: number, seed: number, stream: number, sigma: number, first = 0): Float32Array {
  const out = new Float32Array(n);
  const w = new Uint32Array(4);
  for (let i = 0; i < n; i += 4) {
    philox4x32((first + i) / 4, 0, 0, 0, seed, stream, w, 0);
    // radiusUniform's values are exact in float32 (fr checks nothing is lost).
    const r0 = fr(fr(sigma) * fr(Math.sqrt(fr(-2 * logF32(fr(radiusUniform(w[0], w[1])))))));
    const r2 = fr(fr(sigma) * fr(Math.sqrt(fr(-2 * logF32(fr(radiusUniform(w[2], w[3])))))));
    const [s1, c1] = sinCosF32(w[1] >>> 8);
    const [s3, c3] = sinCosF32(w[3] >>> 8);
    const block = [r0 * c1, r0 * s1, r2 * c3, r2 * s3];
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = block[k];
  }
  return out;
}

/** Indices where a and b differ in any bit (NaN never equals), at most `limit`. */
function bitDifferences(a: Float32Array, b: Float32Array, limit = 5): number[] {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length && out.length < limit; i++) if (ua[i] !== ub[i]) out.push(i);
  return out;
}

describe('WASM SIMD Gaussian generator', () => {
  test('the committed module is what simdSource.ts assembles to (npm run build:wasm)', async () => {
    const committed = readFileSync(join(ROOT, 'src/core/noise/simdModule.ts'), 'utf8');
    expect(committed).toBe(noiseModuleSource(await assembleNoiseWasm()));
  });

  test('equals the float32 emulation of the GPU kernels bit for bit', () => {
    for (const [n, seed, stream, sigma] of [[1 << 20, 42, 3, 1], [100_003, 0xffffffff, 0xffffffff, 0.25], [17, 0, 0, 1], [1, 5, 5, 2], [70_000, 0x80000000, 1, 0.5]]) {
      const got = new Float32Array(n);
      expect(simdNormals(got, seed, stream, sigma)).toBe(true);
      expect(bitDifferences(got, emulated(n, seed, stream, sigma)), `n ${n}, seed ${seed}, stream ${stream}, sigma ${sigma}`).toEqual([]);
    }
  });

  test('a counter offset continues the stream, across the module’s chunks and past 2^32 blocks', () => {
    const whole = new Float32Array(200_000);
    simdNormals(whole, 9, 1, 1);
    for (const first of [4, 16, 65_532, 65_536, 131_068]) {
      const part = new Float32Array(1_003);
      simdNormals(part, 9, 1, 1, first);
      expect(bitDifferences(part, whole.subarray(first, first + 1_003))).toEqual([]);
    }
    // Block numbers wrap at 2^32, as philox.ts's counter does.
    const wrapped = new Float32Array(64);
    simdNormals(wrapped, 9, 1, 1, 4 * (2 ** 32 - 8));
    expect(bitDifferences(wrapped, emulated(64, 9, 1, 1, 4 * (2 ** 32 - 8)))).toEqual([]);
    expect(() => simdNormals(new Float32Array(4), 9, 1, 1, 2)).toThrow(/multiple of 4/);
  });

  test('the radius uniform’s finer grids in the tail: bit for bit the emulation, within 1e-6 of the reference, further out than 24 bits', () => {
    // Blocks whose radius word is below 2^24 (32-bit grid) or 2^16 (40-bit grid, the far tail).
    const w = new Uint32Array(4);
    const found: Record<'32' | '40', number[]> = { '32': [], '40': [] };
    for (let g = 0; found['40'].length < 2 && g < 1 << 20; g++) {
      philox4x32(g, 0, 0, 0, 7, 1, w, 0);
      for (const k of [0, 2]) if (w[k] < 2 ** 24) found[w[k] < 2 ** 16 ? '40' : '32'].push(4 * g + k);
    }
    expect(found['40'].length).toBe(2);
    for (const at of [...found['40'], ...found['32'].slice(0, 20)]) {
      const first = at - (at % 4);
      const got = new Float32Array(4);
      expect(simdNormals(got, 7, 1, 1, first)).toBe(true);
      expect(bitDifferences(got, emulated(4, 7, 1, 1, first))).toEqual([]);
      expect(maxAbsDifference(got, philoxNormals(new Float32Array(4), 7, 1, 1, first))).toBeLessThanOrEqual(1e-6);
    }
    // In the far tail (u ≤ 2^-16, r ≥ sqrt(32 ln 2) ≈ 4.71) the pair's radius comes from the 40-bit
    // uniform, further out than the 24-bit one it replaced, which stopped at sqrt(48 ln 2) ≈ 5.77.
    for (const at of found['40']) {
      const first = at - (at % 4);
      const z = philoxNormals(new Float32Array(4), 7, 1, 1, first);
      philox4x32(first / 4, 0, 0, 0, 7, 1, w, 0);
      const lane = at % 4;
      const u = radiusUniform(w[lane], w[lane + 1]);
      expect(Math.hypot(z[lane], z[lane + 1])).toBeCloseTo(Math.sqrt(-2 * Math.log(u)), 6);
      expect(u).toBeLessThanOrEqual(2 ** -16);
      expect(u).toBeLessThan(((w[lane] >>> 8) + 1) * 2 ** -24);
    }
    expect(Math.sqrt(-2 * Math.log(radiusUniform(0, 0)))).toBeCloseTo(Math.sqrt(80 * Math.LN2), 12);
    expect(Math.sqrt(80 * Math.LN2)).toBeGreaterThan(7.44);
  });

  test('radiusUniform: three exact grids that meet without gap or overlap', () => {
    const exact = (u: number) => Math.fround(u) === u && Number.isInteger(u * 2 ** 40);
    for (const [w, a] of [[0, 0], [0, 255], [0xffff, 0xff], [0x10000, 0], [0xffffff, 0], [0x1000000, 0], [0xffffffff, 0xffffffff], [12345, 0x1234567]]) expect(exact(radiusUniform(w, a))).toBe(true);
    expect(radiusUniform(0, 0)).toBe(2 ** -40);
    // Each grid's top is the next one's bottom, one step below.
    expect(radiusUniform(0xffff, 0xff)).toBe(2 ** -16);
    expect(radiusUniform(0x10000, 0)).toBe(2 ** -16 + 2 ** -32);
    expect(radiusUniform(0xffffff, 0)).toBe(2 ** -8);
    expect(radiusUniform(0x1000000, 0)).toBe(2 ** -8 + 2 ** -24);
    expect(radiusUniform(0xffffffff, 0)).toBe(1);
    // The angle word counts only in the far tail, and only its low byte.
    expect(radiusUniform(0x20000, 0xff)).toBe(radiusUniform(0x20000, 0));
    expect(radiusUniform(5, 0x1ff)).toBe(radiusUniform(5, 0xff));
  });

  test('stays within 1e-6 of the float64 reference philoxNormals', () => {
    const n = 1 << 20;
    const got = new Float32Array(n);
    simdNormals(got, 20261204, 11, 1);
    const diff = maxAbsDifference(got, philoxNormals(new Float32Array(n), 20261204, 11, 1));
    expect(diff).toBeGreaterThan(0); // float32 arithmetic, not the float64 reference
    expect(diff).toBeLessThanOrEqual(1e-6);
  });

  test('is what gaussianNoise draws on wasm and cpu, leaving only its tensor', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const t = gaussianNoise([3, 7, 11], { seed: 77, stream: 2, sigma: 0.5 });
      expect(noiseSource()).toBe('wasm');
      expect(t.shape).toEqual([3, 7, 11]);
      const v = (await t.data()) as Float32Array;
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(bitDifferences(v, emulated(v.length, 77, 2, 0.5))).toEqual([]);
    }
    await tf.setBackend('wasm');
  });

  test('on wasm it draws into the tensor’s own memory, the same bits across the module’s chunks', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    let drawn: tf.Tensor | undefined;
    const profile = await tf.profile(() => {
      drawn = gaussianNoise([200_003], { seed: 5, stream: 6, sigma: 2 });
      return drawn;
    });
    // One kernel, the heap generator: no array filled in JavaScript and uploaded.
    expect(profile.kernelNames).toEqual(['WorkbenchHeapNormals']);
    expect(noiseSource()).toBe('wasm');
    const v = (await drawn!.data()) as Float32Array;
    drawn!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(bitDifferences(v, emulated(v.length, 5, 6, 2))).toEqual([]);
  });
});
