/**
 * The one forward pass of every model the workbench trains, attacks, certifies or verifies:
 * MLPs, CNNs (conv, pooling, Normalize, Dropout), imported Keras models and models with
 * rejector heads. `logits` is what every loss, attack and certificate calls; the model files
 * (mlp.ts, cnn.ts, heads.ts, …) only build models.
 *
 * A model whose path to its first output is a chain of layers runs step by step: dense layers
 * straight on their weight variables (fused kernels without a tape; plain ops under a tape,
 * which avoids tfjs-layers' per-layer copies and the eager weight gradients of its fused output
 * layer, about 8% of an input-gradient pass), every other layer through its own `apply`. The
 * numbers are those of `model.apply` (the same ops in the same order). Anything that is not a
 * chain (a residual denoiser) runs through `model.apply`.
 */
import * as tf from '@tensorflow/tfjs';
import { OVERFLOW_SAFE_BOUND, chainMagnitudeBound } from './magnitudeBound';
import { type ChainLayer, denseForward, takesDenseChain } from '../wasmDenseChain';
import { isTaped } from '../tape';
import { convLayer } from '../wasmConvLayer';


interface ChainTensor {
  sourceLayer: tf.layers.Layer;
  nodeIndex: number;
}

/**
 * The layers from the input to the model's first output, if they form a chain (each takes the
 * one output of the one before); null otherwise. For a model with several outputs (classifier +
 * rejector heads, models/heads.ts) this is the path to the logits only.
 */
export function firstOutputLayers(model: tf.LayersModel): tf.layers.Layer[] | null {
  if (model instanceof tf.Sequential) return model.layers;
  const chain: tf.layers.Layer[] = [];
  let t = model.outputs[0] as unknown as ChainTensor;
  for (;;) {
    const layer = t.sourceLayer;
    if (layer.getClassName() === 'InputLayer') return chain;
    const node = (layer as unknown as { inboundNodes: Array<{ inputTensors: ChainTensor[] }> }).inboundNodes[t.nodeIndex];
    if (!node || node.inputTensors.length !== 1) return null;
    chain.unshift(layer);
    t = node.inputTensors[0];
  }
}

const classifierViews = new WeakMap<tf.LayersModel, tf.LayersModel>();

/** A model with several outputs, cut down to its first output (same layers and weights; never disposed). */
function classifierView(model: tf.LayersModel): tf.LayersModel {
  let view = classifierViews.get(model);
  if (!view) {
    view = tf.model({ inputs: model.inputs, outputs: model.outputs[0] });
    classifierViews.set(model, view);
  }
  return view;
}

type DenseLayer = tf.layers.Layer & { kernel?: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null };

/** What a tfjs-layers Conv2D layer holds that its pass needs. */
type ConvLayer = tf.layers.Layer & {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: number[];
  dilationRate: number[];
  padding: string;
  dataFormat: string;
  activation?: { getClassName(): string };
};

type ForwardStep =
  | { kind: 'dense'; layer: DenseLayer; activation: 'relu' | 'tanh' | 'linear' }
  | { kind: 'conv'; layer: ConvLayer; pad: 'same' | 'valid'; relu: boolean }
  | { kind: 'flatten' }
  | { kind: 'layer'; layer: tf.layers.Layer };

const plans = new WeakMap<tf.LayersModel, ForwardStep[] | null>();

function forwardPlan(model: tf.LayersModel): ForwardStep[] | null {
  if (plans.has(model)) return plans.get(model)!;
  const layers = firstOutputLayers(model);
  const plan = layers ? layers.map(stepOf) : null;
  plans.set(model, plan);
  return plan;
}

function stepOf(layer: tf.layers.Layer): ForwardStep {
  const cls = layer.getClassName();
  if (cls === 'Flatten') return { kind: 'flatten' };
  const dense = layer as DenseLayer & { activation?: { getClassName(): string } };
  const act = dense.activation?.getClassName?.();
  if (cls === 'Dense' && dense.kernel && (act === 'relu' || act === 'tanh' || act === 'linear')) return { kind: 'dense', layer: dense, activation: act };
  const conv = layer as ConvLayer;
  const ones = (v: number[] | undefined) => Array.isArray(v) && v.every((k) => k === 1);
  if (cls === 'Conv2D' && conv.kernel && conv.bias && (act === 'relu' || act === 'linear') && ones(conv.strides) && ones(conv.dilationRate) && conv.dataFormat === 'channelsLast' && (conv.padding === 'same' || conv.padding === 'valid'))
    return { kind: 'conv', layer: conv, pad: conv.padding, relu: act === 'relu' };
  return { kind: 'layer', layer };
}

/** A dense layer of a chain, as `denseChain` gives it: its weights and its activation. */
export interface DenseStep {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D | undefined;
  activation: 'relu' | 'tanh' | 'linear';
}

/**
 * The dense layers of a model whose path to its first output is nothing but dense layers (after
 * at most a leading Flatten): an MLP. Null for anything else. The tensors are the layers'
 * variables (not copies).
 */
export function denseChain(model: tf.LayersModel): DenseStep[] | null {
  const plan = forwardPlan(model);
  if (!plan || plan.length === 0) return null;
  const steps = plan[0].kind === 'flatten' ? plan.slice(1) : plan;
  if (steps.some((s) => s.kind !== 'dense')) return null;
  return steps.map((s) => {
    const { layer, activation } = s as Extract<ForwardStep, { kind: 'dense' }>;
    return { kernel: layer.kernel!.read() as tf.Tensor2D, bias: layer.bias ? (layer.bias.read() as tf.Tensor1D) : undefined, activation };
  });
}

/**
 * Logits of a batch (no softmax). For a model with several outputs these are its first output,
 * the classifier's logits, computed without the other heads.
 */
export function logits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => run(model, x));
}

/**
 * Per row (the first axis), whether every value of `t` is finite: one flag a row (no tidy).
 * On WASM and cpu, whose float arithmetic is IEEE 754's, it is isFinite(Σ 0·t) over the row: 0·v
 * is 0 for every finite v and NaN for ±∞ and NaN, and a sum of zeros is exactly 0, so the flag is
 * every(isFinite) with one element-wise kernel and a sum instead of a bool tensor the size of `t`
 * and its reduction (1.6× faster on WASM). GPU shaders need not keep 0·∞ a NaN: there each value
 * is tested.
 */
export function finiteRows(t: tf.Tensor): tf.Tensor1D {
  const rows = tf.reshape(t, [t.shape[0] ?? 1, -1]);
  const backend = tf.getBackend();
  if (backend === 'wasm' || backend === 'cpu') return tf.isFinite(tf.sum(tf.mul(rows, 0), 1)) as tf.Tensor1D;
  return tf.all(tf.isFinite(rows), 1) as tf.Tensor1D;
}

/**
 * The logits and, per row, whether every step's values were finite on the way: each dense
 * layer's pre-activation (a ReLU turns the NaN of an overflow into a finite 0) and every other
 * layer's output. Without a tape; both tensors are the caller's to dispose.
 *
 * With `proven` (from provesNoOverflow for a bound on every finite |x|), only the inputs are
 * checked and the pass runs with fused kernels, since a finite input then has finite values all
 * the way. Otherwise every step is checked.
 */
export function checkedLogits(model: tf.LayersModel, x: tf.Tensor, proven = false): { logits: tf.Tensor2D; finite: tf.Tensor1D } {
  return tf.tidy(() => {
    if (proven && forwardPlan(model)) return { logits: run(model, x), finite: finiteRows(x) };
    let ok: tf.Tensor = tf.ones([x.shape[0]], 'bool');
    const watch = (t: tf.Tensor) => {
      ok = tf.logicalAnd(ok, finiteRows(t));
    };
    const z = run(model, x, watch);
    watch(z);
    return { logits: z, finite: ok as tf.Tensor1D };
  });
}

/**
 * Whether the weights prove (magnitudeBound.ts) that no step of the model's pass can overflow for
 * inputs with |x| ≤ inputMax, so that checkedLogits may check the inputs alone. On wasm and cpu,
 * where the per-step checks are passes over memory of their own; the GPU backends keep checking
 * every step. Reads the weights once per set of weights.
 */
export async function provesNoOverflow(model: tf.LayersModel, inputMax: number): Promise<boolean> {
  const backend = tf.getBackend();
  const layers = forwardPlan(model) ? firstOutputLayers(model) : null;
  if (!layers || (backend !== 'wasm' && backend !== 'cpu')) return false;
  return (await chainMagnitudeBound(layers, inputMax)) <= OVERFLOW_SAFE_BOUND;
}

/** The largest finite |x| (0 when none is finite): non-finite entries are flagged by finiteRows instead. */
export async function finiteMaxAbs(x: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.max(tf.abs(tf.where(tf.isFinite(x), x, tf.zerosLike(x)))));
  try {
    return (await m.data())[0];
  } finally {
    m.dispose();
  }
}

/** The dense layers from plan[start] on, up to the first that is not a ReLU or linear one. */
function fusedRun(plan: readonly ForwardStep[], start: number): ChainLayer[] {
  const run: ChainLayer[] = [];
  for (let i = start; i < plan.length; i++) {
    const step = plan[i];
    if (step.kind !== 'dense' || step.activation === 'tanh') break;
    run.push({ kernel: step.layer.kernel!.read() as tf.Tensor2D, bias: step.layer.bias ? (step.layer.bias.read() as tf.Tensor1D) : undefined, relu: step.activation === 'relu' });
  }
  return run;
}

/** The forward pass (no tidy); `watch` sees each step's values before an activation. */
function run(model: tf.LayersModel, x: tf.Tensor, watch?: (t: tf.Tensor) => void): tf.Tensor2D {
  const plan = forwardPlan(model);
  if (!plan) return (model.outputs.length > 1 ? classifierView(model) : model).apply(x, { training: false }) as tf.Tensor2D;
  const taped = isTaped();
  let h = x;
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i];
    if (step.kind === 'flatten') {
      h = tf.reshape(h, [h.shape[0], -1]);
      continue;
    }
    if (step.kind === 'conv') {
      // Under a tape tfjs runs a ReLU layer as three kernels; on WASM one gives their numbers (wasmConvLayer.ts).
      const fused = taped && !watch ? convLayer(h as tf.Tensor4D, step.layer.kernel.read() as tf.Tensor4D, step.layer.bias!.read() as tf.Tensor1D, step.pad, step.relu) : null;
      h = fused ?? (step.layer.apply(h, { training: false }) as tf.Tensor);
      watch?.(h);
      continue;
    }
    if (step.kind === 'layer') {
      h = step.layer.apply(h, { training: false }) as tf.Tensor;
      watch?.(h);
      continue;
    }
    const { layer, activation } = step;
    const kernel = layer.kernel!.read();
    const bias = layer.bias ? layer.bias.read() : undefined;
    if (!taped && !watch && activation !== 'tanh') {
      // A run of such layers is one kernel on WASM (wasmDenseChain.ts), with the same numbers.
      const run = fusedRun(plan, i);
      if (run.length > 1 && takesDenseChain(h, run)) {
        h = denseForward(h as tf.Tensor2D, run, false);
        i += run.length - 1;
        continue;
      }
      h = tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation });
      continue;
    }
    h = tf.matMul(h, kernel);
    if (bias) h = tf.add(h, bias);
    watch?.(h);
    if (activation === 'relu') h = tf.relu(h);
    else if (activation === 'tanh') h = tf.tanh(h);
  }
  return h as tf.Tensor2D;
}
