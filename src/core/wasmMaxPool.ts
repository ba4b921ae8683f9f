/**
 * Max pooling on WASM over the backend's heap.
 *
 * The forward pass (MaxPool): 2 × 2 windows of stride 2 inside the input with channels in fours
 * by the SIMD loop maxPool2x2 (heapSimdSource.ts), with XNNPACK's numbers bit for bit (its order
 * of comparisons and its clamp, found by experiment on every window of ±0, ±1, ±∞ and NaN). On
 * 1,000 images of 28 × 28 × 16 here it took 5.4 ms against XNNPACK's 12.2 (one thread), and with
 * the heap helper taking half the images 1.8 against 4.8 ms (two threads); XNNPACK's pooling was
 * a sixth of certify-cnn. Other windows, layouts and channel counts keep tfjs's kernel. (XNNPACK
 * picks some WebAssembly kernels by the host's processor; these are the numbers of its x86 choice,
 * which is where they were measured: on another host a window holding NaN may pool differently.)
 *
 * The gradient (MaxPoolGrad): 2 × 2 windows of stride 2 with channels in fours by the SIMD loop of
 * heapSimdSource.ts, the rest in JavaScript. tfjs-backend-wasm 4.22's own kernel takes 40% of a
 * PGD step on the default image CNN (4.0 of 11.2 s for PGD-10 on 1,000 images here) and runs on
 * one thread whatever the thread count; these loops visit each window once and take the same numbers: the whole gradient of a
 * window goes to its first maximum in row-major order (a strict `>` from −∞, as the cpu backend's
 * maxPoolPositions), and a window with no number above −∞ (all NaN or −∞) passes none.
 */
import * as tf from '@tensorflow/tfjs';
import { heapSimd, type HeapSimd, type WasmHeap } from './heapSimd';
import { once, replaceWasmKernel } from './kernels';
import { loopsSetAside } from './wasmGemm';

/** The attributes of MaxPool and MaxPoolGrad that the loops read. */
interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The common case, 2 × 2 windows with stride 2 that all lie inside the input: the windows are
 * disjoint, so each element of dx is written once (dy or 0) without a running maximum per
 * channel; rows and columns past the last window stay 0. The same first-maximum rule.
 */
function maxPoolGrad2x2Into(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  if (outHeight * 2 !== inHeight || outWidth * 2 !== inWidth) dx.fill(0);
  const row = inWidth * c;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const i0 = b * inHeight * row + 2 * yR * row + 2 * yC * c;
        const i1 = i0 + c;
        const i2 = i0 + row;
        const i3 = i2 + c;
        const o = ((b * outHeight + yR) * outWidth + yC) * c;
        for (let d = 0; d < c; d++) {
          const v0 = x[i0 + d];
          const v1 = x[i1 + d];
          const v2 = x[i2 + d];
          const v3 = x[i3 + d];
          // Selects without branches (the maxima of random data defeat branch prediction).
          const c0 = v0 > -Infinity;
          let best = c0 ? v0 : -Infinity;
          let k = c0 ? 0 : -1;
          const c1 = v1 > best;
          best = c1 ? v1 : best;
          k = c1 ? 1 : k;
          const c2 = v2 > best;
          best = c2 ? v2 : best;
          k = c2 ? 2 : k;
          k = v3 > best ? 3 : k;
          const g = dy[o + d];
          dx[i0 + d] = k === 0 ? g : 0;
          dx[i1 + d] = k === 1 ? g : 0;
          dx[i2 + d] = k === 2 ? g : 0;
          dx[i3 + d] = k === 3 ? g : 0;
        }
      }
    }
  }
}

/** 2 × 2 windows with stride 2, all inside the input: disjoint windows that the fast loops take. */
function disjointWindows(info: tf.backend_util.Conv2DInfo): boolean {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;
  const inside = top === 0 && left === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth;
  return effectiveFilterHeight === 2 && effectiveFilterWidth === 2 && strideHeight === 2 && strideWidth === 2 && inside;
}

/** dx for max pooling: the same shape as x, each dy entry added at its window's first maximum. */
export function maxPoolGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;
  if (disjointWindows(info)) {
    maxPoolGrad2x2Into(x, dy, dx, info);
    return;
  }
  dx.fill(0);
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * c;
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = yR * strideHeight - top;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(inHeight, r0 + effectiveFilterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const c0 = yC * strideWidth - left;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(inWidth, c0 + effectiveFilterWidth);
        best.fill(-Infinity);
        at.fill(-1);
        for (let xR = rMin; xR < rMax; xR++) {
          for (let xC = cMin; xC < cMax; xC++) {
            const base = xBatch + (xR * inWidth + xC) * c;
            for (let d = 0; d < c; d++) {
              const v = x[base + d];
              if (v > best[d]) {
                best[d] = v;
                at[d] = base + d;
              }
            }
          }
        }
        const o = ((b * outHeight + yR) * outWidth + yC) * c;
        for (let d = 0; d < c; d++) if (at[d] >= 0) dx[at[d]] += dy[o + d];
      }
    }
  }
}

/** The SIMD loops (pooling and its gradient) on this backend where they take these windows: disjoint, channels in fours. */
const simdWindows = (backend: unknown, info: tf.backend_util.Conv2DInfo): HeapSimd | null =>
  disjointWindows(info) && info.inChannels % 4 === 0 && info.outHeight * info.outWidth > 0 ? heapSimd(backend) : null;

/** The loop that runs MaxPoolGrad for these windows on this backend. */
export function maxPoolGradLoop(backend: unknown, info: tf.backend_util.Conv2DInfo): HeapSimd | 'javascript' {
  return simdWindows(backend, info) ?? 'javascript';
}

/** Replaces WASM's MaxPool for 2 × 2 windows of stride 2 inside the input, float32 NHWC with channels in fours. */
export const installWasmMaxPool = once(() =>
  replaceWasmKernel('MaxPool', (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32' || x.shape.length !== 4 || loopsSetAside()) return original.kernelFunc(args);
    const a = args.attrs as unknown as PoolAttrs;
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const simd = simdWindows(args.backend, info);
    if (!simd) return original.kernelFunc(args);
    const heap = args.backend as unknown as WasmHeap;
    const out = heap.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.inChannels], 'float32');
    // Offsets read after the allocation, which may grow the heap.
    simd.maxPool2x2(heap.typedArrayFromHeap(x).byteOffset, heap.typedArrayFromHeap(out).byteOffset, info.batchSize, info.inHeight, info.inWidth, info.outHeight, info.outWidth, info.inChannels);
    return out;
  }),
);

/** Replaces WASM's MaxPoolGrad by maxPoolGradInto (NHWC float32, no dilation: all MaxPoolGrad takes). */
export const installWasmMaxPoolGrad = once(() =>
  replaceWasmKernel('MaxPoolGrad', (original) => (args) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (input.dtype !== 'float32' || dy.dtype !== 'float32' || input.shape.length !== 4) return original.kernelFunc(args);
    const a = args.attrs as unknown as PoolAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const heap = args.backend as unknown as WasmHeap;
    const out = heap.makeOutput(input.shape, 'float32');
    // Views taken after the allocation: a growing heap would leave earlier views stale.
    const [xs, dys, dxs] = [heap.typedArrayFromHeap(input), heap.typedArrayFromHeap(dy), heap.typedArrayFromHeap(out)];
    const simd = maxPoolGradLoop(args.backend, info);
    if (simd !== 'javascript') {
      if (info.outHeight * 2 !== info.inHeight || info.outWidth * 2 !== info.inWidth) dxs.fill(0);
      simd.grad2x2(xs.byteOffset, dys.byteOffset, dxs.byteOffset, info.batchSize, info.inHeight, info.inWidth, info.outHeight, info.outWidth, info.inChannels);
    } else {
      maxPoolGradInto(xs, dys, dxs, info);
    }
    return out;
  }),
);
