/**
 * Gaussian noise on the tfjs WebGL2 backend: a GPGPU fragment program in GLSL
 * ES 3.0 that yields exactly the draws of `philoxNormals` (philox.ts): Philox4x32-10 (Salmon et
 * al., SC 2011) with 32-bit highp uints (mulhi through 16-bit halves: ES 3.0 has no
 * umulExtended), the uniforms of philox.ts (radiusUniform), Box–Muller with the float32 log/sincos of noiseShaderMath.ts.
 *
 * Dispatch: when the size is a multiple of 4, one fragment per Philox block: a packed output of
 * logical shape [size / 2, 2], whose RGBA texel at rows 2g, 2g + 1 holds elements 4g..4g+3
 * (reshaping it to the caller's shape is one copy, as packing an unpacked texture would be).
 * Otherwise one fragment per element of an unpacked 1-D texture, each computing its block's
 * Philox words and the one Box–Muller lane it needs. Seed, stream, first block and sigma are
 * `customUniforms`, and `enableShapeUniforms` keeps the output shape out of the shader source,
 * so the backend's binary cache (makeShaderKey) compiles each variant once per few texture-shape
 * classes (e.g. 1 × n up to the texture size limit, square beyond), not per seed or per size.
 * WebGL has no uint uniforms: seed and stream travel as the int with the same bits (uint(int)
 * keeps the bit pattern in GLSL ES 3.0).
 *
 * Falls back (returns null) where the backend cannot render float32 textures: half floats would
 * round the draws to 11 bits.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseOptions } from './gaussianNoise';
import { COS_SERIES, INV_2_24, INV_2_32, INV_2_40, LN2_HI, LN2_LO, LOG_SERIES, OCTANT_STEP, SIN_SERIES, floatLiteral as f, horner } from './shaderMath';
import { tensorOfShape } from './webgpu';

/** The parts of tfjs-backend-webgl's GPGPUProgram and MathBackendWebGL used here. */
interface GPGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  enableShapeUniforms: boolean;
  packedOutput: boolean;
  customUniforms: Array<{ name: string; type: 'int' | 'float' }>;
}
interface WebGLBackendLike {
  compileAndRun(program: GPGPUProgramLike, inputs: tf.TensorInfo[], outputDtype: tf.DataType, customUniformValues: number[][]): tf.TensorInfo;
}

/** GLSL ES 3.0: philox4x32, the float32 log and sincos, block `block` and element `index` of the stream. */
export const GLSL_PHILOX_NORMAL = `
uint philoxMulhi(uint a, uint b) {
  uint aLo = a & 0xffffu; uint aHi = a >> 16u; uint bLo = b & 0xffffu; uint bHi = b >> 16u;
  uint lolo = aLo * bLo; uint mid1 = aHi * bLo; uint mid2 = aLo * bHi;
  uint carry = ((lolo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}
uvec4 philox4x32(uvec4 x, uvec2 k) {
  for (int r = 0; r < 10; r++) {
    uint hi0 = philoxMulhi(0xd2511f53u, x.x); uint lo0 = 0xd2511f53u * x.x;
    uint hi1 = philoxMulhi(0xcd9e8d57u, x.z); uint lo1 = 0xcd9e8d57u * x.z;
    x = uvec4(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k += uvec2(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}
float philoxLog(float u) {
  uint bits = floatBitsToUint(u);
  int e = int(bits >> 23u) - 127;
  float m = uintBitsToFloat((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m *= 0.5; e += 1; }
  float s = (m - 1.0) / (m + 1.0);
  float s2 = s * s;
  float fe = float(e);
  return fe * ${f(LN2_HI)} + (fe * ${f(LN2_LO)} + 2.0 * s * ${horner(LOG_SERIES, 's2')});
}
vec2 philoxSinCos(uint k) {
  uint octant = k >> 21u;
  uint rem = k & 0x1fffffu;
  bool odd = (octant & 1u) == 1u;
  float x = float(odd ? 0x200000u - rem : rem) * ${f(OCTANT_STEP)};
  float x2 = x * x;
  float s = x * ${horner(SIN_SERIES, 'x2')};
  float c = ${horner(COS_SERIES, 'x2')};
  float sb = odd ? c : s;
  float cb = odd ? s : c;
  uint q = octant >> 1u;
  bool swap = (q & 1u) == 1u;
  float sn = swap ? cb : sb;
  float cs = swap ? sb : cb;
  return vec2(q >= 2u ? -sn : sn, (q == 1u || q == 2u) ? -cs : cs);
}
float radiusUniform(uint w, uint a) {
  if (w >= 0x1000000u) return float((w >> 8u) + 1u) * ${f(INV_2_24)};
  if (w >= 0x10000u) return float(w + 1u) * ${f(INV_2_32)};
  return float(((w << 8u) | (a & 0xffu)) + 1u) * ${f(INV_2_40)};
}
vec4 philoxNormals4(int block) {
  uvec4 w = philox4x32(uvec4(uint(block) + uint(noiseFirst), 0u, 0u, 0u), uvec2(uint(noiseSeed), uint(noiseStream)));
  float r0 = noiseSigma * sqrt(-2.0 * philoxLog(radiusUniform(w.x, w.y)));
  float r2 = noiseSigma * sqrt(-2.0 * philoxLog(radiusUniform(w.z, w.w)));
  vec2 a1 = philoxSinCos(w.y >> 8u);
  vec2 a3 = philoxSinCos(w.w >> 8u);
  return vec4(r0 * a1.y, r0 * a1.x, r2 * a3.y, r2 * a3.x);
}
float philoxNormal(int index) {
  uint g = uint(index >> 2) + uint(noiseFirst);
  int lane = index & 3;
  uvec4 w = philox4x32(uvec4(g, 0u, 0u, 0u), uvec2(uint(noiseSeed), uint(noiseStream)));
  uint wr = lane < 2 ? w.x : w.z;
  uint wa = lane < 2 ? w.y : w.w;
  float r = noiseSigma * sqrt(-2.0 * philoxLog(radiusUniform(wr, wa)));
  vec2 sc = philoxSinCos(wa >> 8u);
  return r * ((lane & 1) == 0 ? sc.y : sc.x);
}
`;

/**
 * Size a multiple of 4: a packed output of logical shape [size / 2, 2], whose RGBA texel at row
 * 2g holds elements 4g..4g+3, i.e. exactly Philox block g. Otherwise one fragment per element.
 */
class PhiloxNormalGLProgram implements GPGPUProgramLike {
  variableNames: string[] = [];
  outputShape: number[];
  packedOutput: boolean;
  enableShapeUniforms = true;
  customUniforms: GPGPUProgramLike['customUniforms'] = [
    { name: 'noiseSeed', type: 'int' },
    { name: 'noiseStream', type: 'int' },
    { name: 'noiseFirst', type: 'int' },
    { name: 'noiseSigma', type: 'float' },
  ];
  userCode: string;

  constructor(size: number) {
    this.packedOutput = size % 4 === 0;
    this.outputShape = this.packedOutput ? [size / 2, 2] : [size];
    const main = this.packedOutput ? 'setOutput(philoxNormals4(getOutputCoords().x >> 1));' : 'setOutput(philoxNormal(getOutputCoords()));';
    this.userCode = `${GLSL_PHILOX_NORMAL}
void main() {
  ${main}
}`;
  }
}

/**
 * sigma · N(0, I) of `shape` on the active WebGL backend: draws number 4·firstBlock, … of the
 * (seed, stream) stream. Null without float32 render targets or beyond the texture size limit.
 */
export function webglNoise(shape: number[], options: NoiseOptions, firstBlock = 0): tf.Tensor | null {
  const size = shape.reduce((a, b) => a * b, 1);
  const backend = tf.backend() as unknown as WebGLBackendLike;
  if (size === 0 || typeof backend.compileAndRun !== 'function') return null;
  if (tf.env().getNumber('WEBGL_VERSION') !== 2 || !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return null;
  const maxTexture = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
  if (size > maxTexture * maxTexture) return null;
  const info = backend.compileAndRun(new PhiloxNormalGLProgram(size), [], 'float32', [
    [options.seed | 0],
    [options.stream | 0],
    [firstBlock | 0],
    [options.sigma],
  ]);
  return tensorOfShape(info, shape);
}
