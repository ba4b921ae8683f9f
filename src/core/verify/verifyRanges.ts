/**
 * The ranges in which a verification means something, checked before any tensor is touched:
 * eps finite and ≥ 0, at most the input domain's width (the box's, or EPS_MAX without a box,
 * beyond which float32 products overflow), and inputs without NaN or ±Infinity.
 */
import * as tf from '@tensorflow/tfjs';
import { finiteRows } from '../models/forward';

/** The largest eps accepted without a box (input units). */
export const EPS_MAX = 1e4;

export function checkVerifyEps(eps: number, box: readonly [number, number] | null): void {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0) throw new RangeError(`eps must be a finite number ≥ 0 (got ${String(eps)})`);
  const width = box ? box[1] - box[0] : EPS_MAX;
  if (eps > width) {
    throw new RangeError(box ? `eps ${eps} is larger than the input domain's width ${width} (box [${box[0]}, ${box[1]}]): the whole domain is every input's neighbourhood` : `eps ${eps} is above ${EPS_MAX}, the largest accepted without a box (float32 bounds would overflow)`);
  }
}

/** Refuses inputs with a NaN or ±Infinity, naming the first row that has one (one flag per row is read back, not the inputs). */
export async function assertFiniteInputs(x: tf.Tensor, what: string): Promise<void> {
  const ok = tf.tidy(() => finiteRows(x));
  const rows = await ok.data();
  ok.dispose();
  const bad = rows.findIndex((v) => !v);
  if (bad >= 0) throw new RangeError(`${what}: input row ${bad} has a non-finite value (NaN or ±Infinity); refusing it`);
}
