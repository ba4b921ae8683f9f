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
