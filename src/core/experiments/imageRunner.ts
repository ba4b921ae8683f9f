/**
 * Image experiments end to end, shared by the compute worker and the CLI: select records, build
 * the model (a CNN or the MLP, optionally with a Normalize layer from the training images'
 * statistics), train it, and attack test images (robust accuracy, the 4-way split, and a few
 * clean / perturbation / adversarial examples with predictions and confidences).
 */
import * as tf from '@tensorflow/tfjs';
import type { RunControl } from '../attacks/batched';
import { runAttack } from '../attacks/attack';
import { type ImageDataset, imageSize, subsetFirst, subsetPerClass } from '../data/imageDataset';
import { createModelWithHeads } from '../models/heads';
import { logits } from '../models/forward';
import { abstainOutputsOf, methodHeads } from '../training/method';
import { type RobustnessSplit, splitFromPredictions } from '../metrics/split';
import { type TrainProgress, type TrainResult, train } from '../training/trainer';
import type { ImageExperimentConfig } from './imageConfig';

/** The records the config asks for (all, the first N, or N/numClasses per class by seed). */
export function selectRecords(ds: ImageDataset, limit: number, config: ImageExperimentConfig): ImageDataset {
  if (!limit || limit >= ds.labels.length) return ds;
  if (config.data.subset === 'per-class') return subsetPerClass(ds, Math.max(1, Math.floor(limit / ds.numClasses)), config.data.seed);
  return subsetFirst(ds, limit);
}

/** Per-channel mean and std of a dataset's pixels. */
export function channelStats(ds: ImageDataset): { mean: number[]; std: number[] } {
  const c = ds.shape[2];
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < ds.images.length; i++) {
    const v = ds.images[i];
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = ds.images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.max(1e-3, Math.sqrt(Math.max(0, s / n - mean[k] ** 2))));
  return { mean, std };
}

/**
 * The CNN or MLP of the config, with Rectified Rejection's auxiliary head for the RR methods and
 * SelectiveNet's heads for SelectiveNet (models/heads.ts); the classifier is the same either way.
 */
export function buildImageModel(config: ImageExperimentConfig, train: ImageDataset): tf.LayersModel {
  const m = config.model;
  const heads = methodHeads(config.training.method);
  if (m.kind === 'cnn') {
    return createModelWithHeads(heads, {
      kind: 'cnn',
      inputShape: train.shape,
      numClasses: train.numClasses + abstainOutputsOf(config.training),
      convLayers: m.convLayers,
      filters: m.filters,
      dense: m.dense,
      normalize: m.normalize ? channelStats(train) : null,
      seed: config.seed,
    });
  }
  if (m.normalize) throw new Error('The MLP has no Normalize layer here: use the CNN, or turn normalisation off.');
  return createModelWithHeads(heads, { kind: 'mlp', inputDim: imageSize(train.shape), inputShape: train.shape, numClasses: train.numClasses + abstainOutputsOf(config.training), depth: m.depth, width: m.width, seed: config.seed });
}

export function imageTensors(ds: ImageDataset): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const [h, w, c] = ds.shape;
  return { x: tf.tensor4d(ds.images, [ds.labels.length, h, w, c]), y: tf.tensor1d(ds.labels, 'int32') };
}

/** Trains `model` (or a new one) on the selected training records. */
export async function trainImageModel(
  config: ImageExperimentConfig,
  trainSet: ImageDataset,
  testSet: ImageDataset | null,
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  model?: tf.LayersModel,
): Promise<{ model: tf.LayersModel; result: TrainResult }> {
  const m = model ?? buildImageModel(config, trainSet);
  const tr = imageTensors(trainSet);
  const te = testSet ? imageTensors(testSet) : null;
  try {
    const result = await train(m, { x: tr.x, y: tr.y, xTest: te?.x, yTest: te?.y }, { ...config.training, seed: config.seed }, onProgress, signal);
    return { model: m, result };
  } finally {
    tf.dispose([tr.x, tr.y, ...(te ? [te.x, te.y] : [])]);
  }
}

export interface AdversarialExample {
  index: number;
  label: number;
  /** Clean and adversarial images, NHWC pixels in [0, 1]. */
  clean: Float32Array;
  adversarial: Float32Array;
  prediction: number;
  confidence: number;
  adversarialPrediction: number;
  adversarialConfidence: number;
  /** Norm of the perturbation in the attack's norm. */
  perturbationNorm: number;
}

export interface ImageAttackResult {
  split: Omit<RobustnessSplit, 'adversarial'>;
  examples: AdversarialExample[];
}

/**
 * Attacks the first `config.evaluation.count` images of `testSet`: the 4-way split (robust
 * accuracy among it) and `exampleCount` examples, the non-robust ones first.
 */
export async function attackImages(
  model: tf.LayersModel,
  testSet: ImageDataset,
  config: ImageExperimentConfig,
  control: RunControl = {},
  exampleCount = 8,
): Promise<ImageAttackResult> {
  const ds = subsetFirst(testSet, Math.min(config.evaluation.count, testSet.labels.length));
  const { x, y } = imageTensors(ds);
  const attack = { ...config.evaluation.attack, seed: (config.seed + 7919) >>> 0 };
  let xAdv: tf.Tensor | null = null;
  try {
    const [pClean, pred] = tf.tidy(() => {
      const p = tf.softmax(logits(model, x));
      return [p, tf.argMax(p, 1) as tf.Tensor1D];
    });
    xAdv = await runAttack(model, x, pred, attack, control);
    const pAdv = tf.tidy(() => tf.softmax(logits(model, xAdv!)));
    const [pc, pa, clean, adv] = await Promise.all([pClean.data(), pAdv.data(), x.data(), xAdv.data()]);
    tf.dispose([pClean, pred, pAdv]);
    const k = ds.numClasses;
    const n = ds.labels.length;
    const argmax = (p: Float32Array | Int32Array | Uint8Array, i: number) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
      return best;
    };
    const predictions = Int32Array.from({ length: n }, (_, i) => argmax(pc, i));
    const adversarialPredictions = Int32Array.from({ length: n }, (_, i) => argmax(pa, i));
    const { adversarial: _omit, ...split } = splitFromPredictions(ds.labels, predictions, adversarialPredictions, new Float32Array(0));
    const size = imageSize(ds.shape);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Number(split.categories[a] < 2) - Number(split.categories[b] < 2) || a - b);
    const examples = order.slice(0, exampleCount).map((i) => {
      const c = clean.slice(i * size, (i + 1) * size) as Float32Array;
      const a = adv.slice(i * size, (i + 1) * size) as Float32Array;
      let norm = 0;
      for (let j = 0; j < size; j++) {
        const d = Math.abs(a[j] - c[j]);
        norm = attack.norm === 'linf' ? Math.max(norm, d) : norm + d * d;
      }
      return {
        index: i,
        label: ds.labels[i],
        clean: c,
        adversarial: a,
        prediction: predictions[i],
        confidence: pc[i * k + predictions[i]],
        adversarialPrediction: adversarialPredictions[i],
        adversarialConfidence: pa[i * k + adversarialPredictions[i]],
        perturbationNorm: attack.norm === 'linf' ? norm : Math.sqrt(norm),
      };
    });
    return { split, examples };
  } finally {
    tf.dispose([x, y]);
    xAdv?.dispose();
  }
}
