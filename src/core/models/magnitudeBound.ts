/**
 * A proof, from the weights, that a forward pass cannot overflow: for inputs with |x| ≤ m, a
 * bound on |value| at every step of a chain of layers. A dense or convolution output is a sum of
 * weight × input terms plus a bias, so |out| ≤ m · max over outputs of Σ|w| + max|b|; the
 * workbench's Normalize layer gives (m + max|mean|) / min std; ReLU, max and average pooling,
 * flattening and inference-time dropout do not grow the bound, and tanh caps it at 1. When every step's bound stays below 2^120, float32 arithmetic (largest finite value
 * about 2^128) cannot produce ±∞, hence no NaN either, whatever the summation order: rounding
 * grows a computed sum of K terms by at most a factor 1 + K·2^-23 over the bound on its exact value
 * (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1), which 2^8 of headroom
 * absorbs for any layer here. Certification (certify/smoothing.ts) then needs to check only the
 * inputs for finiteness, not every layer's values.
 *
 * The bound is computed in float64 from the weights as they are now (each kernel and bias read
 * once per value it takes); a layer of another kind, another activation or a non-finite weight
 * gives Infinity (no proof).
 */
import * as tf from '@tensorflow/tfjs';
import { Normalize } from './normalize';

/** Below this, no step of the pass can reach float32's largest finite value. */
export const OVERFLOW_SAFE_BOUND = 2 ** 120;

type WeightedLayer = tf.layers.Layer & {
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  activation?: { getClassName(): string };
};

/**
 * A weight tensor's figure, read once per set of weights: keyed by its data, which every update
 * of a variable replaces, so a certification's batches read each kernel once, not once a batch.
 */
function perWeights(figure: (values: ArrayLike<number>, t: tf.Tensor) => number): (t: tf.Tensor) => Promise<number> {
  const cache = new WeakMap<object, number>();
  return async (t) => {
    let v = cache.get(t.dataId);
    if (v === undefined) {
      v = figure(await t.data(), t);
      cache.set(t.dataId, v);
    }
    return v;
  };
}

/** max over output units of Σ|w| feeding it (kernels are [..., in, out]: the last axis is the output). */
const maxAbsColumnSum = perWeights((w, kernel) => {
  const out = kernel.shape[kernel.shape.length - 1] ?? 1;
  const sums = new Float64Array(out);
  for (let i = 0; i < w.length; i++) sums[i % out] += Math.abs(w[i]);
  let m = 0;
  for (const s of sums) if (!(s <= m)) m = s; // NaN propagates
  return m;
});

const maxAbs = perWeights((values) => {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (!(a <= m)) m = a;
  }
  return m;
});

const PASS_THROUGH = new Set(['InputLayer', 'Flatten', 'Dropout', 'MaxPooling2D', 'AveragePooling2D', 'MaxPooling1D', 'AveragePooling1D']);

/**
 * An upper bound on |value| at every step of `layers` (and of their outputs) for inputs with
 * |x| ≤ inputMax: the largest of the steps' bounds, Infinity where a layer is not covered, NaN
 * where inputMax or a weight is NaN. Reads each weight tensor once (await data(), on any backend).
 */
export async function chainMagnitudeBound(layers: readonly tf.layers.Layer[], inputMax: number): Promise<number> {
  if (!(inputMax >= 0)) return NaN;
  let bound = inputMax;
  let largest = inputMax;
  for (const layer of layers) {
    const cls = layer.getClassName();
    if (PASS_THROUGH.has(cls)) continue;
    if (cls === Normalize.className && layer instanceof Normalize) {
      bound = (bound + Math.max(...layer.mean.map(Math.abs))) / Math.min(...layer.std);
      if (!(bound < Infinity)) return bound;
      largest = Math.max(largest, bound);
      continue;
    }
    const l = layer as WeightedLayer;
    if ((cls !== 'Dense' && cls !== 'Conv2D') || !l.kernel) return Infinity;
    const activation = l.activation?.getClassName() ?? 'linear';
    if (activation !== 'relu' && activation !== 'linear' && activation !== 'tanh') return Infinity;
    const pre = bound * (await maxAbsColumnSum(l.kernel.read())) + (l.bias ? await maxAbs(l.bias.read()) : 0);
    if (!(pre < Infinity)) return pre; // Infinity or NaN: no proof
    largest = Math.max(largest, pre);
    bound = activation === 'tanh' ? Math.min(pre, 1) : pre;
  }
  return largest;
}
