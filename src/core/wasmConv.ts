/**
 * Stride-1 convolutions on WASM by one call into the heap SIMD module (conv in heapConvSource.ts)
 * instead of tfjs-wasm's XNNPACK convolution, with its numbers bit for bit (tested): the same sums
 * in the same order, four output pixels by eight channels per pass, reading the input in place
 * (no patch matrix). On one thread here the default CNN's second convolution (64 images of 14 × 14
 * × 16 → 32 channels) and its input gradient run at 27–34 GFLOP/s against XNNPACK's 24–31, about
 * 10% off a CNN's training epoch, attack or certification. Where XNNPACK runs a pool of threads
 * (three or more) it splits a convolution over them: there the loop takes only small ones, as for
 * products (wasmGemm.ts); on two threads it takes them all, the heap helper half the images of
 * large ones.
 */
import * as tf from '@tensorflow/tfjs';
import { heapHelperSplitsConvolution } from './heapLanes';
import { heapSimd, xnnpackSplits, type WasmHeap } from './heapSimd';
import { once, replaceWasmKernel } from './kernels';
import { isColumnBias, loopsSetAside, THREADED_GEMM_MACS } from './wasmGemm';

/** Filters up to this many taps take the loop (the weight gradient's 14 × 14 "filters" keep XNNPACK). */
const MAX_TAPS = 25;
/**
 * Inputs with fewer channels keep XNNPACK on one thread: the loop's pass over the channels is too
 * short (one channel: 15.0 against 12.4 ms on 1,000 images of 28 × 28 → 16, the same bits). Where
 * the heap helper takes half of the images and XNNPACK runs alone, the loop takes them too.
 */
const MIN_CHANNELS = 8;

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/** The convolution's geometry when the loop takes it; null otherwise. */
export function loopConvInfo(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: ConvAttrs, threaded: boolean): tf.backend_util.Conv2DInfo | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const pair = (v: number | [number, number] | undefined) => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
  if (pair(attrs.strides).some((s) => s !== 1) || pair(attrs.dilations).some((d) => d !== 1)) return null;
  let info: tf.backend_util.Conv2DInfo;
  try {
    info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], 1, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  } catch {
    return null;
  }
  const { outChannels, filterHeight, filterWidth, batchSize, outHeight, outWidth, inChannels } = info;
  if (outChannels % 8 !== 0 || filterHeight * filterWidth > MAX_TAPS || batchSize * outHeight * outWidth === 0) return null;
  const macs = batchSize * outHeight * outWidth * outChannels * filterHeight * filterWidth * inChannels;
  const split = heapHelperSplitsConvolution(batchSize, macs);
  // Few channels: the loop on two threads (the helper taking half the images) beats XNNPACK on one.
  if (inChannels < MIN_CHANNELS && (threaded || !split)) return null;
  if (threaded && macs > THREADED_GEMM_MACS && !split) return null;
  return info;
}

/**
 * The loop's convolution, its bias and ReLU (each optional) fused; with `biasLast` the bias is added
 * after the sums, as a separate Add kernel would, rather than first, as FusedConv2D does. Null where
 * the heap SIMD module cannot run.
 */
export function runConv(backend: unknown, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, relu: boolean, info: tf.backend_util.Conv2DInfo, biasLast = false): tf.TensorInfo | null {
  const simd = heapSimd(backend);
  if (!simd) return null;
  const heap = backend as unknown as WasmHeap;
  // The loop reads a row of taps that falls outside x (kw·ci floats) from here.
  const zero = heap.makeOutput([info.filterWidth * info.inChannels], 'float32');
  try {
    const out = heap.makeOutput(info.outShape, 'float32');
    // Offsets read after the allocations, which may grow the heap.
    const zeros = heap.typedArrayFromHeap(zero);
    zeros.fill(0);
    const [px, pw, po] = [x, filter, out].map((t) => heap.typedArrayFromHeap(t).byteOffset);
    const pb = bias ? heap.typedArrayFromHeap(bias).byteOffset : 0;
    const flags = (bias ? (biasLast ? 4 : 1) : 0) | (relu ? 2 : 0);
    simd.conv(px, pw, zeros.byteOffset, pb, po, info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.padInfo.top, info.padInfo.left, flags);
    return out;
  } finally {
    heap.disposeData(zero.dataId);
  }
}

/** Replaces WASM's Conv2D and FusedConv2D (linear or ReLU, a bias over the channels) for the convolutions above (idempotent). */
export const installWasmConv = once((): void => {
  replaceWasmKernel('Conv2D', (original) => (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = loopsSetAside() ? null : loopConvInfo(x, filter, args.attrs as unknown as ConvAttrs, xnnpackSplits(args.backend));
    return (info && runConv(args.backend, x, filter, null, false, info)) ?? original.kernelFunc(args);
  });
  replaceWasmKernel('FusedConv2D', (original) => (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as ConvAttrs;
    const act = attrs.activation ?? 'linear';
    const info = x && filter && !preluActivationWeights && (act === 'linear' || act === 'relu') && !loopsSetAside() ? loopConvInfo(x, filter, attrs, xnnpackSplits(args.backend)) : null;
    return (x && filter && info && isColumnBias(bias, info.outChannels) && runConv(args.backend, x, filter, bias ?? null, act === 'relu', info)) || original.kernelFunc(args);
  });
});
