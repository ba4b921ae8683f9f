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

/** The model as a chain of dense layers, if it is one (the MLPs of createMlp are). */
function densePlan(model: tf.LayersModel): DenseStep[] | null {
  if (plans.has(model)) return plans.get(model)!;
  let plan: DenseStep[] | null = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Flatten' && plan.length === 0) {
      plan.push({ layer: layer as DenseStep['layer'], activation: 'flatten' });
      continue;
    }
    const l = layer as DenseStep['layer'] & { activation?: { getClassName(): string } };
    const act = l.activation?.getClassName?.();
    if (l.getClassName() !== 'Dense' || !l.kernel || !(act === 'relu' || act === 'tanh' || act === 'linear')) {
      plan = null;
      break;
    }
    plan.push({ layer: l, activation: act });
  }
  plans.set(model, plan);
  return plan;
}

/**
 * Logits of a batch, as the attacks and losses use it (no softmax). For chains of dense layers
 * this runs the same computation as model.apply directly on the layers' weight variables: under
 * a gradient tape it avoids tfjs-layers' per-layer copies and the eager weight gradients of its
 * fused output layer (about 8% of an input-gradient pass), and without a tape it uses the fused
 * kernels. The numbers are those of model.apply (the same ops in the same order).
 */
export function logits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const plan = densePlan(model);
  if (!plan) return model.apply(x, { training: false }) as tf.Tensor2D;
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
