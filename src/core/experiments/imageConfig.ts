/**
 * The image experiment config: model (a small CNN or the MLP), training and the evaluation
 * attack for image datasets (Fashion-MNIST, CIFAR, ...). Pixels are in [0, 1], so both attacks
 * work in the box [0, 1] and eps is given on that scale (2/255, 8/255, ...). Plain data, no tfjs.
 * The dataset itself is not part of the config: it comes from files (dropped into the page, or
 * given to the CLI by path); the config only says how many records to take and how.
 */
import { ATTACK_DEFAULTS, type AttackConfig } from '../attacks/config';
import { CNN_DEFAULTS } from '../models/cnnConfig';
import { TRAIN_DEFAULTS, type TrainConfig } from '../training/config';
import { SMOOTHED_TRAINING_SIGMA } from '../training/smoothedTrainingConfig';
import { type FieldErrors, TRAINING_AND_ATTACK_RULES, ibpScheduleErrors, type FieldRule } from './config';
import { shown, validateFields } from './fieldSchema';

export interface ImageModelConfig {
  kind: 'cnn' | 'mlp';
  /** CNN: 3×3 conv blocks (each followed by 2×2 max-pooling), filters of the first block, hidden dense units. */
  convLayers: number;
  filters: number;
  dense: number;
  /** MLP: hidden layers and units. */
  depth: number;
  width: number;
  /** Put a Normalize layer (the training images' per-channel mean and std) first in the model. */
  normalize: boolean;
}

export interface ImageDataSelection {
  /** Training and test records to use (0 = all). */
  trainLimit: number;
  testLimit: number;
  /** 'first': the first records; 'per-class': limit/numClasses per class, chosen by seed. */
  subset: 'first' | 'per-class';
  seed: number;
}

export interface ImageExperimentConfig {
  version: 1;
  kind: 'image';
  seed: number;
  data: ImageDataSelection;
  model: ImageModelConfig;
  training: Omit<TrainConfig, 'seed'>;
  evaluation: { attack: Omit<AttackConfig, 'seed'>; /** Test images to attack. */ count: number };
}

const { seed: _a, ...attackDefaults } = ATTACK_DEFAULTS;
const { seed: _t, ...trainDefaults } = TRAIN_DEFAULTS;

export const IMAGE_EXPERIMENT_DEFAULTS: ImageExperimentConfig = {
  version: 1,
  kind: 'image',
  seed: 1,
  data: { trainLimit: 0, testLimit: 0, subset: 'first', seed: 1 },
  model: { kind: 'cnn', convLayers: CNN_DEFAULTS.convLayers, filters: CNN_DEFAULTS.filters, dense: CNN_DEFAULTS.dense, depth: 2, width: 128, normalize: false },
  training: {
    ...trainDefaults,
    method: 'standard',
    epochs: 5,
    batchSize: 64,
    optimizer: 'adam',
    learningRate: 0.001,
    box: [0, 1],
    attack: { norm: 'linf', eps: 8 / 255, steps: 7, stepSize: 0 },
    sigma: SMOOTHED_TRAINING_SIGMA.images,
    catRs: { ...trainDefaults.catRs },
    cra: { ...trainDefaults.cra },
    rr: { ...trainDefaults.rr },
    selectiveNet: { ...trainDefaults.selectiveNet },
    ibp: { ...trainDefaults.ibp },
  },
  evaluation: { attack: { ...attackDefaults, kind: 'pgd', norm: 'linf', eps: 8 / 255, steps: 10, box: [0, 1] }, count: 500 },
};

export function defaultImageExperiment(): ImageExperimentConfig {
  return structuredClone(IMAGE_EXPERIMENT_DEFAULTS);
}

export const IMAGE_FIELD_RULES: Record<string, FieldRule> = {
  seed: { type: 'int', min: 0, max: 4294967295 },
  'data.trainLimit': { type: 'int', min: 0, max: 1_000_000 },
  'data.testLimit': { type: 'int', min: 0, max: 1_000_000 },
  'data.subset': { type: 'enum', values: ['first', 'per-class'] },
  'data.seed': { type: 'int', min: 0, max: 4294967295 },
  'model.kind': { type: 'enum', values: ['cnn', 'mlp'] },
  'model.convLayers': { type: 'int', min: 1, max: 4 },
  'model.filters': { type: 'int', min: 1, max: 128 },
  'model.dense': { type: 'int', min: 0, max: 1024 },
  'model.depth': { type: 'int', min: 0, max: 8 },
  'model.width': { type: 'int', min: 1, max: 2048 },
  'model.normalize': { type: 'bool' },
  ...TRAINING_AND_ATTACK_RULES,
  'evaluation.count': { type: 'int', min: 1, max: 1_000_000 },
};

export function validateImageExperiment(config: unknown): FieldErrors {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { '': `the config must be a JSON object (got ${shown(config)})` };
  const errors = validateFields(IMAGE_FIELD_RULES, config);
  const kind = (config as { kind?: unknown }).kind;
  if (kind !== 'image') errors.kind = `must be "image" (got ${shown(kind)})`;
  ibpScheduleErrors(config as Parameters<typeof ibpScheduleErrors>[0], errors);
  return errors;
}
