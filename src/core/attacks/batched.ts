/**
 * Runs a synchronous per-batch attack over a large input in chunks, checking for cancellation
 * and reporting progress between chunks. Results are concatenated in order.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';

export interface RunControl {
  signal?: AbortSignal | null;
  /** Fraction of the work done, in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Inputs per chunk (default 8192). */
  batchSize?: number;
}

export const DEFAULT_CHUNK = 8192;

export async function mapBatches(
  x: tf.Tensor,
  labels: tf.Tensor1D,
  control: RunControl,
  fn: (xb: tf.Tensor, yb: tf.Tensor1D, chunkIndex: number) => tf.Tensor,
): Promise<tf.Tensor> {
  const n = x.shape[0];
  const size = Math.max(1, control.batchSize ?? DEFAULT_CHUNK);
  if (n <= size) {
    await checkpoint(control.signal);
    const out = fn(x, labels, 0);
    control.onProgress?.(1);
    return out;
  }
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0, k = 0; start < n; start += size, k++) {
      await checkpoint(control.signal);
      const len = Math.min(size, n - start);
      const part = tf.tidy(() => {
        const xb = tf.slice(x, start, len);
        const yb = tf.slice(labels, start, len);
        return fn(xb, yb, k);
      });
      parts.push(part);
      control.onProgress?.((start + len) / n);
    }
    return tf.concat(parts, 0);
  } finally {
    for (const p of parts) p.dispose();
  }
}
