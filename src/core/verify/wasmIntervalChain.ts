/**
 * Interval bound propagation through a run of dense layers (an MLP's body; verify/ibp.ts) as one
 * kernel over the WASM heap: per layer, the centre's product with W plus the bias and the
 * radius's product with |W| (mu' = W mu + b, r' = |W| r, paper 004 Eq. 3-4), then, where a ReLU
 * follows, reluBox.ts's pass to the next layer's centre and radius. These are the calls the
 * layer-by-layer kernels make (wasmGemm.ts, reluBox.ts), so the numbers are the same bit for bit.
 *
 * Why one kernel: on two threads each product the heap helper takes half of pays a hand-over, two
 * a layer, and the ReLU passes ran on one thread; the image MLP's IBP spent a fifth of its time
 * beyond the products. Here the rows go in blocks, each through every layer, which the caller and
 * the helper take in turn (heapLanes.ts splitRows): one hand-over for the pass. Each layer's box
 * before its activation is returned too, for the check that no pre-activation bound was
 * non-finite (ibp.ts AffineWatch), which a ReLU could hide.
 */
import * as tf from '@tensorflow/tfjs';
import { splitRows } from '../heapLanes';
import { heapSimd, type HeapCall, type WasmHeap } from '../heapSimd';
import { once } from '../kernels';
import { isTaped } from '../tape';
import { type ChainLayer, gemmCall, offset, takesDenseChain } from '../wasmDenseChain';

const CHAIN = 'WorkbenchIntervalChain';

/** A box in centre/radius form, as ibp.ts keeps it. */
interface CentredBox {
  mid: tf.Tensor;
  rad: tf.Tensor;
}

/** Registers the kernel for the WASM backend (idempotent). */
export const installWasmIntervalChain = once((): void => {
  tf.registerKernel({
    kernelName: CHAIN,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const simd = heapSimd(backend)!;
      const { relu, bias: hasBias } = attrs as unknown as { relu: number[]; bias: number[] };
      const kernels = relu.map((_, l) => inputs[`kernel${l}`] as tf.TensorInfo);
      const rows = (inputs.mid as tf.TensorInfo).shape[0];
      // Per layer its box before the activation, and after it where a ReLU follows.
      const made = (l: number) => heap.makeOutput([rows, kernels[l].shape[1]], 'float32');
      const pre = kernels.map((_, l) => [made(l), made(l)]);
      const post = kernels.map((_, l) => (relu[l] ? [made(l), made(l)] : null));
      // Offsets read after the allocations, which may grow the heap.
      const at = (t: tf.TensorInfo) => offset(heap, t);
      const pMid = at(inputs.mid as tf.TensorInfo);
      const pRad = at(inputs.rad as tf.TensorInfo);
      const pPre = pre.map(([m, r]) => [at(m), at(r)]);
      const pPost = post.map((p) => (p ? [at(p[0]), at(p[1])] : null));
      const pKernel = kernels.map((k) => at(k));
      const pAbs = relu.map((_, l) => at(inputs[`abs${l}`] as tf.TensorInfo));
      const pBias = relu.map((_, l) => (hasBias[l] ? at(inputs[`bias${l}`] as tf.TensorInfo) : 0));
      const macs = 2 * rows * kernels.reduce((m, k) => m + k.shape[0] * k.shape[1], 0);
      splitRows(simd, rows, macs, (first, end) => {
        const calls: HeapCall[] = [];
        let [mid, rad] = [pMid, pRad];
        kernels.forEach((k, l) => {
          const [depth, cols] = k.shape;
          const [a, b] = [4 * first * depth, 4 * first * cols];
          calls.push(gemmCall(mid + a, pKernel[l], pBias[l], pPre[l][0] + b, end - first, depth, cols, hasBias[l] ? 1 : 0));
          calls.push(gemmCall(rad + a, pAbs[l], 0, pPre[l][1] + b, end - first, depth, cols, 0));
          [mid, rad] = pPre[l];
          const after = pPost[l];
          if (after) {
            calls.push({ kernel: 'reluBox', args: [mid + b, rad + b, after[0] + b, after[1] + b, 4 * (end - first) * cols] });
            [mid, rad] = after;
          }
        });
        return calls;
      });
      return [...pre.flat(), ...post.flatMap((p) => p ?? [])];
    },
  });
});

/**
 * Whether the kernel takes this run of layers over a box with centre `mid` on the active backend:
 * where takesDenseChain takes the same layers (WASM with the heap module, float32, no loops set
 * aside), no gradient tape (the kernel has none: IBP training keeps tfjs's ops), and each ReLU's
 * width a multiple of four (the ReLU pass's loop has no scalar tail).
 */
export function takesIntervalChain(mid: tf.Tensor, layers: readonly ChainLayer[]): boolean {
  return !isTaped() && layers.every((l) => !l.relu || l.kernel.shape[1] % 4 === 0) && takesDenseChain(mid, layers);
}

/**
 * The box after the run of layers, and each layer's box before its activation (in order), from a
 * box in centre/radius form [rows, in]; check takesIntervalChain first.
 */
export function intervalChain(box: CentredBox, layers: readonly ChainLayer[]): { out: CentredBox; pre: CentredBox[] } {
  const inputs: Record<string, tf.Tensor> = { mid: box.mid, rad: box.rad };
  const abs = layers.map((l) => tf.abs(l.kernel));
  layers.forEach((l, i) => {
    inputs[`kernel${i}`] = l.kernel;
    inputs[`abs${i}`] = abs[i];
    if (l.bias) inputs[`bias${i}`] = l.bias;
  });
  const attrs = { relu: layers.map((l) => (l.relu ? 1 : 0)), bias: layers.map((l) => (l.bias ? 1 : 0)) };
  const outs = tf.engine().runKernel(CHAIN, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  tf.dispose(abs);
  const pre = layers.map((_, l) => ({ mid: outs[2 * l], rad: outs[2 * l + 1] }));
  let next = 2 * layers.length;
  const post = layers.map((l) => (l.relu ? { mid: outs[next++], rad: outs[next++] } : null));
  const last = layers.length - 1;
  // The boxes between the layers are the kernel's own; only the last is the caller's.
  tf.dispose(post.slice(0, last).flatMap((b) => (b ? [b.mid, b.rad] : [])));
  return { out: post[last] ?? pre[last], pre };
}
