/**
 * Gathering rows on WASM (GatherV2 on axis 0: every training batch, tf.gather(data.x, idx)) by
 * one block copy per row. tfjs-backend-wasm 4.22's kernel copies element by element with
 * general strides, about 18 ns an element: a batch of 64 Fashion-MNIST images took 0.9 ms, 4% of
 * a CNN training epoch. The same bits (a copy); indices out of range, other axes, batch
 * dimensions and other dtypes go to tfjs's kernel, which also gives its own error message.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './heapSimd';
import { once, replaceWasmKernel } from './kernels';

export const installWasmGather = once((): void => {
  replaceWasmKernel('GatherV2', (original) => (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    const rowsFirst = x.shape.length >= 1 && batchDims === 0 && tf.util.parseAxisParam(axis, x.shape)[0] === 0;
    if (!rowsFirst || (x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32') return original.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const n = x.shape[0];
    const row = tf.util.sizeFromShape(x.shape.slice(1));
    const picks = heap.typedArrayFromHeap(indices) as unknown as Int32Array;
    for (let k = 0; k < picks.length; k++) if (!(picks[k] >= 0 && picks[k] < n)) return original.kernelFunc(args);
    const out = heap.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views taken after the allocation: a growing heap would leave earlier views stale.
    const idx = heap.typedArrayFromHeap(indices) as unknown as Int32Array;
    const from = heap.typedArrayFromHeap(x).byteOffset / 4;
    const to = heap.typedArrayFromHeap(out).byteOffset / 4;
    // Four-byte words: float32 and int32 rows are copied bit for bit.
    const words = new Int32Array(idx.buffer);
    for (let k = 0; k < idx.length; k++) words.copyWithin(to + k * row, from + idx[k] * row, from + (idx[k] + 1) * row);
    return out;
  });
});
