/**
 * Installs the device generators of Gaussian noise: Philox4x32-10 (Salmon et
 * al., SC 2011) + Box–Muller as a WGSL kernel for 'webgpu' (noiseWebgpu.ts) and a GLSL ES 3.0
 * program for 'webgl' (noiseWebgl.ts), registered with `registerDeviceNoise` (noise.ts).
 *
 * Safe everywhere: neither file imports a backend package (they reach the backend through
 * `tf.backend()` when the active backend is theirs), so Node and the CLI (wasm/cpu) can call this;
 * there `gaussianNoise` keeps computing the same numbers in JavaScript. Idempotent.
 */
import { registerDeviceNoise } from './gaussianNoise';
import { webglNoise } from './webgl';
import { webgpuNoise } from './webgpu';

let installed = false;

export function installDeviceNoise(): void {
  if (installed) return;
  installed = true;
  registerDeviceNoise('webgpu', (shape, options) => webgpuNoise(shape, options));
  registerDeviceNoise('webgl', (shape, options) => webglNoise(shape, options));
}
