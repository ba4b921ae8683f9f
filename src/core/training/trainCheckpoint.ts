/**
 * What a training run needs to go on after an interruption exactly as if it had not stopped:
 * the epochs it completed with their statistics, the model's weights and the optimizer's state
 * (its step count and, for momentum and Adam, the accumulators) at the end of the last of them.
 * Every epoch's shuffle and every batch's attack seed derive from the config's seed and the
 * epoch and batch (trainer.ts), so the epochs after a checkpoint come out bit for bit as in one
 * run. Plain arrays, for the caller to store where it likes (the CLI: one JSON file per run).
 */
import * as tf from '@tensorflow/tfjs';

export interface EpochStats {
  epoch: number;
  /** Mean training objective of the method over the epoch's batches. */
  objective: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
}

/** A tensor as plain data: its name, shape and float32 values. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TrainCheckpoint {
  /** Epochs completed (the next to run is epochs + 1). */
  epochs: number;
  history: EpochStats[];
  /** The model's weights, in model.getWeights() order. */
  weights: NamedArray[];
  /** The optimizer's state, in optimizer.getWeights() order (first its step count, "iter"). */
  optimizer: NamedArray[];
}

/** The model's weights as plain arrays. */
export async function modelState(model: tf.LayersModel): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const w of model.weights) {
    const t = w.read();
    out.push({ name: w.originalName, shape: [...t.shape], values: Float32Array.from(await t.data()) });
  }
  return out;
}

/**
 * Adam's running powers β₁ᵗ and β₂ᵗ: tfjs multiplies them by β at every step, and its setWeights
 * recomputes them as pow(β, t), which differs in the last bits; they are kept as they are.
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;
// (tfjs optimizers answer instanceof by duck typing: every optimizer is "an AdamOptimizer".)
const adamPowers = (o: tf.Optimizer) => (o.getClassName() === 'Adam' ? (o as unknown as Record<(typeof ADAM_POWERS)[number], tf.Variable>) : null);
const POWER_PREFIX = 'adam/';

/** The optimizer's state as plain arrays (its own variables are read, not disposed). */
export async function optimizerState(optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const named = await optimizer.getWeights();
  const out: NamedArray[] = [];
  for (const { name, tensor } of named) {
    out.push({ name, shape: [...tensor.shape], values: Float32Array.from(await tensor.data()) });
    // getWeights makes the step count a new scalar; the accumulators are the optimizer's own variables.
    if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
  const powers = adamPowers(optimizer);
  if (powers) for (const k of ADAM_POWERS) out.push({ name: POWER_PREFIX + k, shape: [], values: Float32Array.from(await powers[k].data()) });
  return out;
}

function checkArrays(what: string, arrays: unknown): asserts arrays is NamedArray[] {
  if (!Array.isArray(arrays)) throw new Error(`The training checkpoint's ${what} must be an array of tensors`);
  arrays.forEach((a: Partial<NamedArray>, i) => {
    const size = Array.isArray(a?.shape) && a.shape.every((d) => Number.isInteger(d) && d >= 0) ? a.shape.reduce((p, d) => p * d, 1) : -1;
    if (typeof a?.name !== 'string' || size < 0 || !(a.values instanceof Float32Array) || a.values.length !== size) {
      throw new Error(`The training checkpoint's ${what}[${i}] must have a name, a shape of whole numbers and as many float32 values as the shape holds`);
    }
  });
}

/** Refuses a checkpoint that does not belong to this model and run before anything is changed. */
export function checkTrainCheckpoint(c: TrainCheckpoint, model: tf.LayersModel, epochs: number): void {
  if (!Number.isInteger(c?.epochs) || c.epochs < 0 || c.epochs > epochs) throw new Error(`The training checkpoint's epochs must be a whole number from 0 to ${epochs} (got ${String(c?.epochs)})`);
  if (!Array.isArray(c.history) || c.history.length !== c.epochs) throw new Error(`The training checkpoint holds ${c.epochs} epochs but ${Array.isArray(c.history) ? c.history.length : 'no'} epoch statistics`);
  checkArrays('weights', c.weights);
  checkArrays('optimizer state', c.optimizer);
  const ws = model.weights;
  if (c.weights.length !== ws.length) throw new Error(`The training checkpoint holds ${c.weights.length} weights but the model has ${ws.length}: it is another model`);
  ws.forEach((w, i) => {
    if (w.shape.join('x') !== c.weights[i].shape.join('x')) throw new Error(`The training checkpoint's weight ${i} ("${c.weights[i].name}") has shape [${c.weights[i].shape}] but the model's "${w.originalName}" has [${w.shape}]: it is another model`);
  });
  for (const a of [...c.weights, ...c.optimizer]) {
    const bad = a.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`The training checkpoint's "${a.name}" has a non-finite value at index ${bad}`);
  }
}

/** Sets the model's weights and the optimizer's state from a checked checkpoint. */
export async function restoreTrainCheckpoint(c: TrainCheckpoint, model: tf.LayersModel, optimizer: tf.Optimizer): Promise<void> {
  const weights = c.weights.map((a) => tf.tensor(a.values, a.shape));
  model.setWeights(weights);
  tf.dispose(weights);
  const kept = c.optimizer.filter((a) => !a.name.startsWith(POWER_PREFIX));
  const state = kept.map((a) => ({ name: a.name, tensor: tf.tensor(a.values, a.shape, a.name === 'iter' ? 'int32' : 'float32') }));
  try {
    await optimizer.setWeights(state);
  } finally {
    // The optimizer keeps its own variables made from these.
    tf.dispose(state.map((s) => s.tensor));
  }
  const powers = adamPowers(optimizer);
  for (const a of c.optimizer) {
    const k = a.name.slice(POWER_PREFIX.length) as (typeof ADAM_POWERS)[number];
    if (powers && a.name.startsWith(POWER_PREFIX) && ADAM_POWERS.includes(k)) tf.tidy(() => powers[k].assign(tf.scalar(a.values[0])));
  }
}
