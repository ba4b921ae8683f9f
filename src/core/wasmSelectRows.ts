/**
 * Per input, one of two tensors' rows: out[r] = mask[r] ? a[r] : b[r], the selection every attack
 * makes each step (the first iterate that fooled the model, the better of two restarts). With
 * tfjs's kernels that is the mask spread to the inputs' shape (attacks/common.ts expandMask: a
 * cast, a broadcast multiply, a cast back) and a Select, four passes over a tensor of the inputs'
 * size; on WASM this kernel copies each run of rows that take the same side (copyRuns), as bits,
 * so the values are those of the copy bit for bit (NaN payloads included).
 * Other backends and dtypes take the tfjs kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './heapSimd';
import { once } from './kernels';

const SELECT_ROWS = 'WorkbenchSelectRows';

/** Registers the kernel for the WASM backend (idempotent). */
export const installWasmSelectRows = once((): void => {
  tf.registerKernel({
    kernelName: SELECT_ROWS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const heap = backend as unknown as WasmHeap;
      const { mask, a, b } = inputs as { mask: tf.TensorInfo; a: tf.TensorInfo; b: tf.TensorInfo };
      const out = heap.makeOutput(a.shape, a.dtype);
      // Views taken after the allocation, which may grow the heap.
      const picks = heap.typedArrayFromHeap(mask) as unknown as Uint8Array;
      const [av, bv, ov] = [a, b, out].map((t) => heap.typedArrayFromHeap(t) as Float32Array);
      copyRuns(picks, av, bv, ov);
      return out;
    },
  });
});

/**
 * out[r] = picks[r] ? a[r] : b[r] over rows of out.length / picks.length float32 values: one block
 * copy per run of rows that take the same side, or, for a run shorter than SHORT_RUN values, a
 * loop over the values' bits (an Int32Array view, so NaN payloads pass unchanged), since making a
 * block copy's subarray costs more than copying a few values.
 */
export function copyRuns(picks: ArrayLike<number>, av: Float32Array, bv: Float32Array, ov: Float32Array): void {
  const rows = picks.length;
  const width = rows === 0 ? 0 : ov.length / rows;
  const bits = (t: Float32Array) => new Int32Array(t.buffer, t.byteOffset, t.length);
  const [ai, bi, oi] = [bits(av), bits(bv), bits(ov)];
  for (let r = 0; r < rows; ) {
    const side = picks[r] !== 0;
    let end = r + 1;
    while (end < rows && (picks[end] !== 0) === side) end++;
    const from = r * width;
    const to = end * width;
    if (to - from < SHORT_RUN) {
      const src = side ? ai : bi;
      for (let i = from; i < to; i++) oi[i] = src[i];
    } else {
      oi.set((side ? ai : bi).subarray(from, to), from);
    }
    r = end;
  }
}

const SHORT_RUN = 64;

/**
 * A per-example [n] mask spread to x's shape, for tf.where. Spread by a broadcast multiply and a
 * cast rather than by tf.where's own broadcast: on WASM that is a Tile kernel, about 8× slower
 * (77 against 10 ms for 1,000 28×28 images).
 */
export function expandMask(mask: tf.Tensor1D, like: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const column = tf.reshape(tf.cast(mask, 'float32'), [like.shape[0], ...like.shape.slice(1).map(() => 1)]);
    return tf.cast(tf.mul(column, tf.ones(like.shape)), 'bool');
  });
}

/**
 * Per row r (the first axis), a[r] where mask[r] is true (non-zero) and b[r] elsewhere; a and b of
 * one shape, mask [rows]. On other backends, and for other dtypes, tf.where with expandMask.
 */
export function selectRows(mask: tf.Tensor1D, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const ours =
    tf.getBackend() === 'wasm' &&
    tf.getKernel(SELECT_ROWS, 'wasm') !== undefined &&
    mask.dtype === 'bool' &&
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    a.rank >= 1 &&
    mask.shape[0] === a.shape[0] &&
    tf.util.arraysEqual(a.shape, b.shape);
  if (ours) return tf.engine().runKernel(SELECT_ROWS, { mask, a, b }) as tf.Tensor;
  return tf.tidy(() => tf.where(expandMask(mask, a), a, b));
}
