/**
 * The input box of interval bound propagation and its change to centre/radius form, each in one
 * pass on WASM (verify/ibp.ts inputBox and fromBounds): lower = x − ε and upper = x + ε clamped
 * to the data's range, and ((upper + lower) / 2, (upper − lower) / 2), by the SIMD loops of
 * heapSimdSource.ts instead of tfjs's Sub, Add, two ClipByValue, and Add, Sub and two RealDiv.
 * On the image MLP's 1,000 inputs of 784 pixels those eight passes were a fifth of IBP on two
 * threads. The same numbers bit for bit, the clamp included (XNNPACK's pmin(hi, pmax(lo, v)),
 * which takes a NaN to lo). Only without a gradient tape (IBP training keeps tfjs's ops), and only
 * where the SIMD loop runs.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel } from '../heapKernel';
import { heapSimd } from '../heapSimd';
import { isTaped } from '../tape';

const BOUNDS = 'WorkbenchBoxBounds';
const CENTRE = 'WorkbenchBoxCentre';

let installed = false;

/** XNNPACK's clamp of one float (the loop's rule, for the last few floats): pmin(hi, pmax(lo, v)). */
const clamp = (v: number, lo: number, hi: number) => {
  const low = lo < v ? v : lo;
  return low < hi ? low : hi;
};

/** Registers the kernels for the WASM backend (idempotent). */
export function installWasmBoxKernels(): void {
  if (installed) return;
  installed = true;
  registerHeapKernel(BOUNDS, ['x'], 2, ([v, l, u], simd, attrs) => {
    const { eps, lo, hi, clip } = attrs as unknown as { eps: number; lo: number; hi: number; clip: boolean };
    const done = v.length & ~3;
    const [e, a, b] = [eps, lo, hi].map(Math.fround);
    simd.boxBounds(v.byteOffset, l.byteOffset, u.byteOffset, 4 * done, e, a, b, clip ? 1 : 0);
    for (let i = done; i < v.length; i++) {
      const down = Math.fround(v[i] - e);
      const up = Math.fround(v[i] + e);
      l[i] = clip ? clamp(down, a, b) : down;
      u[i] = clip ? clamp(up, a, b) : up;
    }
  });
  registerHeapKernel(CENTRE, ['lower', 'upper'], 2, ([l, u, m, r], simd) => {
    const done = l.length & ~3;
    simd.boxCentre(l.byteOffset, u.byteOffset, m.byteOffset, r.byteOffset, 4 * done);
    for (let i = done; i < l.length; i++) {
      m[i] = Math.fround(u[i] + l[i]) / 2;
      r[i] = Math.fround(u[i] - l[i]) / 2;
    }
  });
}

/** Whether the kernels can take these tensors here: float32, on WASM with the SIMD loop, no tape. */
const runs = (...tensors: tf.Tensor[]) => installed && tf.getBackend() === 'wasm' && !isTaped() && tensors.every((t) => t.dtype === 'float32') && heapSimd(tf.backend()) !== null;

/** x ∓ eps, clamped to `box` where one is given, in one pass; null where the pass cannot run (the caller keeps tfjs's ops). */
export function boxBounds(x: tf.Tensor, eps: number, box: [number, number] | null): { lower: tf.Tensor; upper: tf.Tensor } | null {
  if (!runs(x)) return null;
  const attrs = { eps, lo: box?.[0] ?? 0, hi: box?.[1] ?? 0, clip: box !== null };
  const [lower, upper] = tf.engine().runKernel(BOUNDS, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { lower, upper };
}

/** A box from its ends to centre/radius form in one pass; null where the pass cannot run. */
export function boxCentre(lower: tf.Tensor, upper: tf.Tensor): { mid: tf.Tensor; rad: tf.Tensor } | null {
  if (!runs(lower, upper) || !tf.util.arraysEqual(lower.shape, upper.shape)) return null;
  const [mid, rad] = tf.engine().runKernel(CENTRE, { lower, upper }) as tf.Tensor[];
  return { mid, rad };
}
