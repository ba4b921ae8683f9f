/**
 * Denoisers for denoised smoothing (paper 003, Section 2.2; Salman et al. 2020): a network
 * D: R^d → R^d put in front of a frozen classifier f, so that f(D(x + ε)) stays right under the
 * Gaussian noise ε ~ N(0, σ² I) of randomized smoothing.
 *
 *  - 'dncnn' (images): DnCNN of Zhang et al. 2017 ("Beyond a Gaussian denoiser: residual learning
 *    of deep CNN for image denoising"), the denoiser paper 003 uses (Section 6.3, Fig. 4): a stack
 *    of `depth` 3×3 convolutions ('same' padding) — conv+ReLU, then (depth − 2) × conv(+BN)+ReLU,
 *    then a conv back to the input channels — that predicts the residual (the noise) R(x), with
 *    the output D(x) = x − R(x) (residual learning).
 *  - 'mlp' (2-D toy data and other flat inputs): the same residual form with dense layers,
 *    D(x) = x − R(x), R = `depth` hidden ReLU layers of `width` units and a linear layer back to
 *    the input dimension.
 *
 * Both are plain tfjs functional models (Input, Conv2D/Dense, BatchNormalization, Add), so they
 * save and load with models/io.ts like the classifiers. tfjs has no Subtract layer: the last
 * layer outputs −R(x) and an Add layer forms x + (−R(x)) — the same function class, since the
 * last layer is linear. All weights are initialised from `seed`.
 *
 * Deviations from Zhang et al. / Salman et al., for a network that trains in a browser:
 *  - the defaults are small (DENOISER_DEFAULTS: 8 layers of 32 filters); the paper's DnCNN
 *    (17 layers, 64 filters, batch normalisation) is DNCNN_PAPER;
 *  - batch normalisation is optional and off by default: with few training steps its moving
 *    statistics lag behind the batch statistics, and D at test time differs from D in training.
 *    When on, its momentum is 0.9 (PyTorch's default 0.1 in tfjs' convention) and the
 *    convolutions before it have no bias, as in DnCNN.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';

export interface DncnnConfig {
  kind: 'dncnn';
  /** [height, width, channels] of the images. */
  inputShape: [number, number, number];
  /** Number of convolutions (≥ 2): the first and last, and depth − 2 in between. */
  depth: number;
  /** Filters of every convolution except the last. */
  filters: number;
  /** Batch normalisation after the middle convolutions (DnCNN has it). */
  batchNorm: boolean;
  seed: number;
}

export interface MlpDenoiserConfig {
  kind: 'mlp';
  /** Input (and output) dimension, e.g. 2 for the toy data. */
  inputDim: number;
  /** Hidden ReLU layers of the residual branch (0: D(x) = x − (Wx + b)). */
  depth: number;
  width: number;
  seed: number;
}

export type DenoiserConfig = DncnnConfig | MlpDenoiserConfig;

/** Workbench defaults: a small DnCNN-style network and a small residual MLP. */
export const DENOISER_DEFAULTS = {
  dncnn: { depth: 8, filters: 32, batchNorm: false, seed: 1 },
  mlp: { depth: 3, width: 64, seed: 1 },
} as const;

/** DnCNN as Zhang et al. (2017) and Salman et al. (2020, CIFAR-10) build it. */
export const DNCNN_PAPER = { depth: 17, filters: 64, batchNorm: true } as const;

type DncnnInput = Partial<Omit<DncnnConfig, 'kind' | 'inputShape'>> & Pick<DncnnConfig, 'kind' | 'inputShape'>;
type MlpDenoiserInput = Partial<Omit<MlpDenoiserConfig, 'kind' | 'inputDim'>> & Pick<MlpDenoiserConfig, 'kind' | 'inputDim'>;

/** The full config of a partial one (defaults filled in). */
export function denoiserConfig(config: DncnnInput | MlpDenoiserInput): DenoiserConfig {
  return config.kind === 'dncnn' ? { ...DENOISER_DEFAULTS.dncnn, ...config } : { ...DENOISER_DEFAULTS.mlp, ...config };
}

/** Builds a denoiser (weights from the seed). */
export function createDenoiser(config: DncnnInput | MlpDenoiserInput): tf.LayersModel {
  const c = denoiserConfig(config);
  return c.kind === 'dncnn' ? createDncnn(c) : createMlpDenoiser(c);
}

function createDncnn(c: DncnnConfig): tf.LayersModel {
  const [h, w, ch] = c.inputShape;
  if (![h, w, ch].every((v) => Number.isInteger(v) && v >= 1)) throw new Error('inputShape must be three whole numbers >= 1');
  if (!Number.isInteger(c.depth) || c.depth < 2 || c.depth > 64) throw new Error('depth must be a whole number from 2 to 64');
  if (!Number.isInteger(c.filters) || c.filters < 1) throw new Error('filters must be a whole number >= 1');
  const input = tf.input({ shape: [h, w, ch], name: 'noisy' });
  const conv = (i: number, filters: number, useBias: boolean, activation: 'relu' | 'linear') =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias,
      activation,
      kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'dncnn', i) }),
      name: `conv${i}`,
    });
  let hdn = conv(0, c.filters, true, 'relu').apply(input) as tf.SymbolicTensor;
  for (let i = 1; i < c.depth - 1; i++) {
    if (c.batchNorm) {
      hdn = conv(i, c.filters, false, 'linear').apply(hdn) as tf.SymbolicTensor;
      hdn = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: `bn${i}` }).apply(hdn) as tf.SymbolicTensor;
      hdn = tf.layers.reLU({ name: `relu${i}` }).apply(hdn) as tf.SymbolicTensor;
    } else {
      hdn = conv(i, c.filters, true, 'relu').apply(hdn) as tf.SymbolicTensor;
    }
  }
  // The last convolution outputs −R(x); D(x) = x + (−R(x)).
  const negResidual = tf.layers
    .conv2d({
      filters: ch,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'dncnn', 'out') }),
      name: 'neg_residual',
    })
    .apply(hdn) as tf.SymbolicTensor;
  const output = tf.layers.add({ name: 'denoised' }).apply([input, negResidual]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'dncnn' });
}

function createMlpDenoiser(c: MlpDenoiserConfig): tf.LayersModel {
  if (!Number.isInteger(c.inputDim) || c.inputDim < 1) throw new Error('inputDim must be a whole number >= 1');
  if (!Number.isInteger(c.depth) || c.depth < 0) throw new Error('depth must be a whole number >= 0');
  if (!Number.isInteger(c.width) || c.width < 1) throw new Error('width must be a whole number >= 1');
  const input = tf.input({ shape: [c.inputDim], name: 'noisy' });
  let hdn: tf.SymbolicTensor = input;
  for (let i = 0; i < c.depth; i++) {
    hdn = tf.layers
      .dense({ units: c.width, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'mlp-denoiser', i) }), name: `dense${i}` })
      .apply(hdn) as tf.SymbolicTensor;
  }
  const negResidual = tf.layers
    .dense({ units: c.inputDim, kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'mlp-denoiser', 'out') }), name: 'neg_residual' })
    .apply(hdn) as tf.SymbolicTensor;
  const output = tf.layers.add({ name: 'denoised' }).apply([input, negResidual]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'mlp_denoiser' });
}

/**
 * What certification and the rejector training accept as D: a denoiser model, any function of a
 * batch, or null for none (D = identity: plain randomized smoothing, with or without rejection).
 */
export type Denoiser = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor) | null;

/**
 * D(x) for a batch x. `training` only matters for a DnCNN with batch normalisation (batch
 * statistics, and an update of the moving ones). Always a new tensor (never x itself).
 */
export function denoise(denoiser: Denoiser, x: tf.Tensor, training = false): tf.Tensor {
  if (denoiser == null) return tf.clone(x);
  if (denoiser instanceof tf.LayersModel) return denoiser.apply(x, { training }) as tf.Tensor;
  return tf.tidy(() => {
    const out = denoiser(x);
    return out === x ? tf.clone(x) : out;
  });
}
