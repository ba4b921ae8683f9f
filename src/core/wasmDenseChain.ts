/**
 * A whole MLP pass (a chain of dense layers) as one kernel over the WASM heap: the forward pass
 * (each layer's product, bias and ReLU) and the backward pass of an input gradient (each layer's
 * product with its transposed kernel and the ReLU mask), each a list of calls of the heap module's
 * `gemm` and `reluMask` (heapGemmSource.ts, heapSimdSource.ts) with XNNPACK's numbers bit for bit,
 * so the values are those of the layer-by-layer kernels they replace. For cross-entropy, whose
 * gradient at the logits is softmax(z) − onehot(y), the two passes and that gradient between them
 * (`softmaxMinusOneHot`, heapSoftmaxSource.ts: tfjs's Softmax bits) are one kernel: each block of
 * rows goes through all three while it is in cache, and a step of an attack on the 2-D MLP hands
 * the helper one job instead of two and runs no softmax on one thread.
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
const CROSS_ENTROPY = 'WorkbenchDenseCrossEntropyGradient';

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

/** The kernels' attributes: per layer, 1 where a ReLU follows it and 1 where it has a bias. */
interface ChainAttrs {
  relu: number[];
  bias: number[];
}

/** A job's calls for its rows [first, end). */
type RowCalls = (first: number, end: number) => HeapCall[];

const layerKernels = (inputs: tf.NamedTensorInfoMap, name: string, layers: number) => Array.from({ length: layers }, (_, l) => inputs[`${name}${l}`] as tf.TensorInfo);
const passMacs = (rows: number, kernels: readonly tf.TensorInfo[]) => rows * kernels.reduce((m, k) => m + k.shape[0] * k.shape[1], 0);

/**
 * The forward pass's calls over `outs` (each layer's output): each layer's product, bias and ReLU.
 * Offsets are read here, so call it after the kernel's last allocation (which may grow the heap).
 */
function forwardCalls(heap: WasmHeap, x: tf.TensorInfo, kernels: readonly tf.TensorInfo[], biases: readonly (tf.TensorInfo | undefined)[], outs: readonly tf.TensorInfo[], relu: readonly number[]): RowCalls {
  const pIn = [x, ...outs.slice(0, -1)].map((t) => offset(heap, t));
  const pOut = outs.map((t) => offset(heap, t));
  const pKernel = kernels.map((k) => offset(heap, k));
  const pBias = biases.map((b) => (b ? offset(heap, b) : 0));
  return (first, end) =>
    kernels.map((k, l) => {
      const [depth, cols] = k.shape;
      return gemmCall(pIn[l] + 4 * first * depth, pKernel[l], pBias[l], pOut[l] + 4 * first * cols, end - first, depth, cols, (biases[l] ? 1 : 0) | (relu[l] ? 2 : 0));
    });
}

/**
 * The backward pass's calls from the gradient at `top` down to grads[0] (grads[l] at layer l's
 * input): each layer's product with its transposed kernel, then the mask of the ReLU below it,
 * read from that layer's output `hidden[l]` (null where no ReLU is below). Offsets are read here.
 */
function backwardCalls(heap: WasmHeap, top: tf.TensorInfo, transposed: readonly tf.TensorInfo[], grads: readonly tf.TensorInfo[], hidden: readonly (tf.TensorInfo | null)[]): RowCalls {
  const pGrad = grads.map((t) => offset(heap, t));
  const pTransposed = transposed.map((t) => offset(heap, t));
  const pHidden = hidden.map((h) => (h ? offset(heap, h) : 0));
  const pTop = offset(heap, top);
  return (first, end) => {
    const calls: HeapCall[] = [];
    for (let l = transposed.length - 1; l >= 0; l--) {
      const [depth, cols] = transposed[l].shape;
      const from = (l === transposed.length - 1 ? pTop : pGrad[l + 1]) + 4 * first * depth;
      const to = pGrad[l] + 4 * first * cols;
      calls.push(gemmCall(from, pTransposed[l], 0, to, end - first, depth, cols, 0));
      // Through the ReLU below this layer, from its output (in place: the mask reads each element before writing it).
      if (pHidden[l]) calls.push({ kernel: 'reluMask', args: [to, pHidden[l] + 4 * first * cols, to, 4 * (end - first) * cols] });
    }
    return calls;
  };
}

/** A forward pass's kernels and biases from the kernel's inputs, and its outputs (one a layer), allocated here. */
function forwardLayers(heap: WasmHeap, inputs: tf.NamedTensorInfoMap, rows: number, { relu, bias }: ChainAttrs) {
  const kernels = layerKernels(inputs, 'kernel', relu.length);
  const biases = relu.map((_, l) => (bias[l] ? (inputs[`bias${l}`] as tf.TensorInfo) : undefined));
  return { kernels, biases, outs: kernels.map((k) => heap.makeOutput([rows, k.shape[1]], 'float32')) };
}

/** A backward pass's transposed kernels from the kernel's inputs, and its gradients (grads[l] at layer l's input), allocated here. */
function backwardLayers(heap: WasmHeap, inputs: tf.NamedTensorInfoMap, rows: number, layers: number) {
  const transposed = layerKernels(inputs, 'transposed', layers);
  return { transposed, grads: transposed.map((t) => heap.makeOutput([rows, t.shape[1]], 'float32')) };
}

/** The ReLU outputs the backward pass masks by: layer l − 1's output where a ReLU ends it, for each layer l. */
const maskedBy = (relu: readonly number[], output: (l: number) => tf.TensorInfo) => relu.map((_, l) => (l > 0 && relu[l - 1] ? output(l - 1) : null));

/** Registers the kernels for the WASM backend (idempotent). */
export const installWasmDenseChain = once((): void => {
  tf.registerKernel({
    kernelName: FORWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const chain = attrs as unknown as ChainAttrs & { keepAll: boolean };
      const x = inputs.x as tf.TensorInfo;
      const rows = x.shape[0];
      const { kernels, biases, outs } = forwardLayers(heap, inputs, rows, chain);
      splitRows(heapSimd(backend)!, rows, passMacs(rows, kernels), forwardCalls(heap, x, kernels, biases, outs, chain.relu));
      if (chain.keepAll) return outs;
      for (const t of outs.slice(0, -1)) heap.disposeData(t.dataId);
      return outs[outs.length - 1];
    },
  });
  tf.registerKernel({
    kernelName: BACKWARD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const { relu } = attrs as unknown as ChainAttrs;
      const g = inputs.g as tf.TensorInfo;
      const rows = g.shape[0];
      const { transposed, grads } = backwardLayers(heap, inputs, rows, relu.length);
      const hidden = maskedBy(relu, (l) => inputs[`hidden${l + 1}`] as tf.TensorInfo);
      splitRows(heapSimd(backend)!, rows, passMacs(rows, transposed), backwardCalls(heap, g, transposed, grads, hidden));
      for (const t of grads.slice(1)) heap.disposeData(t.dataId);
      return grads[0];
    },
  });
  tf.registerKernel({
    kernelName: CROSS_ENTROPY,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const chain = attrs as unknown as ChainAttrs;
      const relu = chain.relu;
      const { x, labels } = inputs as { x: tf.TensorInfo; labels: tf.TensorInfo };
      const rows = x.shape[0];
      const { kernels, biases, outs } = forwardLayers(heap, inputs, rows, chain);
      const logits = outs[outs.length - 1];
      const classes = logits.shape[1];
      const top = heap.makeOutput([rows, classes], 'float32');
      const { transposed, grads } = backwardLayers(heap, inputs, rows, relu.length);
      const forward = forwardCalls(heap, x, kernels, biases, outs, relu);
      const backward = backwardCalls(heap, top, transposed, grads, maskedBy(relu, (l) => outs[l]));
      const [pLogits, pLabels, pTop] = [offset(heap, logits), offset(heap, labels), offset(heap, top)];
      // Each block of rows goes through the forward pass, the logit gradient and the backward pass while it is in cache.
      splitRows(heapSimd(backend)!, rows, passMacs(rows, kernels) + passMacs(rows, transposed), (first, end) => [
        ...forward(first, end),
        { kernel: 'softmaxMinusOneHot', args: [pLogits + 4 * first * classes, pLabels + 4 * first, pTop + 4 * first * classes, end - first, classes] },
        ...backward(first, end),
      ]);
      for (const t of [...outs.slice(0, -1), top, ...grads.slice(1)]) heap.disposeData(t.dataId);
      return [logits, grads[0]];
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

/**
 * The logits and the input gradient of Σ cross-entropy(logits, labels) (softmax(z) − onehot(y)
 * at the logits) in one kernel: each block of rows through the forward pass, the logit gradient
 * (the heap module's softmaxMinusOneHot, tfjs's Softmax and WorkbenchMinusOneHot bits) and the
 * backward pass. `transposed[l]` is layer l's kernel transposed; labels int32
 * (crossEntropyLabelsFit). Both results are the caller's.
 */
export function denseCrossEntropyGradient(x: tf.Tensor2D, layers: readonly ChainLayer[], transposed: readonly tf.Tensor2D[], labels: tf.Tensor1D): { logits: tf.Tensor2D; grad: tf.Tensor2D } {
  const inputs: Record<string, tf.Tensor> = { x, labels, ...layerInputs(layers) };
  transposed.forEach((t, l) => (inputs[`transposed${l}`] = t));
  const attrs = { relu: layers.map((l) => (l.relu ? 1 : 0)), bias: layers.map((l) => (l.bias ? 1 : 0)) };
  const [logits, grad] = tf.engine().runKernel(CROSS_ENTROPY, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
  return { logits, grad };
}

/** Whether denseCrossEntropyGradient takes these labels for x, on a chain takesDenseChain takes: int32, one a row. */
export function crossEntropyLabelsFit(x: tf.Tensor, labels: tf.Tensor): boolean {
  return labels.dtype === 'int32' && labels.rank === 1 && labels.shape[0] === x.shape[0];
}
