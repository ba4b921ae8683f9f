/**
 * Interval bound propagation through a ReLU in one pass on WASM (verify/ibp.ts): from a box in
 * centre/radius form straight to the next affine layer's centre and radius,
 *   lo = relu(mid − rad), hi = relu(mid + rad), mid′ = (hi + lo) / 2, rad′ = (hi − lo) / 2,
 * by the SIMD loop of heapSimdSource.ts instead of six tfjs kernels (Sub, Add, two Relu, Add and
 * Sub with their divisions): 22% of IBP on the 2-D MLP was these element-wise passes. The same
 * numbers bit for bit, tfjs-wasm's Relu included (an integer max with 0 on the float's bits:
 * 0 for every float whose sign bit is set, −0 and negative NaNs too). Only without a gradient
 * tape (the kernel has no gradient: IBP training keeps tfjs's ops), and only where the SIMD loop
 * runs.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel } from '../heapKernel';
import { heapSimd } from '../heapSimd';
import { isTaped } from '../tape';

const RELU_BOX = 'WorkbenchReluBox';

let installed = false;

/** tfjs-wasm's Relu of one float32 (the loop's rule, for the last few floats). */
const bits = new Float32Array(1);
const signed = new Int32Array(bits.buffer);
function relu(x: number): number {
  bits[0] = x;
  return signed[0] < 0 ? 0 : bits[0];
}

/** Registers the kernel for the WASM backend (idempotent). */
export function installWasmReluBox(): void {
  if (installed) return;
  installed = true;
  registerHeapKernel(RELU_BOX, ['mid', 'rad'], 2, ([m, r, om, or], simd) => {
    const done = m.length & ~3;
    simd.reluBox(m.byteOffset, r.byteOffset, om.byteOffset, or.byteOffset, 4 * done);
    for (let i = done; i < m.length; i++) {
      const lo = relu(Math.fround(m[i] - r[i]));
      const hi = relu(Math.fround(m[i] + r[i]));
      om[i] = Math.fround(hi + lo) / 2;
      or[i] = Math.fround(hi - lo) / 2;
    }
  });
}

/**
 * The ReLU of a centre/radius box as the next affine layer wants it (centre/radius), in one pass;
 * null where that pass cannot run (another backend, a tape, other dtypes or shapes), and the
 * caller keeps tfjs's ops.
 */
export function reluBox(mid: tf.Tensor, rad: tf.Tensor): { mid: tf.Tensor; rad: tf.Tensor } | null {
  if (!installed || tf.getBackend() !== 'wasm' || isTaped()) return null;
  if (mid.dtype !== 'float32' || rad.dtype !== 'float32' || !tf.util.arraysEqual(mid.shape, rad.shape) || !heapSimd(tf.backend())) return null;
  const [m, r] = tf.engine().runKernel(RELU_BOX, { mid, rad }) as tf.Tensor[];
  return { mid: m, rad: r };
}
