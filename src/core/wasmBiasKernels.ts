/**
 * A layer's bias on WASM: adding it (Add of x [..., C] and a bias [1, …, 1, C]) and its gradient
 * (Sum of dy over every axis but the channels), by the SIMD loops of heapSimdSource.ts. tfjs-wasm
 * runs both far below its element-wise speed: the broadcast Add at about 1.3 ns an element (a
 * convolution layer's bias on 1,000 Fashion-MNIST images took 16 ms, 6% of a CNN attack), and a
 * Sum over leading axes transposes first (2.9 against 0.17 ms on [50176, 16]). The loops take
 * the same numbers bit for bit: float32 additions, and each channel's sum accumulated row by row
 * from 0 as tfjs's reduction does (tested). Other shapes, dtypes and channel counts not in fours
 * keep tfjs's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { heapSimd, type WasmHeap } from './heapSimd';
import { once, replaceWasmKernel } from './kernels';

const lastDim = (shape: number[]) => shape[shape.length - 1];

/** b is a bias for a: all its axes but the last are 1, and the last is a's, a multiple of 4. */
function isBiasOf(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const c = lastDim(a.shape);
  return (
    a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length >= 1 && b.shape.length <= a.shape.length &&
    c % 4 === 0 && c > 0 && lastDim(b.shape) === c && b.shape.slice(0, -1).every((d) => d === 1) && tf.util.sizeFromShape(a.shape) > 0
  );
}

/** The axes of a Sum are every axis but the last, and the channels are in fours. */
function isColumnSum(x: tf.TensorInfo, axis: number | number[]): boolean {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2 || lastDim(x.shape) % 4 !== 0 || lastDim(x.shape) === 0) return false;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
  return axes.length === rank - 1 && axes.every((a, i) => a === i);
}

/** Replaces WASM's Add and Sum for the bias shapes above (idempotent). */
export const installWasmBiasKernels = once((): void => {
  replaceWasmKernel('Add', (original) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const simd = isBiasOf(a, b) ? heapSimd(args.backend) : null;
    if (!simd) return original.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const out = heap.makeOutput(a.shape, 'float32');
    const c = lastDim(a.shape);
    // Offsets read after the allocation, which may grow the heap.
    simd.biasAdd(heap.typedArrayFromHeap(a).byteOffset, heap.typedArrayFromHeap(b).byteOffset, heap.typedArrayFromHeap(out).byteOffset, tf.util.sizeFromShape(a.shape) / c, 4 * c);
    return out;
  });
  replaceWasmKernel('Sum', (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const simd = isColumnSum(x, axis) ? heapSimd(args.backend) : null;
    if (!simd) return original.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const c = lastDim(x.shape);
    const out = heap.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c], 'float32');
    simd.columnSums(heap.typedArrayFromHeap(x).byteOffset, heap.typedArrayFromHeap(out).byteOffset, tf.util.sizeFromShape(x.shape) / c, 4 * c);
    return out;
  });
});
