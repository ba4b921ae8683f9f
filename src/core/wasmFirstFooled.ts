/**
 * The bookkeeping of an evaluation attack's step (attacks/pgd.ts, keepFooled): per input, whether
 * the prediction argmax z has left the label for the first time, and if so the iterate that did
 * it. With tfjs's kernels that is ArgMax, NotEqual, LogicalNot, LogicalAnd, the row selection and
 * LogicalOr: six kernels a step, whose calls cost more than their arithmetic on the 2-D
 * playground's chunks. On WASM this kernel does it in one pass over the rows with no arithmetic,
 * only comparisons and copies, so its results are those kernels' bit for bit: the argmax is the
 * first index whose logit is greater than every earlier one (tfjs's ArgMax: a NaN in the first
 * place wins, a NaN later never does), and rows are copied as wasmSelectRows.ts copies them.
 * Other backends and dtypes take tfjs's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './heapSimd';
import { once } from './kernels';
import { copyRuns, selectRows } from './wasmSelectRows';

const FIRST_FOOLED = 'WorkbenchFirstFooled';

/** Registers the kernel for the WASM backend (idempotent). */
export const installWasmFirstFooled = once((): void => {
  tf.registerKernel({
    kernelName: FIRST_FOOLED,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const heap = backend as unknown as WasmHeap;
      const { z, labels, fooled, x, at } = inputs as Record<'z' | 'labels' | 'fooled' | 'x' | 'at', tf.TensorInfo>;
      const atOut = heap.makeOutput(at.shape, 'float32');
      const fooledOut = heap.makeOutput(fooled.shape, 'bool');
      // Views taken after the allocations, which may grow the heap.
      const zv = heap.typedArrayFromHeap(z);
      const yv = heap.typedArrayFromHeap(labels) as unknown as Int32Array;
      const before = heap.typedArrayFromHeap(fooled) as unknown as Uint8Array;
      const after = heap.typedArrayFromHeap(fooledOut) as unknown as Uint8Array;
      const rows = before.length;
      const classes = z.shape[1];
      const now = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) {
        // A row fooled before stays so and keeps its iterate: no argmax needed.
        if (before[r] !== 0) {
          after[r] = 1;
          continue;
        }
        const base = r * classes;
        let best = zv[base];
        let arg = 0;
        for (let j = 1; j < classes; j++) {
          if (zv[base + j] > best) {
            best = zv[base + j];
            arg = j;
          }
        }
        const first = arg !== yv[r] ? 1 : 0;
        now[r] = first;
        after[r] = first;
      }
      copyRuns(now, heap.typedArrayFromHeap(x) as Float32Array, heap.typedArrayFromHeap(at) as Float32Array, heap.typedArrayFromHeap(atOut) as Float32Array);
      return [atOut, fooledOut];
    },
  });
});

/**
 * One step's update of an evaluation attack's memory: with now = (argmax z ≠ labels) ∧ ¬fooled,
 * returns [at′, fooled′] where at′[r] = now[r] ? x[r] : at[r] and fooled′ = fooled ∨ now.
 * z [n, k] float32 logits of x; labels [n] int32; fooled [n] bool; x and at float32 of one shape
 * with n rows. The caller disposes both results.
 */
export function firstFooled(z: tf.Tensor2D, labels: tf.Tensor1D, fooled: tf.Tensor1D, x: tf.Tensor, at: tf.Tensor): [tf.Tensor, tf.Tensor1D] {
  const n = x.shape[0];
  const ours =
    tf.getBackend() === 'wasm' &&
    tf.getKernel(FIRST_FOOLED, 'wasm') !== undefined &&
    z.dtype === 'float32' &&
    z.rank === 2 &&
    z.shape[0] === n &&
    z.shape[1] > 0 &&
    labels.dtype === 'int32' &&
    fooled.dtype === 'bool' &&
    labels.shape[0] === n &&
    fooled.shape[0] === n &&
    x.dtype === 'float32' &&
    at.dtype === 'float32' &&
    x.rank >= 1 &&
    tf.util.arraysEqual(x.shape, at.shape);
  if (ours) return tf.engine().runKernel(FIRST_FOOLED, { z, labels, fooled, x, at }) as unknown as [tf.Tensor, tf.Tensor1D];
  return tf.tidy(() => {
    const now = tf.logicalAnd(tf.notEqual(tf.argMax(z, 1), labels), tf.logicalNot(fooled)) as tf.Tensor1D;
    return [selectRows(now, x, at), tf.logicalOr(fooled, now) as tf.Tensor1D];
  });
}
