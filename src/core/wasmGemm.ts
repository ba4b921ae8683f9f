/**
 * Matrix products on WASM by one call into the heap SIMD module (gemm in heapGemmSource.ts)
 * instead of tfjs-wasm's XNNPACK operator, with XNNPACK's numbers bit for bit (tested), so nothing
 * but speed changes. Measured on one thread here:
 *  - small products: a dense layer on a batch of ten 2-D points is a few thousand multiply-adds,
 *    around which tfjs-wasm spends 3–10 µs (creating an XNNPACK operator and packing the weights,
 *    which change every training step); the loop takes 2–5 µs;
 *  - large ones: XNNPACK packs b again whenever b is a new tensor (every step of training or of an
 *    attack), and the loop, a 4 × 8 block of outputs per pass over the depth, runs at 22–37 GFLOP/s
 *    against XNNPACK's 18–30 (e.g. 4096 × 144 × 32: 1.0 against 1.5 ms).
 * Where XNNPACK runs a pool of more than one thread (heapLanes.ts xnnpackThreads: three threads or
 * more) it splits a product over them, and waking them costs 10–50 µs: there the loop takes the
 * products up to THREADED_GEMM_MACS, which one thread does sooner, and XNNPACK the rest. On two
 * threads the loop takes every product and the heap helper half the rows of large ones. A transposed b is read in place when a has few rows and is transposed first
 * otherwise (the loop loads four of b's columns at once only when they are contiguous).
 */
import * as tf from '@tensorflow/tfjs';
import { heapSimd, xnnpackSplits, type WasmHeap } from './heapSimd';
import { once, replaceWasmKernel, swapLastTwo, wasmKernel } from './kernels';
import { splitRows } from './heapLanes';

/** On the threaded build, products up to this many multiply-adds (over the batch) take the loop: about where 2 threads of XNNPACK catch up with it. */
export const THREADED_GEMM_MACS = 1 << 17;
/** Above this many rows of a, a transposed b is transposed first rather than gathered lane by lane. */
const GATHER_ROWS = 16;

export interface Product {
  batch: number;
  aBatch: number;
  bBatch: number;
  rows: number;
  depth: number;
  cols: number;
  outShape: number[];
}

/** The product's sizes when it is a float32 one the loop takes (batches equal or one of them 1); null otherwise. */
export function gemmProduct(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Product | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [rows, depth] = transposeA ? [ac, ar] : [ar, ac];
  const [depthB, cols] = transposeB ? [bc, br] : [br, bc];
  if (depth !== depthB || rows === 0 || cols === 0 || depth === 0) return null;
  const aLead = a.shape.slice(0, -2);
  const bLead = b.shape.slice(0, -2);
  const aBatch = tf.util.sizeFromShape(aLead);
  const bBatch = tf.util.sizeFromShape(bLead);
  let lead: number[];
  try {
    lead = tf.backend_util.assertAndGetBroadcastShape(aLead, bLead);
  } catch {
    return null;
  }
  const batch = tf.util.sizeFromShape(lead);
  if ((aBatch !== batch && aBatch !== 1) || (bBatch !== batch && bBatch !== 1)) return null;
  return { batch, aBatch, bBatch, rows, depth, cols, outShape: [...lead, rows, cols] };
}

/**
 * Whether the loop should take this product: always, unless XNNPACK splits products over a pool
 * of its own (`threaded`), which then takes the large ones.
 */
export function takesGemm(p: Product, threaded: boolean): boolean {
  return !threaded || p.batch * p.rows * p.depth * p.cols <= THREADED_GEMM_MACS;
}

/** Runs the product on the heap; `bias` ([cols] values) and the ReLU are optional. Null where the module is not available. */
function runGemm(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, bias: tf.TensorInfo | null, relu: boolean, p: Product, transposeA: boolean, transposeB: boolean): tf.TensorInfo | null {
  const simd = heapSimd(backend);
  if (!simd) return null;
  const heap = backend as unknown as WasmHeap;
  let bIn = b;
  let bTransposed = transposeB;
  if (transposeB && p.rows > GATHER_ROWS) {
    bIn = wasmKernel('Transpose')({ inputs: { x: b }, attrs: { perm: swapLastTwo(b.shape.length) }, backend: backend as tf.KernelBackend }) as tf.TensorInfo;
    bTransposed = false;
  }
  try {
    const out = heap.makeOutput(p.outShape, 'float32');
    // Offsets read after the allocation, which may grow the heap.
    const [pa, pb, po] = [a, bIn, out].map((t) => heap.typedArrayFromHeap(t).byteOffset);
    const pBias = bias ? heap.typedArrayFromHeap(bias).byteOffset : 0;
    const { rows, depth, cols } = p;
    const [sam, sak] = transposeA ? [4, 4 * rows] : [4 * depth, 4];
    const [sbk, sbn] = bTransposed ? [4, 4 * depth] : [4 * cols, 4];
    const flags = (bias ? 1 : 0) | (relu ? 2 : 0);
    const aSize = 4 * rows * depth;
    const bSize = 4 * depth * cols;
    const oSize = 4 * rows * cols;
    for (let n = 0; n < p.batch; n++) {
      const [a0, b0, o0] = [pa + (p.aBatch === 1 ? 0 : n * aSize), pb + (p.bBatch === 1 ? 0 : n * bSize), po + n * oSize];
      // Rows are independent: the heap helper takes half of a large product's (heapLanes.ts).
      splitRows(simd, rows, rows * depth * cols, (first, end) => [{ kernel: 'gemm', args: [a0 + first * sam, b0, pBias, o0 + 4 * first * cols, end - first, depth, cols, sam, sak, sbk, sbn, flags] }]);
    }
    return out;
  } finally {
    if (bIn !== b) heap.disposeData(bIn.dataId);
  }
}

/** A fused kernel's bias the loops take: none, or float32 values over the last axis's n columns. */
export function isColumnBias(bias: tf.TensorInfo | undefined, n: number): boolean {
  return !bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === n && bias.shape[bias.shape.length - 1] === n);
}

let disabled = 0;

/** Whether withTfjsKernels is running (the loops of this file, wasmConv.ts and wasmMaxPool.ts's forward pass step aside). */
export const loopsSetAside = (): boolean => disabled > 0;

/**
 * Runs `body` on tfjs's own product, convolution and max-pooling kernels (XNNPACK), the heap loops
 * set aside (here, in wasmConv.ts and wasmMaxPool.ts): the plain path that tests compare the loops
 * with.
 */
export function withTfjsKernels<T>(body: () => T): T {
  disabled++;
  try {
    return body();
  } finally {
    disabled--;
  }
}

/** Replaces WASM's BatchMatMul and _FusedMatMul (linear or ReLU, a bias over the columns) for the products above (idempotent). */
export const installWasmGemm = once((): void => {
  replaceWasmKernel('BatchMatMul', (original) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const p = gemmProduct(a, b, transposeA, transposeB);
    const out = p && !disabled && takesGemm(p, xnnpackSplits(args.backend)) ? runGemm(args.backend, a, b, null, false, p, transposeA, transposeB) : null;
    return out ?? original.kernelFunc(args);
  });
  replaceWasmKernel('_FusedMatMul', (original) => (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    const act = activation ?? 'linear';
    const p = a && b && !preluActivationWeights && (act === 'linear' || act === 'relu') ? gemmProduct(a, b, transposeA, transposeB) : null;
    const out = a && b && p && isColumnBias(bias, p.cols) && !disabled && takesGemm(p, xnnpackSplits(args.backend)) ? runGemm(args.backend, a, b, bias ?? null, act === 'relu', p, transposeA, transposeB) : null;
    return out ?? original.kernelFunc(args);
  });
});
