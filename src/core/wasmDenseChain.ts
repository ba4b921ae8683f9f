/**
 * A whole MLP pass (a chain of dense layers) as one kernel over the WASM heap: the forward pass
 * (each layer's product, bias and ReLU) and the backward pass of an input gradient (each layer's
 * product with its transposed kernel and the ReLU mask), each a list of calls of the heap module's
 * `gemm` and `reluMask` (heapGemmSource.ts, heapSimdSource.ts) with XNNPACK's numbers bit for bit,
 * so the values are those of the layer-by-layer kernels they replace.
 *
 * Why one kernel: on two threads the heap helper (heapLanes.ts) is the second thread, and each
 * call it takes half of pays a hand-over (its wake-up, 40–100 µs here); XNNPACK's own threads,
 * before, gave the 2-D MLP's products (8,192 × 64 × 64) only 1.2× over one thread. Here the rows
 * go in blocks, each through every layer, which the caller and the helper take in turn
 * (heapLanes.ts splitRows), one hand-over for the whole pass: rows are independent in every call. On one thread it is the same
 * calls on the caller, one kernel instead of one a layer.
 */
import * as tf from '@tensorflow/tfjs';
import { splitRows } from './heapLanes';
import { heapSimd, xnnpackSplits, type HeapCall, type WasmHeap } from './heapSimd';
import { once } from './kernels';
import { THREADED_GEMM_MACS, loopsSetAside } from './wasmGemm';

const FORWARD = 'WorkbenchDenseForward';
const BACKWARD = 'WorkbenchDenseBackward';

/** A dense layer for these kernels: its kernel [in, out], optional bias [out] and whether a ReLU follows. */
export interface ChainLayer {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | undefined;
  relu: boolean;
}

/** A tensor's byte offset in the heap. */
export const offset = (heap: WasmHeap, t: tf.TensorInfo) => heap.typedArrayFromHeap(t).byteOffset;

/** A product over the heap, a [rows, depth] by b [depth, cols], both row-major, as wasmGemm.ts calls it (flags: 1 adds the bias, 2 a ReLU). */
export const gemmCall = (a: number, b: number, bias: number, out: number, rows: number, depth: number, cols: number, flags: number): HeapCall => ({
  kernel: 'gemm',
  args: [a, b, bias, out, rows, depth, cols, 4 * depth, 4, 4 * cols, 4, flags],
});

/** Registers the two kernels for the WASM backend (idempotent). */
export const installWasmDenseChain = once((): void => {
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const simd = heapSimd(backend)!;
      const { relu, bias: hasBias, keepAll } = attrs as unknown as { relu: number[]; bias: number[]; keepAll: boolean };
      const x = inputs.x as tf.TensorInfo;
      const kernels = relu.map((_, l) => inputs[`kernel${l}`] as tf.TensorInfo);
      const rows = x.shape[0];
      const outs = kernels.map((k) => heap.makeOutput([rows, k.shape[1]], 'float32'));
      // Offsets read after the allocations, which may grow the heap.
      const pIn = [x, ...outs.slice(0, -1)].map((t) => offset(heap, t));
      const pOut = outs.map((t) => offset(heap, t));
      const pKernel = kernels.map((k) => offset(heap, k));
      const pBias = relu.map((_, l) => (hasBias[l] ? offset(heap, inputs[`bias${l}`] as tf.TensorInfo) : 0));
      const macs = rows * kernels.reduce((m, k) => m + k.shape[0] * k.shape[1], 0);
      splitRows(simd, rows, macs, (first, end) =>
        kernels.map((k, l) => {
          const [depth, cols] = k.shape;
          return gemmCall(pIn[l] + 4 * first * depth, pKernel[l], pBias[l], pOut[l] + 4 * first * cols, end - first, depth, cols, (hasBias[l] ? 1 : 0) | (relu[l] ? 2 : 0));
        }),
      );
      if (keepAll) return outs;
      for (const t of outs.slice(0, -1)) heap.disposeData(t.dataId);
      return outs[outs.length - 1];
    },
  });
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const simd = heapSimd(backend)!;
      const { relu } = attrs as unknown as { relu: number[] };
      const layers = relu.length;
      const g = inputs.g as tf.TensorInfo;
      const transposed = relu.map((_, l) => inputs[`transposed${l}`] as tf.TensorInfo);
      const rows = g.shape[0];
      // grads[l]: the gradient at layer l's input, [rows, in_l]; grads[0] is the result.
      const grads = transposed.map((t) => heap.makeOutput([rows, t.shape[1]], 'float32'));
      const pGrad = grads.map((t) => offset(heap, t));
      const pTransposed = transposed.map((t) => offset(heap, t));
      const pHidden = relu.map((r, l) => (l > 0 && relu[l - 1] ? offset(heap, inputs[`hidden${l}`] as tf.TensorInfo) : 0));
      const pTop = offset(heap, g);
      const macs = rows * transposed.reduce((m, t) => m + t.shape[0] * t.shape[1], 0);
      splitRows(simd, rows, macs, (first, end) => {
        const calls: HeapCall[] = [];
        for (let l = layers - 1; l >= 0; l--) {
          const [depth, cols] = transposed[l].shape;
          const from = (l === layers - 1 ? pTop : pGrad[l + 1]) + 4 * first * depth;
          const to = pGrad[l] + 4 * first * cols;
          calls.push(gemmCall(from, pTransposed[l], 0, to, end - first, depth, cols, 0));
          // Through the ReLU below this layer, from its output (in place: the mask reads each element before writing it).
          if (pHidden[l]) calls.push({ kernel: 'reluMask', args: [to, pHidden[l] + 4 * first * cols, to, 4 * (end - first) * cols] });
        }
        return calls;
      });
      for (const t of grads.slice(1)) heap.disposeData(t.dataId);
      return grads[0];
    },
  });
});

/**
 * Whether these kernels take this chain over x's rows on the active backend: WASM with the heap
 * module, a float32 2-D x with rows, the heap loops not set aside (withTfjsKernels), and where
 * XNNPACK runs a pool of its own (three threads or more) only when every product is one the loop
 * takes anyway, since XNNPACK splits large ones wider. Hidden widths are multiples of four (the
 * mask's SIMD loop has no scalar tail).
 */
export function takesDenseChain(x: tf.Tensor, layers: readonly ChainLayer[]): boolean {
  if (tf.getBackend() !== 'wasm' || loopsSetAside() || x.rank !== 2 || x.dtype !== 'float32' || x.shape[0] === 0 || layers.length === 0) return false;
  const backend = tf.backend();
  if (!heapSimd(backend)) return false;
  if (layers.some((l, i) => l.kernel.dtype !== 'float32' || (l.bias && l.bias.dtype !== 'float32') || (i > 0 && l.kernel.shape[0] % 4 !== 0))) return false;
  if (!xnnpackSplits(backend)) return true;
  const rows = x.shape[0];
  return layers.every((l) => rows * l.kernel.shape[0] * l.kernel.shape[1] <= THREADED_GEMM_MACS);
}

const layerInputs = (layers: readonly ChainLayer[]) =>
  Object.fromEntries(layers.flatMap((l, i) => [[`kernel${i}`, l.kernel], ...(l.bias ? [[`bias${i}`, l.bias]] : [])])) as Record<string, tf.Tensor>;

/** Every layer's output (keepAll) or the last one's, for x [rows, in]; check takesDenseChain first. */
export function denseForward(x: tf.Tensor2D, layers: readonly ChainLayer[], keepAll: true): tf.Tensor2D[];
export function denseForward(x: tf.Tensor2D, layers: readonly ChainLayer[], keepAll: false): tf.Tensor2D;
export function denseForward(x: tf.Tensor2D, layers: readonly ChainLayer[], keepAll: boolean): tf.Tensor2D[] | tf.Tensor2D {
  const attrs = { relu: layers.map((l) => (l.relu ? 1 : 0)), bias: layers.map((l) => (l.bias ? 1 : 0)), keepAll };
  return tf.engine().runKernel(FORWARD, { x, ...layerInputs(layers) }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[] | tf.Tensor2D;
}

/**
 * The input gradient from the gradient `g` at the last layer's output: `transposed[l]` is layer l's
 * kernel transposed, `outputs[l]` layer l's output (for the ReLU masks; the last is not read), and
 * `relu[l]` whether layer l ends in a ReLU.
 */
export function denseBackward(g: tf.Tensor2D, transposed: readonly tf.Tensor2D[], outputs: readonly tf.Tensor2D[], relu: readonly boolean[]): tf.Tensor2D {
  const inputs: Record<string, tf.Tensor> = { g };
  transposed.forEach((t, l) => (inputs[`transposed${l}`] = t));
  relu.forEach((r, l) => {
    if (l < relu.length - 1 && r) inputs[`hidden${l + 1}`] = outputs[l];
  });
  return tf.engine().runKernel(BACKWARD, inputs, { relu: relu.map((r) => (r ? 1 : 0)) } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
