/**
 * The workbench's SIMD kernels (heapSimdSource.ts, assembled into heapSimdModule.ts),
 * instantiated on tfjs-backend-wasm's own memory so that they work on tensors where they live.
 * One instance per memory: the threaded build's is shared and exported as wasmMemory, the plain
 * build's as asm.memory. Null where an instance cannot be had (no WebAssembly SIMD, another
 * build): callers then keep their JavaScript or tfjs path, with the same numbers.
 */
import type * as tf from '@tensorflow/tfjs';
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

export interface HeapSimd {
  grad2x2(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, outH: number, outW: number, c: number): void;
  reluMask(g: number, h: number, out: number, bytes: number): void;
  signStep(x: number, g: number, lo: number, hi: number, out: number, bytes: number, alpha: number): void;
  biasAdd(a: number, b: number, out: number, rows: number, cb: number): void;
  columnSums(x: number, out: number, rows: number, cb: number): void;
  tapRows(xT: number, out: number, planes: number, hp: number, wp: number, outH: number, outW: number, kh: number, kw: number): void;
  reluBox(mid: number, rad: number, outMid: number, outRad: number, bytes: number): void;
  col2im(t: number, dx: number, batch: number, inH: number, inW: number, outH: number, outW: number, kh: number, kw: number, top: number, left: number): void;
}

const byMemory = new WeakMap<WebAssembly.Memory, HeapSimd | null>();

export function heapSimd(backend: unknown): HeapSimd | null {
  const module = (backend as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let kernels = byMemory.get(memory);
  if (kernels === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = base64Bytes(shared ? HEAP_SIMD_SHARED_WASM : HEAP_SIMD_WASM);
      kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as HeapSimd;
    } catch {
      kernels = null;
    }
    byMemory.set(memory, kernels);
  }
  return kernels;
}
