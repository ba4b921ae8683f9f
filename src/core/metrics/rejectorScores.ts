/**
 * Rejector scores M(x) on one model (paper 000, Eq. 1 and Section 6 "Baselines"): the prediction
 * is kept when M(x) ≥ t, so every score here is "higher = keep".
 *
 *  - confidence (softmax response, Geifman & El-Yaniv 2017): Con(x) = max_l f(x)[l], optionally
 *    at a temperature tau (f = softmax(z / tau)).
 *  - R-Con (paper 000, Eq. 3): f(x)[y_m] · A_phi(x), A_phi = sigmoid of the RR model's auxiliary
 *    head. A_phi learns A* = f_tau[y] / f_tau[y_m] at the temperature tau of training, so R-Con
 *    should be read at that tau (the authors' evaluation multiplies the logits by the same tempC
 *    as in training); `temperature` (default 1) sets it, e.g. to config.training.rr.temperature,
 *    or to other values for the temperature display of Fig. 3.
 *  - energy (Liu et al. 2020, the EBD baseline): logsumexp_l z(x)[l] = −E(x) with the energy
 *    E(x) = −logsumexp(z(x)) at temperature 1. Low energy means in-distribution, so the score
 *    is the negative energy: higher = keep (as the authors' code, `output.logsumexp(dim=1)`).
 *  - selection: g(x) = sigmoid of a SelectiveNet model's selection head.
 *
 * The `...Tensor` / `...FromLogits` / `...FromOutputs` functions are synchronous, batched on the
 * device and differentiable (for adaptive attacks); `rCon` and `rejectorScores` read the values
 * back as Float32Arrays, chunk by chunk. The names and labels of the scores, for the page, are in
 * rejectorScoreNames.ts (no tfjs).
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { assertHeads, modelHeads, selectiveNetOutputs, twoHeadOutputs } from '../models/heads';
import { logits as modelLogits } from '../models/forward';

function scaled(z: tf.Tensor2D, temperature: number): tf.Tensor2D {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`The temperature must be a finite number > 0 (got ${temperature}).`);
  return temperature === 1 ? z : (tf.div(z, temperature) as tf.Tensor2D);
}

// tf.customGrad types its callback's arguments as (Tensor | GradSaveFunc)[]: one input, then `save`.
const softplusOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sigmoid(saved[0])),
  };
});

/**
 * softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|), accurate in float32 for every x (also
 * where e^x is far below float32's epsilon next to 1), with the gradient sigmoid(x).
 */
export function softplus<T extends tf.Tensor>(x: T): T {
  return softplusOp(x) as T;
}

/**
 * The confidence of logits z [b, K] at temperature tau, in log space and accurate in float32
 * when the confidence is within float32's epsilon of 1: with d = z/tau − (z/tau)[y_m] and
 * s = log sum_{c ≠ y_m} e^{d_c}, Con = 1 / (1 + e^s), so
 *   log Con = −softplus(s),  log(1 − Con) = s − softplus(s),
 * and log f[c] = d_c − softplus(s) for every class c. (tfjs' logSoftmax and logSumExp add the
 * small terms to 1 in float32 and lose them.) Needs K ≥ 2.
 */
export function logConfidenceParts(z: tf.Tensor2D, temperature = 1): { predicted: tf.Tensor1D; d: tf.Tensor2D; logConf: tf.Tensor1D; logNotConf: tf.Tensor1D } {
  return tf.tidy(() => {
    const k = z.shape[1];
    if (k < 2) throw new Error('The confidence parts need at least two classes.');
    const zt = scaled(z, temperature);
    const predicted = tf.argMax(z, 1) as tf.Tensor1D; // y_m, the same at every temperature
    const hot = tf.oneHot(predicted, k);
    const d = tf.sub(zt, tf.sum(tf.mul(zt, hot), 1, true)) as tf.Tensor2D;
    const s = tf.logSumExp(tf.sub(d, tf.mul(hot, 1e30)), 1);
    const sp = softplus(s);
    return { predicted, d, logConf: tf.neg(sp) as tf.Tensor1D, logNotConf: tf.sub(s, sp) as tf.Tensor1D };
  });
}

/** log Con(x) = log max_l softmax(z / tau)[l], per row of logits z [b, K]. */
export function logConfidenceFromLogits(z: tf.Tensor2D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => {
    if (z.shape[1] < 2) return tf.zeros([z.shape[0]]) as tf.Tensor1D;
    return logConfidenceParts(z, temperature).logConf;
  });
}

/** Con(x) = max_l softmax(z / tau)[l] (the softmax response). */
export function confidenceFromLogits(z: tf.Tensor2D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => tf.exp(logConfidenceFromLogits(z, temperature)) as tf.Tensor1D);
}

/** T-Con(x) = softmax(z / tau)[y] (needs the labels; paper 000, Section 3.1). */
export function trueConfidenceFromLogits(z: tf.Tensor2D, labels: tf.Tensor1D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => {
    const zt = scaled(z, temperature);
    const picked = tf.sum(tf.mul(zt, tf.oneHot(tf.cast(labels, 'int32'), z.shape[1])), 1);
    return tf.exp(tf.sub(picked, tf.logSumExp(zt, 1))) as tf.Tensor1D;
  });
}

/** The energy score logsumexp(z) = −E(x) (higher = keep). */
export function energyFromLogits(z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.logSumExp(z, 1) as tf.Tensor1D);
}

/** log sigmoid(a) = −softplus(−a), accurate in float32. */
export function logSigmoid<T extends tf.Tensor>(a: T): T {
  return tf.tidy(() => tf.neg(softplus(tf.neg(a))) as T);
}

/** log R-Con = log f_tau(x)[y_m] + log sigmoid(a), from the logits and the auxiliary logit a [b]. */
export function logRConFromOutputs(z: tf.Tensor2D, auxLogit: tf.Tensor1D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => tf.add(logConfidenceFromLogits(z, temperature), logSigmoid(auxLogit)) as tf.Tensor1D);
}

/** R-Con = f_tau(x)[y_m] · A_phi(x) (paper 000, Eq. 3). */
export function rConFromOutputs(z: tf.Tensor2D, auxLogit: tf.Tensor1D, temperature = 1): tf.Tensor1D {
  return tf.tidy(() => tf.exp(logRConFromOutputs(z, auxLogit, temperature)) as tf.Tensor1D);
}

export interface TemperatureOption {
  /** Softmax temperature tau of the confidence inside R-Con (default 1). */
  temperature?: number;
}

/** Per-input R-Con of an RR model on a batch, as a tensor [b] (synchronous, differentiable in x). */
export function rConTensor(model: tf.LayersModel, x: tf.Tensor, options: TemperatureOption = {}): tf.Tensor1D {
  return tf.tidy(() => {
    const { logits, auxLogit } = twoHeadOutputs(model, x);
    return rConFromOutputs(logits, auxLogit, options.temperature ?? 1);
  });
}

/** Per-input selection score g(x) of a SelectiveNet model, as a tensor [b]. */
export function selectionTensor(model: tf.LayersModel, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sigmoid(selectiveNetOutputs(model, x).selectionLogit) as tf.Tensor1D);
}

export interface ScoreRunOptions extends TemperatureOption {
  /** Inputs per chunk (default 4096). */
  batchSize?: number;
  signal?: AbortSignal | null;
}

/** Rows [start, start + len) of every chunk of x, one tidy block each; the values read back and concatenated. */
async function readInChunks(
  x: tf.Tensor,
  options: ScoreRunOptions,
  fn: (xb: tf.Tensor, start: number, len: number) => Record<string, tf.Tensor>,
): Promise<Record<string, Float32Array | Int32Array>> {
  const n = x.shape[0];
  const size = Math.max(1, options.batchSize ?? 4096);
  const out: Record<string, Float32Array | Int32Array> = {};
  for (let start = 0; start < n; start += size) {
    await checkpoint(options.signal);
    const len = Math.min(size, n - start);
    const parts = tf.tidy(() => fn(tf.slice(x, start, len), start, len));
    try {
      const keys = Object.keys(parts);
      const values = await Promise.all(keys.map((k) => parts[k].data()));
      keys.forEach((k, i) => {
        const v = values[i];
        if (!out[k]) out[k] = v instanceof Int32Array ? new Int32Array(n) : new Float32Array(n);
        out[k].set(v as ArrayLike<number>, start);
      });
    } finally {
      tf.dispose(Object.values(parts));
    }
  }
  return out;
}

/**
 * Per-input R-Con of an RR model (paper 000, Eq. 3), as a Float32Array of length n, computed in
 * chunks. `temperature`: see the file comment (use the training tau to read the trained R-Con).
 */
export async function rCon(model: tf.LayersModel, x: tf.Tensor, options: ScoreRunOptions = {}): Promise<Float32Array> {
  assertHeads(model, 'rr', 'R-Con');
  if (x.shape[0] === 0) return new Float32Array(0);
  const r = await readInChunks(x, options, (xb) => ({ rCon: rConTensor(model, xb, options) }));
  return r.rCon as Float32Array;
}

/** Every rejector score a model offers, per input (Float32Arrays of length n). */
export interface RejectorScores {
  /** y_m = argmax f(x). */
  predictions: Int32Array;
  /** max softmax(z / tau): the softmax response at the given temperature. */
  confidence: Float32Array;
  /** logsumexp(z) = −E(x) (higher = keep). */
  energy: Float32Array;
  /** RR models: A_phi(x) = sigmoid(aux) and R-Con = confidence · A_phi. */
  aux?: Float32Array;
  rCon?: Float32Array;
  /** SelectiveNet models: g(x). */
  selection?: Float32Array;
  /** With labels: T-Con = softmax(z / tau)[y], and 1 where y_m = y, else 0. */
  trueConfidence?: Float32Array;
  correct?: Uint8Array;
}

/**
 * The rejector scores of `model` on x (all that its heads allow: rejectorScoresOf), read back
 * in chunks. With `labels`, also T-Con and correctness (for the signature plot, Fig. 1, and
 * the metrics of metrics/selective.ts). One temperature tau serves confidence, R-Con and T-Con.
 */
export async function rejectorScores(
  model: tf.LayersModel,
  x: tf.Tensor,
  options: ScoreRunOptions & { labels?: tf.Tensor1D | Int32Array } = {},
): Promise<RejectorScores> {
  const heads = modelHeads(model);
  const n = x.shape[0];
  const tau = options.temperature ?? 1;
  const labelCount = options.labels instanceof Int32Array ? options.labels.length : options.labels?.shape[0];
  if (labelCount !== undefined && labelCount !== n) throw new Error(`rejectorScores: ${labelCount} labels for ${n} inputs`);
  const labelTensor = options.labels instanceof Int32Array ? tf.tensor1d(options.labels, 'int32') : options.labels;
  try {
    const r = await readInChunks(x, options, (xb, start, len) => {
      let z: tf.Tensor2D;
      const parts: Record<string, tf.Tensor> = {};
      if (heads === 'rr') {
        const o = twoHeadOutputs(model, xb);
        z = o.logits;
        parts.aux = tf.sigmoid(o.auxLogit);
        parts.rCon = rConFromOutputs(z, o.auxLogit, tau);
      } else if (heads === 'selectivenet') {
        const o = selectiveNetOutputs(model, xb);
        z = o.logits;
        parts.selection = tf.sigmoid(o.selectionLogit);
      } else {
        z = modelLogits(model, xb);
      }
      parts.predictions = tf.argMax(z, 1);
      parts.confidence = confidenceFromLogits(z, tau);
      parts.energy = energyFromLogits(z);
      if (labelTensor) {
        const yb = tf.slice(labelTensor, start, len) as tf.Tensor1D;
        parts.trueConfidence = trueConfidenceFromLogits(z, yb, tau);
        parts.correct = tf.cast(tf.equal(parts.predictions, tf.cast(yb, 'int32')), 'int32');
      }
      return parts;
    });
    const scores: RejectorScores = {
      predictions: (r.predictions as Int32Array) ?? new Int32Array(0),
      confidence: (r.confidence as Float32Array) ?? new Float32Array(0),
      energy: (r.energy as Float32Array) ?? new Float32Array(0),
    };
    if (heads === 'rr') {
      scores.aux = (r.aux as Float32Array) ?? new Float32Array(0);
      scores.rCon = (r.rCon as Float32Array) ?? new Float32Array(0);
    }
    if (heads === 'selectivenet') scores.selection = (r.selection as Float32Array) ?? new Float32Array(0);
    if (labelTensor) {
      scores.trueConfidence = (r.trueConfidence as Float32Array) ?? new Float32Array(0);
      scores.correct = Uint8Array.from((r.correct as Int32Array) ?? []);
    }
    return scores;
  } finally {
    if (labelTensor && labelTensor !== options.labels) labelTensor.dispose();
  }
}
