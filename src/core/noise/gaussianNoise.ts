/**
 * Gaussian noise for randomized smoothing, drawn on the device where the backend allows it.
 * `tf.randomNormal` generates its numbers in JavaScript and uploads them; for Monte-Carlo
 * certification that upload dominated (../shared/ENVIRONMENT.md). Here every draw is a pure
 * function of (seed, stream, element index) through Philox4x32-10 (`philox.ts`), so the same
 * seed gives the same noise on every backend (up to float32 rounding of log/sin/cos on GPUs).
 *
 * Backends: webgpu and webgl run the generator as a custom kernel on the GPU; wasm and cpu
 * compute it on the CPU (the device there anyway) in WebAssembly SIMD (simd.ts: the GPU kernels'
 * float32 arithmetic), or, where that module cannot run, in JavaScript (philox.ts, float64); on
 * wasm straight into the tensor's memory (heapNoise.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { philoxNormals } from './philox';
import { simdNormals } from './simd';

export interface NoiseOptions {
  /** Standard deviation of every coordinate. */
  sigma: number;
  /** 32-bit seed (first word of the Philox key). */
  seed: number;
  /** 32-bit stream number (second word of the key), e.g. the batch index of a certification. */
  stream: number;
}

/** A generator that writes into a backend's own memory; returns null to fall back to the CPU array. */
export type DeviceNoise = (shape: number[], options: NoiseOptions) => tf.Tensor | null;

/** Where draws are made: a GPU kernel, WebAssembly SIMD on the CPU, or JavaScript on the CPU. */
export type NoiseSource = 'device' | 'wasm' | 'javascript';

const deviceGenerators = new Map<string, { draw: DeviceNoise; source: () => NoiseSource }>();

/**
 * Installs a generator for one backend's memory: the GPU kernels (webgpu.ts, webgl.ts), which
 * are the 'device' source, and wasm's heap (heapNoise.ts), which says which CPU code drew.
 */
export function registerDeviceNoise(backend: string, draw: DeviceNoise, source: () => NoiseSource = () => 'device'): void {
  deviceGenerators.set(backend, { draw, source });
}

let lastSource: { backend: string; source: NoiseSource } | null = null;

/**
 * Where `gaussianNoise` drew its last numbers on the active backend (a device generator falls back
 * to the CPU for sizes it cannot hold), or, before any draw there, where it would draw.
 */
export function noiseSource(): NoiseSource {
  const backend = tf.getBackend();
  if (lastSource?.backend === backend) return lastSource.source;
  return deviceGenerators.get(backend)?.source() ?? 'wasm';
}

/** sigma · N(0, I) of the given shape, as float32, from the (seed, stream) Philox stream. */
export function gaussianNoise(shape: number[], options: NoiseOptions): tf.Tensor {
  const backend = tf.getBackend();
  const generator = deviceGenerators.get(backend);
  const onDevice = generator?.draw(shape, options);
  if (onDevice) {
    lastSource = { backend, source: generator!.source() };
    return onDevice;
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const simd = simdNormals(values, options.seed, options.stream, options.sigma);
  if (!simd) philoxNormals(values, options.seed >>> 0, options.stream >>> 0, options.sigma);
  lastSource = { backend, source: simd ? 'wasm' : 'javascript' };
  return tf.tensor(values, shape, 'float32');
}
