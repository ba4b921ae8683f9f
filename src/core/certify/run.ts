/**
 * CERTIFY / PREDICT over a labelled set, one input after the other (as Cohen et al.'s
 * certify.py and predict.py do), reporting each finished input so that curves can grow live.
 * A cancelled run keeps the inputs already finished (`cancelled: true`).
 */
import * as tf from '@tensorflow/tfjs';
import { isCancelled } from '../cancel';
import { deriveSeed } from '../random';
import { ABSTAIN, type BaseClassifier, certifyBase, predictBase } from './smoothing';
import { type SmoothingOptions, checkSmoothingOptions } from './smoothingConfig';
import type { CertificationRow } from './log';

export interface RunSetControl {
  signal?: AbortSignal | null;
  /** Called after every input with the finished row and the fraction of all samples done. */
  onRow?: (row: CertificationRow, fraction: number) => void;
  /** Fraction of all samples drawn (also within an input). */
  onProgress?: (fraction: number) => void;
}

export interface RunSetResult {
  rows: CertificationRow[];
  cancelled: boolean;
}

/** Which of `count` inputs to use: every `skip`-th, at most `max` of them (Cohen's --skip, --max). */
export function pickIndices(count: number, skip = 1, max = Infinity): number[] {
  const out: number[] = [];
  for (let i = 0; i < count && out.length < max; i += Math.max(1, Math.floor(skip))) out.push(i);
  return out;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Runs CERTIFY ('certify') or PREDICT ('predict') on the inputs x[indices] (batch axis first)
 * with labels y. Input i uses seed deriveSeed(options.seed, 'input', i), so a row does not depend
 * on which other inputs were run.
 */
export async function runSmoothingOnSet(
  mode: 'certify' | 'predict',
  base: BaseClassifier,
  x: tf.Tensor,
  labels: ArrayLike<number>,
  indices: number[],
  options: Partial<SmoothingOptions>,
  control: RunSetControl = {},
): Promise<RunSetResult> {
  const o = checkSmoothingOptions(options);
  const perInput = mode === 'certify' ? o.n0 + o.n : o.n;
  const total = perInput * indices.length;
  const rows: CertificationRow[] = [];
  for (const [k, idx] of indices.entries()) {
    const xi = tf.tidy(() => tf.squeeze(tf.slice(x, idx, 1), [0]));
    const seed = deriveSeed(o.seed, 'input', idx);
    const start = now();
    let n0Done = 0;
    const onSamples = (done: number) => control.onProgress?.((k * perInput + n0Done + done) / total);
    try {
      const label = labels[idx];
      if (mode === 'certify') {
        n0Done = o.n0;
        const r = await certifyBase(base, xi, { ...o, seed }, { signal: control.signal, onSamples });
        rows.push({ idx, label, predict: r.prediction, radius: r.radius, correct: r.prediction === label && r.prediction !== ABSTAIN ? 1 : 0, time: (now() - start) / 1000, counts: r.counts, topClass: r.topClass, pLower: r.pALower });
      } else {
        const r = await predictBase(base, xi, { ...o, seed }, { signal: control.signal, onSamples });
        rows.push({ idx, label, predict: r.prediction, radius: null, correct: r.prediction === label && r.prediction !== ABSTAIN ? 1 : 0, time: (now() - start) / 1000, counts: r.counts, pValue: r.pValue });
      }
    } catch (e) {
      if (isCancelled(e)) return { rows, cancelled: true };
      throw e;
    } finally {
      xi.dispose();
    }
    control.onRow?.(rows[rows.length - 1], ((k + 1) * perInput) / total);
  }
  return { rows, cancelled: false };
}
