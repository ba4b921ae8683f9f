/**
 * The CPU generator on the wasm backend, drawing straight into the output tensor's memory: a
 * kernel allocates the tensor on tfjs-wasm's heap and the generator (simd.ts, or philox.ts where
 * SIMD cannot run) fills it in place. Without it each draw was written three times: into a
 * JavaScript array, from there into tfjs's heap, after the module's own chunk (a million draws:
 * 8.2 ms against torch.randn's 3.2 ms, of which 4.3 ms is the generator).
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from '../heapSimd';
import { type NoiseOptions, registerDeviceNoise } from './gaussianNoise';
import { philoxNormals } from './philox';
import { simdNormals } from './simd';

const HEAP_NORMALS = 'WorkbenchHeapNormals';

let installed = false;
/** Whether the last kernel run drew with the SIMD module (else the JavaScript reference). */
let lastSimd = true;

/** Registers the kernel for the WASM backend (idempotent). */
export function installHeapNoise(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: HEAP_NORMALS,
    backendName: 'wasm',
    kernelFunc: ({ backend, attrs }) => {
      const { shape, sigma, seed, stream } = attrs as unknown as NoiseOptions & { shape: number[] };
      const heap = backend as unknown as WasmHeap;
      const out = heap.makeOutput(shape, 'float32');
      // The view is taken after the allocation, and the generators allocate nothing on this heap.
      const values = heap.typedArrayFromHeap(out);
      lastSimd = simdNormals(values, seed, stream, sigma);
      if (!lastSimd) philoxNormals(values, seed >>> 0, stream >>> 0, sigma);
      return out;
    },
  });
  registerDeviceNoise('wasm', heapNormals, () => (lastSimd ? 'wasm' : 'javascript'));
}

/** The draws of gaussianNoise as a wasm tensor; null on other backends. */
function heapNormals(shape: number[], options: NoiseOptions): tf.Tensor | null {
  if (!installed || tf.getBackend() !== 'wasm') return null;
  const { sigma, seed, stream } = options;
  return tf.engine().runKernel(HEAP_NORMALS, {}, { shape, sigma, seed, stream } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
