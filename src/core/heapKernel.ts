/**
 * The tfjs side of a heap kernel: registering a WASM kernel whose work is one of heapSimd's loops
 * over float32 tensors of one shape (verify/reluBox.ts, verify/boxKernels.ts), or a loop of its own
 * over the heap's views (wasmAttackSteps.ts minusOneHot).
 */
import * as tf from '@tensorflow/tfjs';
import { type HeapSimd, type WasmHeap, heapSimd } from './heapSimd';

/**
 * Registers a WASM kernel that runs a heap loop over float32 tensors of one shape: `outputs` new
 * tensors of the first input's shape, and `run` gets the views of the inputs (in `inputNames`'
 * order; an input of another dtype is viewed as its own type) and then of the outputs, the SIMD
 * loops and the attributes. `simd` is there only where heapSimd runs: a kernel that calls it must be
 * taken only there.
 */
export function registerHeapKernel(kernelName: string, inputNames: readonly string[], outputs: number, run: (views: Float32Array[], simd: HeapSimd, attrs: tf.NamedAttrMap) => void): void {
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const given = inputNames.map((name) => (inputs as Record<string, tf.TensorInfo>)[name]);
      const made = Array.from({ length: outputs }, () => heap.makeOutput(given[0].shape, 'float32'));
      // Views taken after the allocations: a growing heap would leave earlier views stale.
      run([...given, ...made].map((t) => heap.typedArrayFromHeap(t)), heapSimd(backend)!, attrs ?? {});
      return made.length === 1 ? made[0] : made;
    },
  });
}
