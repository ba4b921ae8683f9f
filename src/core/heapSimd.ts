/**
 * The workbench's SIMD kernels (heapSimdSource.ts, assembled into heapSimdModule.ts),
 * instantiated on tfjs-backend-wasm's own memory so that they work on tensors where they live.
 * One instance per memory: the threaded build's is shared and exported as wasmMemory, the plain
 * build's as asm.memory. Null where an instance cannot be had (no WebAssembly SIMD, another
 * build): callers then keep their JavaScript or tfjs path, with the same numbers.
 */
import { HEAP_SIMD_SHARED_WASM, HEAP_SIMD_WASM } from './heapSimdModule';
import { base64Bytes } from './wasmBytes';

export interface HeapSimd {
  grad2x2(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, outH: number, outW: number, c: number): void;
  reluMask(g: number, h: number, out: number, bytes: number): void;
  signStep(x: number, g: number, lo: number, hi: number, out: number, bytes: number, alpha: number): void;
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
