/**
 * Shared constants of the device Gaussian generators: Philox4x32-10 (Salmon et
 * al., SC 2011) and Box–Muller in float32, written out once for the WGSL (noiseWebgpu.ts) and the
 * GLSL ES 3.0 (noiseWebgl.ts) kernels so both do exactly the same arithmetic.
 *
 * Why the shaders bring their own log, sin and cos: WGSL only promises an absolute error of 2^-21
 * for log on [0.5, 2] and 2^-11 for sin/cos on [-π, π] (GLSL ES says even less). Near u = 1,
 * r = sqrt(-2 ln u) turns an absolute log error δ into an error of about δ / r, which is ~1e-3
 * for the largest uniforms, and 2^-11 in cos would be 5e-4 by itself. So:
 *  - ln u: u = 2^e · m with m ∈ [√½, √2) read from the float's bits (u is exact: k · 2^-24,
 *    k · 2^-32 or k · 2^-40 with k < 2^24 + 1, philox.ts),
 *    ln m = 2 atanh(s), s = (m − 1)/(m + 1) (m − 1 is exact), a series to s^11 (|s| ≤ 0.172,
 *    truncation < 1e-10), and e · ln 2 with ln 2 split into a 17-bit head and a tail (fdlibm's
 *    logf), so the result has a relative error of a few float32 ulps everywhere.
 *  - sin/cos(2π k / 2^24): the 24-bit integer k gives the octant exactly (k >> 21); the angle in
 *    the octant, x = (rem or 2^21 − rem) · π/4 · 2^-21 ∈ [0, π/4], goes through Taylor series
 *    (sin to x^9, cos to x^10: truncation < 2e-9), and the octant's symmetries give the rest.
 * Observed: at most a few 1e-7 from the float64 reference (philoxNormals), on SwiftShader.
 */

/** fdlibm's split of ln 2: LN2_HI has 7 trailing zero bits, so e · LN2_HI is exact for |e| ≤ 128. */
export const LN2_HI = 6.9313812256e-1;
export const LN2_LO = 9.0580006145e-6;
/** π/4 · 2^-21: one step of the 21-bit position inside an octant. */
export const OCTANT_STEP = Math.PI / 4 / 2 ** 21;
/** 2^-24, 2^-32 and 2^-40, exactly: the steps of the radius uniform's three grids (philox.ts). */
export const INV_2_24 = 2 ** -24;
export const INV_2_32 = 2 ** -32;
export const INV_2_40 = 2 ** -40;

/** A float literal both WGSL and GLSL ES 3.0 accept, with enough digits to round to the float32 we mean. */
export function floatLiteral(x: number): string {
  const s = Math.fround(x).toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Coefficients, highest first, of the series in s² for ln m = 2s · P(s²): 1/11, 1/9, …, 1. */
export const LOG_SERIES = [1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3, 1];
/** sin x = x · S(x²), cos x = C(x²): Taylor coefficients, highest first. */
export const SIN_SERIES = [1 / 362880, -1 / 5040, 1 / 120, -1 / 6, 1];
export const COS_SERIES = [-1 / 3628800, 1 / 40320, -1 / 720, 1 / 24, -1 / 2, 1];

/** Horner form of a series in `v` (highest coefficient first), as shader source. */
export function horner(coefficients: readonly number[], v: string): string {
  let expr = floatLiteral(coefficients[0]);
  for (const c of coefficients.slice(1)) expr = `(${floatLiteral(c)} + ${v} * ${expr})`;
  return expr;
}
