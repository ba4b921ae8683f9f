/**
 * Multi-layer perceptron classifier, a tfjs LayersModel that outputs logits (no softmax layer:
 * every loss and attack applies the softmax itself). Default 4 hidden layers of 64 ReLU units,
 * the model of paper 001's Figure 1 (Appendix A.2). Weights are initialised from the seed.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { MLP_DEFAULTS, type MlpConfig } from './mlpConfig';

export { MLP_DEFAULTS, type MlpConfig };

export function createMlp(config: Partial<MlpConfig> & Pick<MlpConfig, 'inputDim' | 'numClasses'>): tf.Sequential {
  const c = { ...MLP_DEFAULTS, ...config };
  if (!Number.isInteger(c.depth) || c.depth < 0) throw new Error('depth must be an integer >= 0');
  if (!Number.isInteger(c.width) || c.width < 1) throw new Error('width must be an integer >= 1');
  const model = tf.sequential({ name: 'mlp' });
  const flattenFirst = !!c.inputShape && c.inputShape.length > 1;
  if (flattenFirst) {
    const size = c.inputShape!.reduce((a, b) => a * b, 1);
    if (size !== c.inputDim) throw new Error(`inputDim ${c.inputDim} does not match inputShape ${c.inputShape!.join('×')}`);
    model.add(tf.layers.flatten({ inputShape: c.inputShape }));
  }
  const init = (layer: number) =>
    c.activation === 'relu'
      ? tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'mlp', layer) })
      : tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'mlp', layer) });
  for (let i = 0; i < c.depth; i++) {
    model.add(
      tf.layers.dense({
        units: c.width,
        activation: c.activation,
        kernelInitializer: init(i),
        biasInitializer: 'zeros',
        ...(i === 0 && !flattenFirst ? { inputShape: [c.inputDim] } : {}),
      }),
    );
  }
  model.add(
    tf.layers.dense({
      units: c.numClasses,
      kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'mlp', 'out') }),
      biasInitializer: 'zeros',
      ...(c.depth === 0 && !flattenFirst ? { inputShape: [c.inputDim] } : {}),
      name: 'logits',
    }),
  );
  return model;
}

interface DenseStep {
  layer: tf.layers.Layer & { kernel?: { read(): tf.Tensor }; bias?: { read(): tf.Tensor } | null };
  activation: 'relu' | 'tanh' | 'linear' | 'flatten';
}

const plans = new WeakMap<tf.LayersModel, DenseStep[] | null>();

interface ChainTensor {
  sourceLayer: tf.layers.Layer;
  nodeIndex: number;
}

/**
 * The layers from the input to the model's first output, if they form a chain (each takes the
 * one output of the one before). Single-output models: their layers, as before. Models with
 * several outputs (classifier + rejector heads, models/heads.ts): the path to the logits only.
 */
export function firstOutputLayers(model: tf.LayersModel): tf.layers.Layer[] | null {
  if (model.outputs.length <= 1) return model.layers;
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

/** The model (up to its first output) as a chain of dense layers, if it is one (the MLPs of createMlp are). */
function densePlan(model: tf.LayersModel): DenseStep[] | null {
  if (plans.has(model)) return plans.get(model)!;
  const plan = densePlanOf(firstOutputLayers(model));
  plans.set(model, plan);
  return plan;
}

function densePlanOf(layers: tf.layers.Layer[] | null): DenseStep[] | null {
  if (!layers) return null;
  const plan: DenseStep[] = [];
  for (const layer of layers) {
    if (layer.getClassName() === 'Flatten' && plan.length === 0) {
      plan.push({ layer: layer as DenseStep['layer'], activation: 'flatten' });
      continue;
    }
    const l = layer as DenseStep['layer'] & { activation?: { getClassName(): string } };
    const act = l.activation?.getClassName?.();
    if (l.getClassName() !== 'Dense' || !l.kernel || !(act === 'relu' || act === 'tanh' || act === 'linear')) return null;
    plan.push({ layer: l, activation: act });
  }
  return plan;
}

/**
 * Logits of a batch, as the attacks and losses use it (no softmax). For a model with several
 * outputs (a classifier with rejector heads, models/heads.ts) these are its first output, the
 * classifier's logits, computed without the other heads. For chains of dense layers
 * this runs the same computation as model.apply directly on the layers' weight variables: under
 * a gradient tape it avoids tfjs-layers' per-layer copies and the eager weight gradients of its
 * fused output layer (about 8% of an input-gradient pass), and without a tape it uses the fused
 * kernels. The numbers are those of model.apply (the same ops in the same order).
 */
export function logits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const plan = densePlan(model);
  if (!plan) return (model.outputs.length > 1 ? classifierView(model) : model).apply(x, { training: false }) as tf.Tensor2D;
  const taped = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
  return tf.tidy(() => {
    let h = x;
    for (const { layer, activation } of plan) {
      if (activation === 'flatten') {
        h = tf.reshape(h, [h.shape[0], -1]);
        continue;
      }
      const kernel = layer.kernel!.read();
      const bias = layer.bias ? layer.bias.read() : undefined;
      if (!taped && activation !== 'tanh') {
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation });
        continue;
      }
      h = tf.matMul(h, kernel);
      if (bias) h = tf.add(h, bias);
      if (activation === 'relu') h = tf.relu(h);
      else if (activation === 'tanh') h = tf.tanh(h);
    }
    return h as tf.Tensor2D;
  });
}

/** Copies of the model's weights (to restore them after a cancelled or diverged run). */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

export function restoreWeights(model: tf.LayersModel, snapshot: tf.Tensor[]): void {
  model.setWeights(snapshot);
}

export function disposeAll(tensors: tf.Tensor[]): void {
  for (const t of tensors) t.dispose();
}
