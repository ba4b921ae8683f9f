/**
 * The workbench's SIMD kernels (heapSimdSource.ts, assembled into heapSimdModule.ts),
 * instantiated on tfjs-backend-wasm's own memory so that they work on tensors where they live.
 * One instance per memory: the threaded build's is shared and exported as wasmMemory, the plain
 * build's as asm.memory. Null where an instance cannot be had (no WebAssembly SIMD, another
 * build): callers then keep their JavaScript or tfjs path, with the same numbers.
 */
import type * as tf from '@tensorflow/tfjs';
import { withHelper, xnnpackPoolSplits } from './heapLanes';
import type { HeapSimd } from './heapSimdKernels';
import { HEAP_SIMD_SHARED_WASM, HEAP_SIMD_WASM } from './heapSimdModule';
import { base64Bytes } from './wasmBytes';

/** tfjs-backend-wasm's Sign is 0 below this magnitude (float32's epsilon), not only at 0: measured; the ascent step keeps it. */
export const SIGN_EPSILON = 2 ** -23;

/** The part of tfjs-backend-wasm's BackendWasm that a kernel written outside it needs. */
export interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

export type { HeapCall, HeapSimd } from './heapSimdKernels';

const byMemory = new WeakMap<WebAssembly.Memory, HeapSimd | null>();

/** tfjs-backend-wasm's memory, or null on another backend. */
function heapMemory(backend: unknown): WebAssembly.Memory | null {
  const module = (backend as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

const isShared = (memory: WebAssembly.Memory) => typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

/** Whether the backend runs tfjs's threaded build (its heap is a shared memory). */
function isThreadedHeap(backend: unknown): boolean {
  const memory = heapMemory(backend);
  return memory !== null && isShared(memory);
}

/**
 * Whether XNNPACK splits its products and convolutions over threads of its own on this backend
 * (the threaded build with a pool of more than one, heapLanes.ts xnnpackThreads): the heap loops
 * then leave it the large ones. Otherwise they take every call they can, as on one thread, and the
 * heap helper takes half of the large ones.
 */
export function xnnpackSplits(backend: unknown): boolean {
  return isThreadedHeap(backend) && xnnpackPoolSplits();
}

export function heapSimd(backend: unknown): HeapSimd | null {
  const memory = heapMemory(backend);
  if (!memory) return null;
  let kernels = byMemory.get(memory);
  if (kernels === undefined) {
    try {
      const shared = isShared(memory);
      const bytes = base64Bytes(shared ? HEAP_SIMD_SHARED_WASM : HEAP_SIMD_WASM);
      kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as HeapSimd;
      // On the threaded build a helper thread takes half of each large call (heapLanes.ts).
      if (shared) kernels = withHelper(kernels, memory);
    } catch {
      kernels = null;
    }
    byMemory.set(memory, kernels);
  }
  return kernels;
}
