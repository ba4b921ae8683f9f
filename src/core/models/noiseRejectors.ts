/**
 * The K rejectors h_1..h_K of paper 003 (denoised smoothing with sample rejection), Section 3
 * and Appendix 6.2: one binary classifier per class, h_k(z) = 1 ("reject") when the classifier's
 * answer k on the denoised input z = D(x + ε) is likely wrong. As in the paper, the K rejectors
 * share one backbone (Ω_BB) and each is one fully-connected head ω_k on its features: a single
 * network whose last dense layer has K units, unit k being the logit of H_k (H_k = sigmoid of it).
 *
 *  - 'cnn' (images): `convLayers` blocks of 3×3 conv + ReLU + 2×2 max-pooling (filters doubling,
 *    as createCnn), flatten, then the dense ReLU layers `hidden`, then the K heads. The paper's
 *    rejector is a ResNet-34-like backbone followed by 3 FC layers, "the first two ... part of the
 *    backbone ... the last FC layer ... the independently trained K heads" (App. 6.3); `hidden`
 *    holds the two backbone FC layers.
 *  - 'mlp' (2-D toy data): `depth` dense ReLU layers of `width` units, then the K heads. It is a
 *    chain of dense layers, so models/forward.ts' `logits` runs it on its fast path.
 *
 * Deviation: the paper also concatenates mid-layer features of the frozen classifier f into the
 * rejector after each ResNet block; here the rejector sees only the denoised input.
 *
 * The model outputs the K head logits (no sigmoid layer), like the classifiers output logits:
 * the BCE of training/noiseRejectors.ts works on logits, and `rejectorProbabilities` applies the
 * sigmoid. Weights are initialised from the seed; models save and load with models/io.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';
import { addConvBlock } from './cnn';
import { logits } from './forward';
import { fixedOutputWidth } from './outputWidth';

export interface CnnRejectorConfig {
  kind: 'cnn';
  inputShape: [number, number, number];
  /** K: the number of classes of the classifier (one head per class). */
  numClasses: number;
  convLayers: number;
  /** Filters of the first conv block; each further block doubles them. */
  filters: number;
  /** Units of the dense ReLU layers of the backbone, after the convolutions. */
  hidden: number[];
  seed: number;
}

export interface MlpRejectorConfig {
  kind: 'mlp';
  inputDim: number;
  numClasses: number;
  /** Hidden ReLU layers of the backbone. */
  depth: number;
  width: number;
  seed: number;
}

export type RejectorConfig = CnnRejectorConfig | MlpRejectorConfig;

/** Workbench defaults (the paper's ResNet-34 backbone is out of a browser's reach). */
export const REJECTOR_DEFAULTS = {
  cnn: { convLayers: 2, filters: 16, hidden: [128, 64] as readonly number[], seed: 1 },
  mlp: { depth: 3, width: 64, seed: 1 },
} as const;

type CnnRejectorInput = Partial<Omit<CnnRejectorConfig, 'kind' | 'inputShape' | 'numClasses'>> & Pick<CnnRejectorConfig, 'kind' | 'inputShape' | 'numClasses'>;
type MlpRejectorInput = Partial<Omit<MlpRejectorConfig, 'kind' | 'inputDim' | 'numClasses'>> & Pick<MlpRejectorConfig, 'kind' | 'inputDim' | 'numClasses'>;

export function rejectorConfig(config: CnnRejectorInput | MlpRejectorInput): RejectorConfig {
  return config.kind === 'cnn'
    ? { ...REJECTOR_DEFAULTS.cnn, ...config, hidden: [...(config.hidden ?? REJECTOR_DEFAULTS.cnn.hidden)] }
    : { ...REJECTOR_DEFAULTS.mlp, ...config };
}

/** Name of the layer that holds the K heads (kernel [features, K]: column k is ω_k). */
export const REJECTOR_HEADS_LAYER = 'rejector_heads';

/** Builds the K rejectors on one backbone (weights from the seed). Output: [b, K] head logits. */
export function createRejectors(config: CnnRejectorInput | MlpRejectorInput): tf.Sequential {
  const c = rejectorConfig(config);
  if (!Number.isInteger(c.numClasses) || c.numClasses < 1) throw new Error('numClasses must be a whole number >= 1');
  const model = tf.sequential({ name: 'rejectors' });
  const heads = (first: Record<string, unknown>) =>
    tf.layers.dense({
      units: c.numClasses,
      kernelInitializer: tf.initializers.glorotNormal({ seed: deriveSeed(c.seed, 'rejectors', 'heads') }),
      name: REJECTOR_HEADS_LAYER,
      ...first,
    });
  if (c.kind === 'mlp') {
    if (!Number.isInteger(c.inputDim) || c.inputDim < 1) throw new Error('inputDim must be a whole number >= 1');
    if (!Number.isInteger(c.depth) || c.depth < 0) throw new Error('depth must be a whole number >= 0');
    if (!Number.isInteger(c.width) || c.width < 1) throw new Error('width must be a whole number >= 1');
    for (let i = 0; i < c.depth; i++) {
      model.add(
        tf.layers.dense({
          units: c.width,
          activation: 'relu',
          kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'rejectors', i) }),
          ...(i === 0 ? { inputShape: [c.inputDim] } : {}),
        }),
      );
    }
    model.add(heads(c.depth === 0 ? { inputShape: [c.inputDim] } : {}));
    return model;
  }
  const [h, w, ch] = c.inputShape;
  if (!Number.isInteger(c.convLayers) || c.convLayers < 1 || c.convLayers > 6) throw new Error('convLayers must be a whole number from 1 to 6');
  if (!Number.isInteger(c.filters) || c.filters < 1) throw new Error('filters must be a whole number >= 1');
  if (Math.min(h, w) >> c.convLayers < 1) throw new Error(`${c.convLayers} pooling blocks shrink a ${h}×${w} image to nothing`);
  if (!c.hidden.every((u) => Number.isInteger(u) && u >= 1)) throw new Error('hidden must list whole numbers >= 1');
  for (let i = 0; i < c.convLayers; i++) addConvBlock(model, c.filters * 2 ** i, deriveSeed(c.seed, 'rejectors', 'conv', i), i === 0 ? { inputShape: [h, w, ch] } : {});
  model.add(tf.layers.flatten());
  c.hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(c.seed, 'rejectors', 'fc', i) }) })),
  );
  model.add(heads({}));
  return model;
}

/** The K head logits [b, K] of the rejectors on a batch of (denoised) inputs. */
export function rejectorLogits(model: tf.LayersModel, z: tf.Tensor): tf.Tensor2D {
  return logits(model, z);
}

/** H_k(z) = sigmoid of head k, for every k: [b, K]. */
export function rejectorProbabilities(model: tf.LayersModel, z: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(logits(model, z)) as tf.Tensor2D);
}

/** Row i's entry in column cls[i] of a [b, K] tensor: the head of each sample's class. [b]. */
export function ownHead(perHead: tf.Tensor2D, cls: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const K = perHead.shape[1];
    if (K === 1) return tf.reshape(perHead, [-1]) as tf.Tensor1D; // tf.oneHot needs depth ≥ 2
    return tf.sum(tf.mul(perHead, tf.oneHot(tf.cast(cls, 'int32'), K)), 1) as tf.Tensor1D;
  });
}

/**
 * The rejectors as certification uses them: K heads with outputs in [0, 1] (H_k); h_k = 1 iff
 * H_k ≥ the threshold. A hand-made object with this shape serves as a rejector in tests.
 */
export interface RejectorHeads {
  numClasses: number;
  probabilities(z: tf.Tensor): tf.Tensor2D;
}

export function modelRejectors(model: tf.LayersModel): RejectorHeads {
  const numClasses = fixedOutputWidth(model, 'The rejector model has no fixed number of heads.');
  return { numClasses, probabilities: (z) => rejectorProbabilities(model, z) };
}
