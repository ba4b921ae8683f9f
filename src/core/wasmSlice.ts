/**
 * Slicing on WASM (tf.slice: every chunk of an evaluation, of a dataset's batches in order, of the
 * attacks' and certification's inputs) by block copies from the heap. tfjs-backend-wasm 4.22's
 * kernel first copies the whole input out of the heap (readSync) and then the slice from that
 * copy: a chunk of 4,096 of 5,000 Fashion-MNIST-sized images took 52 ms, and so did a chunk of
 * 904 — chunking n inputs cost O(n²) bytes copied. Here the slice is read where it lies: one copy
 * when it is contiguous, and otherwise one copy per run along the last axis it cuts. The same bits
 * (a copy of four-byte words, or bytes for bool); strings and complex numbers keep tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './heapSimd';
import { once, replaceWasmKernel } from './kernels';

/** The element type a dtype is stored as on the heap; null for those this kernel leaves to tfjs. */
const heapArray = (dtype: tf.DataType): Int32ArrayConstructor | Uint8ArrayConstructor | null =>
  dtype === 'float32' || dtype === 'int32' ? Int32Array : dtype === 'bool' ? Uint8Array : null;

/**
 * Copies the block of `size` at `begin` of a row-major array of `shape` from `from` to `to` (both
 * in elements of the same array): each maximal contiguous run (the last axis the slice cuts, and
 * every axis after it) is one copyWithin.
 */
export function copyBlock(array: Int32Array | Uint8Array, from: number, to: number, shape: readonly number[], begin: readonly number[], size: readonly number[]): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides([...shape]);
  const stride = (d: number) => (d === rank - 1 ? 1 : strides[d]);
  // The run: axes from `cut` on, where the slice takes whole axes after the first one it cuts.
  let cut = rank - 1;
  while (cut > 0 && size[cut] === shape[cut]) cut--;
  const run = size[cut] * (cut === rank - 1 ? 1 : strides[cut]);
  let start = from;
  for (let d = 0; d < rank; d++) start += begin[d] * stride(d);
  const outer = size.slice(0, cut);
  const count = tf.util.sizeFromShape(outer);
  const index = new Array<number>(cut).fill(0);
  for (let r = 0; r < count; r++) {
    let at = start;
    for (let d = 0; d < cut; d++) at += index[d] * stride(d);
    array.copyWithin(to + r * run, at, at + run);
    for (let d = cut - 1; d >= 0; d--) {
      if (++index[d] < outer[d]) break;
      index[d] = 0;
    }
  }
}

export const installWasmSlice = once((): void => {
  replaceWasmKernel('Slice', (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const Words = heapArray(x.dtype);
    if (!Words || x.shape.length === 0) return original.kernelFunc(args);
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    if (s.some((n, d) => n < 0 || b[d] < 0 || b[d] + n > x.shape[d])) return original.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const out = heap.makeOutput(s, x.dtype);
    if (tf.util.sizeFromShape(s) === 0) return out;
    // Views taken after the allocation: a growing heap would leave earlier views stale.
    const bytes = Words.BYTES_PER_ELEMENT;
    const from = heap.typedArrayFromHeap(x);
    const array = new Words(from.buffer as ArrayBuffer);
    copyBlock(array, from.byteOffset / bytes, heap.typedArrayFromHeap(out).byteOffset / bytes, x.shape, b, s);
    return out;
  });
});
