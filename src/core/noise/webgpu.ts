/**
 * Gaussian noise on the tfjs WebGPU backend: a WGSL compute kernel that yields
 * exactly the draws of `philoxNormals` (philox.ts): Philox4x32-10 (Salmon et al., SC 2011) of
 * counter (g, 0, 0, 0) under key (seed, stream), the uniforms of philox.ts (radiusUniform), Box–Muller, elements 4g..4g+3.
 * WGSL has no 64-bit integers, so mulhi goes through 16-bit halves as in philox.ts; log, sin and
 * cos are float32 code of our own (noiseShaderMath.ts explains why).
 *
 * Dispatch: one invocation per 4-element block, workgroups of 64, through the backend's
 * `runWebGPUProgram`. The output is 1-D (reshaped afterwards, which copies nothing), and seed,
 * stream, first block and sigma are uniforms, so the pipeline cache (keyed by shaderKey, workgroup
 * size, rank and dtype; see makeShaderKey) holds at most four pipelines: vec4 or scalar stores
 * (size a multiple of 4 or not) × flat or reshaped dispatch (more than 65,535 workgroups).
 *
 * No import of @tensorflow/tfjs-backend-webgpu: the backend is reached through `tf.backend()`, so
 * this file loads in Node and the CLI, where only wasm/cpu exist.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseOptions } from './gaussianNoise';
import { COS_SERIES, INV_2_24, INV_2_32, INV_2_40, LN2_HI, LN2_LO, LOG_SERIES, OCTANT_STEP, SIN_SERIES, floatLiteral as f, horner } from './shaderMath';

/** The parts of tfjs-backend-webgpu's WebGPUProgram and WebGPUBackend used here. */
interface WebGPUProgramLike {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  variableNames: string[];
  uniforms: string;
  size: boolean;
  outputComponent: number;
  getUserCode(): string;
}
interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgramLike, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms: Array<{ type: string; data: number[] }>): tf.TensorInfo;
  device: { limits: { maxStorageBufferBindingSize: number } };
}

const WORKGROUP = 64;

/** WGSL: philox4x32, the float32 log and sincos, and the 4 normals of block g. */
export const WGSL_PHILOX_NORMALS = `
fn philoxMulhi(a : u32, b : u32) -> u32 {
  let aLo = a & 0xffffu; let aHi = a >> 16u; let bLo = b & 0xffffu; let bHi = b >> 16u;
  let lolo = aLo * bLo; let mid1 = aHi * bLo; let mid2 = aLo * bHi;
  let carry = ((lolo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}
fn philox4x32(counter : vec4<u32>, key : vec2<u32>) -> vec4<u32> {
  var x = counter;
  var k = key;
  for (var r = 0; r < 10; r = r + 1) {
    let hi0 = philoxMulhi(0xd2511f53u, x.x); let lo0 = 0xd2511f53u * x.x;
    let hi1 = philoxMulhi(0xcd9e8d57u, x.z); let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}
fn philoxLog(u : f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e = e + 1; }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let fe = f32(e);
  return fe * ${f(LN2_HI)} + (fe * ${f(LN2_LO)} + 2.0 * s * ${horner(LOG_SERIES, 's2')});
}
fn philoxSinCos(k : u32) -> vec2<f32> {
  let octant = k >> 21u;
  let rem = k & 0x1fffffu;
  let odd = (octant & 1u) == 1u;
  let x = f32(select(rem, 0x200000u - rem, odd)) * ${f(OCTANT_STEP)};
  let x2 = x * x;
  let s = x * ${horner(SIN_SERIES, 'x2')};
  let c = ${horner(COS_SERIES, 'x2')};
  let sb = select(s, c, odd);
  let cb = select(c, s, odd);
  let q = octant >> 1u;
  let swap = (q & 1u) == 1u;
  let sn = select(sb, cb, swap);
  let cs = select(cb, sb, swap);
  return vec2<f32>(select(sn, -sn, q >= 2u), select(cs, -cs, q == 1u || q == 2u));
}
fn radiusUniform(w : u32, a : u32) -> f32 {
  if (w >= 0x1000000u) { return f32((w >> 8u) + 1u) * ${f(INV_2_24)}; }
  if (w >= 0x10000u) { return f32(w + 1u) * ${f(INV_2_32)}; }
  return f32(((w << 8u) | (a & 0xffu)) + 1u) * ${f(INV_2_40)};
}
fn philoxNormals(g : u32) -> vec4<f32> {
  let w = philox4x32(vec4<u32>(g, 0u, 0u, 0u), vec2<u32>(uniforms.seed, uniforms.stream));
  let r0 = uniforms.sigma * sqrt(-2.0 * philoxLog(radiusUniform(w.x, w.y)));
  let r2 = uniforms.sigma * sqrt(-2.0 * philoxLog(radiusUniform(w.z, w.w)));
  let a1 = philoxSinCos(w.y >> 8u);
  let a3 = philoxSinCos(w.w >> 8u);
  return vec4<f32>(r0 * a1.y, r0 * a1.x, r2 * a3.y, r2 * a3.x);
}
`;

/** One invocation per block of 4; vec4 stores when the size is a multiple of 4. */
class PhiloxNormalProgram implements WebGPUProgramLike {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  variableNames: string[] = [];
  uniforms = 'seed : u32, stream : u32, firstBlock : u32, sigma : f32,';
  size = true;
  outputComponent: number;
  private readonly vec4: boolean;

  constructor(size: number) {
    this.outputShape = [size];
    this.vec4 = size % 4 === 0;
    this.outputComponent = this.vec4 ? 4 : 1;
    this.shaderKey = this.vec4 ? 'philoxNormalVec4' : 'philoxNormal';
    this.dispatch = [Math.ceil(Math.ceil(size / 4) / WORKGROUP), 1, 1];
  }

  getUserCode(): string {
    // uniforms.size counts vec4s in the vec4 variant (size / outputComponent), elements otherwise.
    const body = this.vec4
      ? `if (index < uniforms.size) { setOutputAtIndex(index, philoxNormals(u32(index) + uniforms.firstBlock)); }`
      : `let base = index * 4;
    if (base < uniforms.size) {
      let z = philoxNormals(u32(index) + uniforms.firstBlock);
      setOutputAtIndex(base, z.x);
      if (base + 1 < uniforms.size) { setOutputAtIndex(base + 1, z.y); }
      if (base + 2 < uniforms.size) { setOutputAtIndex(base + 2, z.z); }
      if (base + 3 < uniforms.size) { setOutputAtIndex(base + 3, z.w); }
    }`;
    return `${WGSL_PHILOX_NORMALS}
  fn main(index : i32) {
    ${body}
  }`;
  }
}

/** Wraps a kernel's output (row-major, any shape) as a tensor of `shape`, leaving only that tensor alive. */
export function tensorOfShape(info: tf.TensorInfo, shape: number[]): tf.Tensor {
  const flat = tf.engine().makeTensorFromTensorInfo(info);
  if (tf.util.arraysEqual(info.shape, shape)) return flat;
  const shaped = tf.reshape(flat, shape);
  flat.dispose();
  return shaped;
}

/**
 * sigma · N(0, I) of `shape` on the active WebGPU backend: draws number 4·firstBlock, … of the
 * (seed, stream) stream. Null when the output would not fit one storage buffer binding.
 */
export function webgpuNoise(shape: number[], options: NoiseOptions, firstBlock = 0): tf.Tensor | null {
  const size = shape.reduce((a, b) => a * b, 1);
  const backend = tf.backend() as unknown as WebGPUBackendLike;
  if (size === 0 || typeof backend.runWebGPUProgram !== 'function') return null;
  if (size * 4 > backend.device.limits.maxStorageBufferBindingSize) return null;
  const info = backend.runWebGPUProgram(new PhiloxNormalProgram(size), [], 'float32', [
    { type: 'uint32', data: [options.seed >>> 0] },
    { type: 'uint32', data: [options.stream >>> 0] },
    { type: 'uint32', data: [firstBlock >>> 0] },
    { type: 'float32', data: [options.sigma] },
  ]);
  return tensorOfShape(info, shape);
}
