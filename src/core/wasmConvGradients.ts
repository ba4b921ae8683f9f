/**
 * The gradients of a convolution on WASM: the weight gradient tfjs-backend-wasm 4.22 lacks
 * (Conv2DBackpropFilter) and a faster input gradient (Conv2DBackpropInput), for stride 1, dilation
 * 1 and NHWC (the CNNs of this workbench), each as matrix products or convolutions that tfjs-wasm
 * runs fast; other settings go to the cpu kernel or tfjs's own. Tested against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { heapSimd, type HeapSimd, type WasmHeap } from './heapSimd';
import { singleChannelPatches } from './im2col';
import { delegateToCpu, replaceWasmKernel, wasmKernel, withTemps } from './kernels';

/** Attributes of the convolution gradient kernels that the fast paths read. */
interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const isStrideOneNhwc = (a: ConvGradAttrs) => {
  const s = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
  return a.dataFormat === 'NHWC' && s[0] === 1 && s[1] === 1;
};

/**
 * The stride-1 convolution of the input-gradient fast path, with zero padding (top, bottom,
 * left, right) done inside the kernel rather than by a padded copy (it is not a temporary: it is
 * returned).
 */
const paddedConv = (backend: unknown, x: tf.TensorInfo, filter: tf.TensorInfo, pads: number[]) =>
  wasmKernel('Conv2D')({
    inputs: { x, filter },
    attrs: { strides: [1, 1], pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap,
    backend: backend as tf.KernelBackend,
  }) as tf.TensorInfo;

let convFilterGradInstalled = false;

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter (the weight gradient of a convolution),
 * which every CNN training step needs. For stride 1, dilation 1 and NHWC — the CNNs of this
 * workbench — it is itself a convolution, run by the fast WASM Conv2D kernel:
 *   dW[kh, kw, ci, co] = Σ_{n,h,w} xPad[n, h+kh, w+kw, ci] · dy[n, h, w, co]
 *                      = conv2d(input = xPadᵀ [ci, Hp, Wp, n], filter = dyᵀ [Ho, Wo, n, co], 'valid'),
 * transposed back to [kh, kw, ci, co]. That convolution runs dy as a kernel of the image's size
 * (14 × 14 × 64 for a second layer on a batch of 64), below the matrix product's speed for the
 * same FLOPs, so the gradient is the product of the transposed patch matrix with dy instead,
 * Aᵀ [kh·kw·ci, pixels] · dy [pixels, co]: with one input channel (a grey-scale first layer)
 * Aᵀ is made by block copies (im2col.ts, 7.7 → 1.3 ms on 64 images of 28 × 28), otherwise by the
 * SIMD loop tapRows from the padded input transposed to planes (heapSimdSource.ts). One input
 * channel with kernels 3 wide and filters in eights skips the product: the SIMD loop
 * filterGrad1x3 sums x · dy straight from the padded input (inside a training step the product,
 * whose right-hand side dy is packed anew each call, took 3.9 ms for the default CNN's first layer
 * on 64 images; the loop 1.3 ms). dy is the
 * right-hand operand because tfjs-wasm packs that one anew for every product, and it is the
 * smaller. Other strides, dilations or layouts use the CPU kernel.
 */
export function installWasmConv2DBackpropFilter(): void {
  if (convFilterGradInstalled || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const cpuGrad = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!cpuGrad) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
      const x = args.inputs.x as tf.TensorInfo;
      const dy = args.inputs.dy as tf.TensorInfo;
      if (!isStrideOneNhwc(attrs)) return delegateToCpu(cpuGrad, args);
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, 1, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
      const { top, bottom, left, right } = info.padInfo;
      const floats = x.dtype === 'float32' && dy.dtype === 'float32';
      if (floats && info.inChannels === 1) {
        const oneChannel = info.filterWidth === 3 && info.outChannels % 8 === 0 && info.outHeight > 0 && info.outWidth > 0 ? heapSimd(args.backend) : null;
        if (oneChannel) return oneChannelFilterGrad(args.backend, x, dy, info, oneChannel);
        return singleChannelFilterGrad(args.backend, x, dy, info);
      }
      const simd = floats && info.outWidth >= 4 && patchFloats(info) <= MAX_PATCH_FLOATS ? heapSimd(args.backend) : null;
      if (simd) return tapRowsFilterGrad(args.backend, x, dy, info, simd);
      return withTemps(args.backend, (run) => {
        const xPad = top || bottom || left || right ? run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
        const xT = run('Transpose', { x: xPad }, { perm: [3, 1, 2, 0] });
        const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
        const conv = run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap);
        return wasmKernel('Transpose')({ inputs: { x: conv }, attrs: { perm: [1, 2, 0, 3] }, backend: args.backend }) as tf.TensorInfo;
      });
    },
  });
  convFilterGradInstalled = true;
}

/** The transposed patch matrix's size: kh·kw·ci rows, one column per output pixel. */
const patchFloats = (info: tf.backend_util.Conv2DInfo) => info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;

/** Above this many floats (64 MiB) the patch matrix would cost more memory than it saves time. */
const MAX_PATCH_FLOATS = 2 ** 24;

/**
 * The weight gradient of a stride-1 convolution as one product, Aᵀ [kh·kw·ci, pixels] · dy
 * [pixels, co], under the filter's shape; `fill` writes Aᵀ into the tensor it is given.
 */
function patchProduct(backend: unknown, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, fill: (patches: tf.TensorInfo) => void): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, inChannels, outChannels } = info;
  const rows = filterHeight * filterWidth * inChannels;
  const pixels = batchSize * outHeight * outWidth;
  const patches = heap.makeOutput([rows, pixels], 'float32');
  try {
    fill(patches);
    const product = wasmKernel('BatchMatMul')({
      inputs: { a: { ...patches, shape: [1, rows, pixels] }, b: { ...dy, shape: [1, pixels, outChannels] } },
      attrs: { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
      backend: backend as tf.KernelBackend,
    }) as tf.TensorInfo;
    // The product's own data, handed over under the filter's shape (as tfjs-wasm's Reshape does).
    return { dataId: product.dataId, shape: [filterHeight, filterWidth, inChannels, outChannels], dtype: 'float32' };
  } finally {
    heap.disposeData(patches.dataId);
  }
}

/** Aᵀ by the SIMD loop, from the padded input transposed to planes [ci·N, Hp, Wp]. */
function tapRowsFilterGrad(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, simd: HeapSimd): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { top, bottom, left, right } = info.padInfo;
  return withTemps(backend, (run) => {
    const xPad = top || bottom || left || right ? run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
    const planes = run('Transpose', { x: xPad }, { perm: [3, 0, 1, 2] });
    return patchProduct(backend, dy, info, (patches) =>
      // Offsets read after the allocation, which may grow the heap.
      simd.tapRows(heap.typedArrayFromHeap(planes).byteOffset, heap.typedArrayFromHeap(patches).byteOffset, info.inChannels * info.batchSize, xPad.shape[1], xPad.shape[2], info.outHeight, info.outWidth, info.filterHeight, info.filterWidth),
    );
  });
}

/** The one-channel weight gradient with kernels 3 wide, straight from the padded input and dy (filterGrad1x3): no patch matrix, no product. */
function oneChannelFilterGrad(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, simd: HeapSimd): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { top, bottom, left, right } = info.padInfo;
  return withTemps(backend, (run) => {
    const xPad = top || bottom || left || right ? run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }) : x;
    const dw = heap.makeOutput([info.filterHeight, info.filterWidth, 1, info.outChannels], 'float32');
    try {
      // Offsets read after the allocation, which may grow the heap.
      simd.filterGrad1x3(heap.typedArrayFromHeap(xPad).byteOffset, heap.typedArrayFromHeap(dy).byteOffset, heap.typedArrayFromHeap(dw).byteOffset, info.batchSize, xPad.shape[1], xPad.shape[2], info.outHeight, info.outWidth, info.filterHeight, 4 * info.outChannels);
    } catch (e) {
      heap.disposeData(dw.dataId);
      throw e;
    }
    return dw;
  });
}

/** Aᵀ of a one-channel input by block copies (im2col.ts): no padding or transpose needed. */
function singleChannelFilterGrad(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  return patchProduct(backend, dy, info, (patches) => {
    // Views taken after the allocation: a growing heap would leave earlier views stale.
    const xs = heap.typedArrayFromHeap(x);
    const mem = new Float32Array(xs.buffer);
    singleChannelPatches(mem, xs.byteOffset / 4, heap.typedArrayFromHeap(patches).byteOffset / 4, { batch: batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, top, left });
  });
}

let convInputGradInstalled = false;

/** The taps' gradient t: one row per output pixel, one column per tap. */
const tapCount = (info: tf.backend_util.Conv2DInfo) => info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth;

/** Above this many floats (64 MiB) t would cost more memory than the convolution's time. */
const MAX_TAP_FLOATS = 2 ** 24;

/** The input gradient of a one-channel stride-1 convolution: t = dy · Wᵀ, then each pixel's taps summed. */
function singleChannelInputGrad(backend: unknown, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, simd: HeapSimd): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, outChannels } = info;
  const taps = filterHeight * filterWidth;
  const pixels = batchSize * outHeight * outWidth;
  return withTemps(backend, (run) => {
    const t = run('BatchMatMul', { a: { ...dy, shape: [1, pixels, outChannels] }, b: { ...filter, shape: [1, taps, outChannels] } }, { transposeA: false, transposeB: true });
    const dx = heap.makeOutput([batchSize, inHeight, inWidth, 1], 'float32');
    // Offsets read after the allocation, which may grow the heap.
    simd.col2im(heap.typedArrayFromHeap(t).byteOffset, heap.typedArrayFromHeap(dx).byteOffset, batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, info.padInfo.top, info.padInfo.left);
    return dx;
  });
}

/**
 * The input gradient of a convolution (Conv2DBackpropInput: every attack and every training
 * step on a CNN) is about 13× slower in tfjs-backend-wasm's own kernel than the same numbers
 * computed as a convolution, for stride 1 (measured: 196 ms vs 14.6 ms on a 14×14×16 → 32 layer):
 *   dx = conv2d(dyPad, W′, 'valid'),  W′[i, j, co, ci] = W[kh−1−i, kw−1−j, ci, co],
 * with dy padded by (kh−1−top, kh−1−bottom, kw−1−left, kw−1−right) inside the convolution (a
 * padded copy of dy was a single-threaded pass over it). With one input channel (a
 * grey-scale first layer) that convolution has one output channel, which runs at a tenth of the
 * matrix-product speed (78 ms for 1,000 images of 28 × 28 from 16 filters), so there the taps'
 * gradients are one product, t = dy · Wᵀ, and each pixel sums its taps (col2im in
 * heapSimdSource.ts). Other strides, dilations or layouts keep the original kernel.
 */
export function installWasmConv2DBackpropInput(): void {
  if (convInputGradInstalled) return;
  const replaced = replaceWasmKernel('Conv2DBackpropInput', (original) => (args) => {
    const attrs = args.attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
    const dy = args.inputs.dy as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    if (!isStrideOneNhwc(attrs)) return original.kernelFunc(args);
    const [kh, kw] = filter.shape;
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number], 1, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const { top, bottom, left, right } = info.padInfo;
    const simd = info.inChannels === 1 && dy.dtype === 'float32' && filter.dtype === 'float32' && tapCount(info) <= MAX_TAP_FLOATS ? heapSimd(args.backend) : null;
    if (simd) return singleChannelInputGrad(args.backend, dy, filter, info, simd);
    const pads = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
    if (pads.some((p) => p < 0)) return original.kernelFunc(args);
    return withTemps(args.backend, (run) => {
      const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      return paddedConv(args.backend, dy, swapped, pads);
    });
  });
  if (replaced) convInputGradInstalled = true;
}
