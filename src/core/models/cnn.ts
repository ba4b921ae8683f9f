/**
 * Small convolutional classifiers for image data: `convLayers` blocks of a 3×3 convolution
 * ('same' padding, ReLU) followed by 2×2 max-pooling, the filters doubling from block to block,
 * then an optional hidden dense layer and the logits. An optional Normalize layer comes first.
 * Weights are initialised from the seed; the output is logits (no softmax), like the MLP.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { CNN_DEFAULTS, type CnnConfig } from './cnnConfig';
import { Normalize } from './normalize';

export { CNN_DEFAULTS, type CnnConfig };

/**
 * One conv block of the image networks (this CNN, the noise rejectors' backbone): a 3×3
 * convolution ('same' padding, ReLU, He-normal weights from `seed`), then 2×2 max-pooling.
 * `first` carries the input shape when the block is the model's first layer.
 */
export function addConvBlock(model: tf.Sequential, filters: number, seed: number, first: { inputShape?: number[] }): void {
  model.add(
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed }),
      ...first,
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
}

export function createCnn(config: Partial<CnnConfig> & Pick<CnnConfig, 'inputShape' | 'numClasses'>): tf.Sequential {
  const c = { ...CNN_DEFAULTS, ...config };
  const [h, w, ch] = c.inputShape;
  if (!Number.isInteger(c.convLayers) || c.convLayers < 1 || c.convLayers > 6) throw new Error('convLayers must be an integer from 1 to 6');
  if (!Number.isInteger(c.filters) || c.filters < 1) throw new Error('filters must be an integer >= 1');
  if (Math.min(h, w) >> c.convLayers < 1) throw new Error(`${c.convLayers} pooling blocks shrink a ${h}×${w} image to nothing`);
  const model = tf.sequential({ name: 'cnn' });
  const first = { inputShape: [h, w, ch] };
  if (c.normalize) model.add(new Normalize({ ...c.normalize, inputShape: [h, w, ch], name: 'normalize' }));
  for (let i = 0; i < c.convLayers; i++) addConvBlock(model, c.filters * 2 ** i, deriveSeed(c.seed, 'cnn', i), i === 0 && !c.normalize ? first : {});
  model.add(tf.layers.flatten());
  if (c.dense > 0) {
    model.add(tf.layers.dense({ units: c.dense, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'cnn', 'dense') }) }));
  }
  model.add(tf.layers.dense({ units: c.numClasses, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'cnn', 'out') }), name: 'logits' }));
  return model;
}
