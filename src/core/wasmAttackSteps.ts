/**
 * Two element-wise steps of the gradient attacks, each one pass over the WASM heap instead of a
 * chain of tfjs kernels (in WebAssembly SIMD, heapSimdSource.ts, or for small tensors where that
 * cannot run, in JavaScript): on a 10-point training batch a kernel's cost is its call, not its
 * arithmetic, and an MLP's PGD step makes these five times:
 *  - reluMask(g, h) = g ⊙ step(h), the gradient through a ReLU from its output h
 *    (denseGradient.ts): tfjs's Step then Multiply;
 *  - signStep(x, g, α, lo, hi) = min(max(x + α · sign(g), lo), hi), the l_inf ascent step
 *    (attacks/common.ts AscentStep): Sign, Multiply, Add, Maximum, Minimum;
 *  - minusOneHot(p, y) = p − onehot(y), cross-entropy's logit gradient from the softmax p
 *    (attacks/common.ts): Cast, OneHot, Cast and Sub, four kernels a step for one subtraction a
 *    row. A label is read as Cast reads it (ToInt32: truncated, NaN as 0), a row whose label is
 *    outside [0, classes) is p itself, and p − 0 is p's bits.
 * Each gives bit for bit what those kernels give on WASM, NaN and signed zeros included: Step is
 * NaN at NaN, 0 at h ≤ 0, 1 above; Sign is 0 at NaN and for |g| < 2^-23; Maximum(a, b) is
 * a < b ? b : a and Minimum(a, b) is b < a ? b : a; products and sums are float32's (JavaScript's double result of
 * two float32 operands, rounded once when stored, is the float32 result). Other backends, other
 * dtypes, broadcasting shapes and tensors too large for a loop to pay take the tfjs kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel } from './heapKernel';
import { SIGN_EPSILON, heapSimd, type WasmHeap } from './heapSimd';

const RELU_MASK = 'WorkbenchReluMask';
const MINUS_ONE_HOT = 'WorkbenchMinusOneHot';
const SIGN_STEP = 'WorkbenchSignStep';

let installed = false;

/** Registers the kernels for the WASM backend (idempotent). */
export function installWasmAttackSteps(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: RELU_MASK,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const heap = backend as unknown as WasmHeap;
      const { g, h } = inputs as { g: tf.TensorInfo; h: tf.TensorInfo };
      const out = heap.makeOutput(g.shape, 'float32');
      const gv = heap.typedArrayFromHeap(g);
      const hv = heap.typedArrayFromHeap(h);
      const ov = heap.typedArrayFromHeap(out);
      const simd = heapSimd(backend);
      const done = simd ? ov.length & ~3 : 0;
      simd?.reluMask(gv.byteOffset, hv.byteOffset, ov.byteOffset, 4 * done);
      for (let i = done; i < ov.length; i++) {
        const hi = hv[i];
        ov[i] = hi > 0 ? gv[i] : hi !== hi ? NaN : gv[i] * 0;
      }
      return out;
    },
  });
  // The labels' view is of their own dtype (int32 or float32): `| 0` reads either as Cast does.
  registerHeapKernel(MINUS_ONE_HOT, ['p', 'labels'], 1, ([pv, lv, ov]) => {
    const rows = lv.length;
    const classes = rows === 0 ? 0 : pv.length / rows;
    // A copy of the same type moves bits, NaN payloads included.
    ov.set(pv);
    for (let i = 0; i < rows; i++) {
      const k = lv[i] | 0;
      if (k < 0 || k >= classes) continue;
      const v = pv[i * classes + k];
      // p − 1 is float32's (one rounding of the double result); a NaN keeps its bits, as Sub does.
      if (v === v) ov[i * classes + k] = v - 1;
    }
  });
  tf.registerKernel({
    kernelName: SIGN_STEP,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmHeap;
      const { x, g, lo, hi } = inputs as { x: tf.TensorInfo; g: tf.TensorInfo; lo: tf.TensorInfo; hi: tf.TensorInfo };
      const alpha = Math.fround((attrs as { alpha: number }).alpha);
      const out = heap.makeOutput(x.shape, 'float32');
      const xv = heap.typedArrayFromHeap(x);
      const gv = heap.typedArrayFromHeap(g);
      const lv = heap.typedArrayFromHeap(lo);
      const hv = heap.typedArrayFromHeap(hi);
      const ov = heap.typedArrayFromHeap(out);
      const simd = heapSimd(backend);
      const done = simd ? ov.length & ~3 : 0;
      simd?.signStep(xv.byteOffset, gv.byteOffset, lv.byteOffset, hv.byteOffset, ov.byteOffset, 4 * done, alpha);
      for (let i = done; i < ov.length; i++) {
        const gi = gv[i];
        const step = gi >= SIGN_EPSILON ? alpha : gi <= -SIGN_EPSILON ? -alpha : 0;
        const v = Math.fround(xv[i] + step);
        const l = lv[i];
        const m = v < l ? l : v;
        const u = hv[i];
        ov[i] = u < m ? u : m;
      }
      return out;
    },
  });
}

const sameFloatShapes = (...ts: tf.Tensor[]) => ts.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, ts[0].shape));

/**
 * Sizes up to which the JavaScript loops beat the tfjs kernels, where the SIMD loops of
 * heapSimdSource.ts cannot run: a JavaScript loop costs about 6 ns an element against well under
 * 1 ns for tfjs's SIMD kernels, which pay instead about 15 µs a call (measured on this project's
 * 2-core machines: 10 × 64 masks 12 against 19 µs, 8,192 × 64 masks 7.8 against 0.23 ms; an
 * 8,192 × 2 ascent step 90 against 295 µs). The SIMD loops beat the kernel chains at every size:
 * one pass instead of two or five.
 */
const RELU_MASK_MAX_SIZE = 2048;
const SIGN_STEP_MAX_SIZE = 16384;

/** Whether the loops run for a tensor of this size on the active backend. */
function ownLoop(size: number, javascriptMax: number): boolean {
  if (!installed || tf.getBackend() !== 'wasm') return false;
  return size <= javascriptMax || heapSimd(tf.backend()) !== null;
}

/** g ⊙ step(h), h a ReLU's output (so h > 0 exactly where its input was). */
export function reluMask(g: tf.Tensor, h: tf.Tensor): tf.Tensor {
  if (ownLoop(g.size, RELU_MASK_MAX_SIZE) && sameFloatShapes(g, h)) return tf.engine().runKernel(RELU_MASK, { g, h }) as tf.Tensor;
  return tf.tidy(() => tf.mul(g, tf.step(h)));
}

/** min(max(x + α · sign(g), lo), hi), all of one shape. */
export function signStep(x: tf.Tensor, g: tf.Tensor, alpha: number, lo: tf.Tensor, hi: tf.Tensor): tf.Tensor {
  if (ownLoop(x.size, SIGN_STEP_MAX_SIZE) && sameFloatShapes(x, g, lo, hi)) return tf.engine().runKernel(SIGN_STEP, { x, g, lo, hi }, { alpha }) as tf.Tensor;
  return tf.tidy(() => tf.minimum(tf.maximum(tf.add(x, tf.mul(alpha, tf.sign(g))), lo), hi));
}

/** p − onehot(labels) for a softmax p of shape [rows, classes] and one label a row (int32 or float32). */
export function minusOneHot(p: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  const fits = p.rank === 2 && p.dtype === 'float32' && labels.rank === 1 && labels.shape[0] === p.shape[0] && (labels.dtype === 'int32' || labels.dtype === 'float32');
  if (installed && fits && tf.getBackend() === 'wasm') return tf.engine().runKernel(MINUS_ONE_HOT, { p, labels }) as tf.Tensor2D;
  return tf.tidy(() => tf.sub(p, tf.oneHot(tf.cast(labels, 'int32'), p.shape[1])));
}
