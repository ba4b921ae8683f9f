/**
 * The layers of a model, from its input to its first output (the classifier's logits), as a
 * list of steps that the verifiers walk (verify/ibp.ts, verify/crown.ts). Every layer type the
 * workbench's models use is covered: Dense and Conv2D (with their fused ReLU / tanh / linear
 * activation), standalone activations, Flatten, max- and average-pooling, the Normalize layer,
 * and Dropout (the identity at inference). Anything else is refused with the layer's name, so a
 * verifier never silently skips a layer.
 *
 * Weights are read when a step is used (`kernel()`, `bias()`), inside the caller's tape, so the
 * IBP training losses differentiate through them.
 */
import * as tf from '@tensorflow/tfjs';
import { firstOutputLayers } from '../models/forward';

export type Activation = 'relu' | 'tanh' | 'linear';

interface WeightRef {
  read(): tf.Tensor;
}

export type VerifyStep =
  | { kind: 'dense'; name: string; kernel: () => tf.Tensor2D; bias: () => tf.Tensor1D | null; activation: Activation }
  | {
      kind: 'conv2d';
      name: string;
      kernel: () => tf.Tensor4D;
      bias: () => tf.Tensor1D | null;
      activation: Activation;
      strides: [number, number];
      padding: 'same' | 'valid';
      dilation: [number, number];
    }
  | { kind: 'activation'; name: string; activation: Activation }
  | { kind: 'flatten'; name: string }
  | { kind: 'maxpool' | 'avgpool'; name: string; poolSize: [number, number]; strides: [number, number]; padding: 'same' | 'valid' }
  | { kind: 'normalize'; name: string; mean: number[]; std: number[] };

const plans = new WeakMap<tf.LayersModel, VerifyStep[]>();

function pair(v: unknown, what: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0], v[1]];
  throw new Error(`verification: unexpected ${what} ${JSON.stringify(v)}`);
}

function activationOf(layer: tf.layers.Layer): Activation {
  const name = (layer as unknown as { activation?: { getClassName(): string } }).activation?.getClassName?.() ?? 'linear';
  if (name === 'relu' || name === 'tanh' || name === 'linear') return name;
  throw new Error(`verification: layer "${layer.name}" uses the activation "${name}"; only relu, tanh and linear are supported`);
}

function refuse(name: string, what: string): never {
  throw new Error(`verification: layer "${name}" ${what}; the verifiers handle only the standard form`);
}

function stepOf(layer: tf.layers.Layer): VerifyStep | null {
  const cls = layer.getClassName();
  const config = layer.getConfig() as Record<string, unknown>;
  // Options that change what a layer computes are refused rather than silently ignored.
  if (config.dataFormat != null && config.dataFormat !== 'channelsLast') refuse(layer.name, `uses dataFormat "${String(config.dataFormat)}" (only channelsLast)`);
  const weights = layer as unknown as { kernel?: WeightRef; bias?: WeightRef | null };
  const name = layer.name;
  // A dense or convolutional step: its weights (read when the step runs) and fused activation.
  const affine = <K extends tf.Tensor>() => ({
    name,
    kernel: () => weights.kernel!.read() as K,
    bias: () => (weights.bias ? (weights.bias.read() as tf.Tensor1D) : null),
    activation: activationOf(layer),
  });
  switch (cls) {
    case 'Dense':
      return { kind: 'dense', ...affine<tf.Tensor2D>() };
    case 'Conv2D': {
      return {
        kind: 'conv2d',
        ...affine<tf.Tensor4D>(),
        strides: pair(config.strides ?? 1, 'strides'),
        padding: config.padding === 'same' ? 'same' : 'valid',
        dilation: pair(config.dilationRate ?? 1, 'dilation rate'),
      };
    }
    case 'Activation':
    case 'ReLU':
      if (config.maxValue != null) refuse(name, `caps its ReLU at maxValue ${String(config.maxValue)}`);
      return { kind: 'activation', name, activation: cls === 'ReLU' ? 'relu' : activationOf(layer) };
    case 'Flatten':
      return { kind: 'flatten', name };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const poolSize = pair(config.poolSize ?? 2, 'pool size');
      return {
        kind: cls === 'MaxPooling2D' ? 'maxpool' : 'avgpool',
        name,
        poolSize,
        strides: pair(config.strides ?? poolSize, 'strides'),
        padding: config.padding === 'same' ? 'same' : 'valid',
      };
    }
    case 'WorkbenchNormalize': {
      const l = layer as unknown as { mean: number[]; std: number[] };
      return { kind: 'normalize', name, mean: l.mean, std: l.std };
    }
    case 'Dropout':
      return null;
    default:
      throw new Error(`verification: layer "${name}" (${cls}) is not supported; the verifiers handle dense, conv2d, activations, flatten, pooling and Normalize layers`);
  }
}

/** The model's steps up to its first output (cached per model). Throws for unsupported layers. */
export function verificationPlan(model: tf.LayersModel): VerifyStep[] {
  const cached = plans.get(model);
  if (cached) return cached;
  const layers = firstOutputLayers(model);
  if (!layers) throw new Error('verification: the model is not a chain of layers from its input to its logits');
  const plan: VerifyStep[] = [];
  for (const layer of layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const step = stepOf(layer);
    if (step) plan.push(step);
  }
  const last = plan[plan.length - 1];
  if (!last || last.kind !== 'dense' || last.activation !== 'linear') {
    throw new Error('verification: the model must end in a dense layer without activation (its logits)');
  }
  plans.set(model, plan);
  return plan;
}

/** The plan split into the body (input to the last affine layer's input h) and that last dense layer. */
export function splitLastAffine(plan: VerifyStep[]): { body: VerifyStep[]; last: Extract<VerifyStep, { kind: 'dense' }> } {
  const last = plan[plan.length - 1];
  if (!last || last.kind !== 'dense') throw new Error('verification: the model must end in a dense layer');
  return { body: plan.slice(0, -1), last };
}

/** Applies an activation to a tensor (the forward pass of one step's nonlinearity). */
export function applyActivation(x: tf.Tensor, activation: Activation): tf.Tensor {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'tanh') return tf.tanh(x);
  return x;
}
