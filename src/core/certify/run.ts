/**
 * CERTIFY / PREDICT over a labelled set, one input after the other (as Cohen et al.'s
 * certify.py and predict.py do), reporting each finished input so that curves can grow live.
 * A cancelled run keeps the inputs already finished (`cancelled: true`).
 */
import * as tf from '@tensorflow/tfjs';
import { isCancelled } from '../cancel';
import { deriveSeed } from '../random';
import { ABSTAIN, type BaseClassifier, type CertifyResult, type PredictResult, type SampleControl, certifyBase, predictBase } from './smoothing';
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

/** What one input's CERTIFY or PREDICT gives, before the run adds idx, label, correct and time. */
export type InputOutcome = Omit<CertificationRow, 'idx' | 'label' | 'correct' | 'time'>;

/**
 * The loop shared by the runs over a set: input idx gets seed deriveSeed(seed, 'input', idx),
 * so a row does not depend on which other inputs were run; progress counts samples (perInput
 * per input, of which `before` are drawn before `one` reports its own); a cancel returns the
 * rows finished so far.
 */
export async function runInputs(
  x: tf.Tensor,
  labels: ArrayLike<number>,
  indices: number[],
  seed: number,
  perInput: number,
  before: number,
  one: (xi: tf.Tensor, seed: number, control: SampleControl) => Promise<InputOutcome>,
  control: RunSetControl = {},
): Promise<RunSetResult> {
  const total = perInput * indices.length;
  const rows: CertificationRow[] = [];
  for (const [k, idx] of indices.entries()) {
    const xi = tf.tidy(() => tf.squeeze(tf.slice(x, idx, 1), [0]));
    const start = now();
    const onSamples = (done: number) => control.onProgress?.((k * perInput + before + done) / total);
    try {
      const r = await one(xi, deriveSeed(seed, 'input', idx), { signal: control.signal, onSamples });
      const label = labels[idx];
      rows.push({ ...r, idx, label, correct: r.predict === label && r.predict !== ABSTAIN ? 1 : 0, time: (now() - start) / 1000 });
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

/** The row of one input's CERTIFY (the run adds idx, label, correct and time). */
export function certifyOutcome(r: CertifyResult): InputOutcome {
  return { predict: r.prediction, radius: r.radius, counts: r.counts, topClass: r.topClass, pLower: r.pALower, votesLost: r.votesLost };
}

/** The row of one input's PREDICT (no radius). */
export function predictOutcome(r: PredictResult): InputOutcome {
  return { predict: r.prediction, radius: null, counts: r.counts, pValue: r.pValue, votesLost: r.votesLost };
}

type OneInput = (xi: tf.Tensor, seed: number, control: SampleControl) => Promise<InputOutcome>;

/**
 * CERTIFY ('certify': n0 + n samples an input, n0 of them before `certify` reports its own) or
 * PREDICT ('predict': n samples) over the inputs, through runInputs.
 */
export function runModeOnSet(
  mode: 'certify' | 'predict',
  x: tf.Tensor,
  labels: ArrayLike<number>,
  indices: number[],
  o: SmoothingOptions,
  one: { certify: OneInput; predict: OneInput },
  control: RunSetControl,
): Promise<RunSetResult> {
  if (mode === 'certify') return runInputs(x, labels, indices, o.seed, o.n0 + o.n, o.n0, one.certify, control);
  return runInputs(x, labels, indices, o.seed, o.n, 0, one.predict, control);
}

/** A run of CERTIFY or PREDICT of `base` (what is smoothed) with settings O over the inputs x[indices] (batch axis first) with labels y. */
export type RunOnSet<B, O> = (
  mode: 'certify' | 'predict',
  base: B,
  x: tf.Tensor,
  labels: ArrayLike<number>,
  indices: number[],
  options: Partial<O>,
  control?: RunSetControl,
) => Promise<RunSetResult>;

/**
 * Runs CERTIFY ('certify') or PREDICT ('predict') of the smoothed `base` classifier. Input i uses
 * seed deriveSeed(options.seed, 'input', i), so a row does not depend on which other inputs were run.
 */
export const runSmoothingOnSet: RunOnSet<BaseClassifier, SmoothingOptions> = async (mode, base, x, labels, indices, options, control = {}) => {
  const o = checkSmoothingOptions(options);
  return runModeOnSet(mode, x, labels, indices, o, {
    certify: async (xi, seed, c) => certifyOutcome(await certifyBase(base, xi, { ...o, seed }, c)),
    predict: async (xi, seed, c) => predictOutcome(await predictBase(base, xi, { ...o, seed }, c)),
  }, control);
};
