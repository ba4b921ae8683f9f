/**
 * One step of Adam for one variable as one pass over the WASM heap (adamStep in
 * heapSimdSource.ts) instead of tfjs's fifteen kernels: on the small CNN of this workbench, eight
 * variables, tfjs's AdamOptimizer took about 2 ms a training step on WASM against 0.2 ms for SGD,
 * nearly all of it in the calls. The numbers are bit for bit tfjs's: the same float32 operations
 * in the same order (every product, sum, quotient and square root of two float32 values rounds
 * once to float32, in WebAssembly SIMD and in JavaScript's doubles rounded by Math.fround alike).
 */
import * as tf from '@tensorflow/tfjs';
import { heapSimd, type WasmHeap } from './heapSimd';

const ADAM_STEP = 'WorkbenchAdamStep';

let installed = false;

/** Registers the kernel for the WASM backend (idempotent). */
export function installWasmAdamStep(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: ADAM_STEP,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const { g, m, v, w, d1, d2 } = inputs as Record<'g' | 'm' | 'v' | 'w' | 'd1' | 'd2', tf.TensorInfo>;
      const a = attrs as unknown as AdamConstants;
      const outs = [heap.makeOutput(w.shape, 'float32'), heap.makeOutput(w.shape, 'float32'), heap.makeOutput(w.shape, 'float32')];
      // Views taken after the allocations, which may grow the heap.
      const [gv, mv, vv, wv] = [g, m, v, w].map((t) => heap.typedArrayFromHeap(t));
      const [om, ov, ow] = outs.map((t) => heap.typedArrayFromHeap(t));
      const f = Math.fround;
      const [b1, c1, b2, c2, eps, negLr] = [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.epsilon, -a.learningRate].map(f);
      const dd1 = heap.typedArrayFromHeap(d1)[0];
      const dd2 = heap.typedArrayFromHeap(d2)[0];
      const simd = heapSimd(backend);
      const done = simd ? wv.length & ~3 : 0;
      simd?.adamStep(gv.byteOffset, mv.byteOffset, vv.byteOffset, wv.byteOffset, om.byteOffset, ov.byteOffset, ow.byteOffset, 4 * done, b1, c1, b2, c2, dd1, dd2, eps, negLr);
      for (let i = done; i < wv.length; i++) {
        const gi = gv[i];
        const mn = f(f(mv[i] * b1) + f(gi * c1));
        const vn = f(f(vv[i] * b2) + f(f(gi * gi) * c2));
        om[i] = mn;
        ov[i] = vn;
        ow[i] = f(f(f(f(mn / dd1) / f(f(Math.sqrt(f(vn / dd2))) + eps)) * negLr) + wv[i]);
      }
      return outs;
    },
  });
}

/** Adam's constants as tfjs's AdamOptimizer holds them (each becomes a float32 scalar there). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** Whether `adamStep` runs here for these tensors: the WASM backend and float32 (the caller checks shapes). */
export function adamStepFusable(tensors: tf.Tensor[]): boolean {
  return installed && tf.getBackend() === 'wasm' && tensors.every((t) => t.dtype === 'float32');
}

/**
 * Adam's new first and second moments and weights for one variable from its gradient g, moments
 * m and v, weights w, and the bias corrections d1 = 1 − β₁ᵗ and d2 = 1 − β₂ᵗ (float32 scalars).
 */
export function adamStep(g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, w: tf.Tensor, d1: tf.Tensor, d2: tf.Tensor, constants: AdamConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (![g, m, v].every((t) => tf.util.arraysEqual(t.shape, w.shape))) throw new Error(`adamStep: g, m and v must have the weights' shape [${w.shape.join(', ')}]; got [${g.shape.join(', ')}], [${m.shape.join(', ')}], [${v.shape.join(', ')}]`);
  return tf.engine().runKernel(ADAM_STEP, { g, m, v, w, d1, d2 }, { ...constants }) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
