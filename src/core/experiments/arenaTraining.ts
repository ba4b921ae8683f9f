/**
 * How the arena trains each family (plain data, no tfjs): the experiment config of the one
 * training path (runner.ts) — the 2-D config for generated points, the image config for image
 * files — with the family's method and paper defaults and the arena's shared data, model, seed,
 * epochs and training-attack steps. On 2-D data the classifiers keep paper 001's SGD, lr 0.1,
 * batch 10 and IBP paper 004's preset's Adam, lr 0.005, batch 32; on images every family keeps
 * the image experiments' Adam, lr 0.001, batch 64 in the box [0, 1].
 */
import type { TrainConfig } from '../training/config';
import type { TrainingMethodName } from '../training/method';
import { type ArenaConfig, type ArenaFamily, arenaBox } from './arenaConfig';
import { type ExperimentConfig, defaultExperiment } from './config';
import { type ImageExperimentConfig, defaultImageExperiment } from './imageConfig';

const METHOD: Record<ArenaFamily, TrainingMethodName> = {
  standard: 'standard',
  'pgd-at': 'pgd-at',
  trades: 'trades',
  'era-selector': 'era',
  rr: 'rr-pgd-at',
  gaussian: 'gaussian',
  'cat-rs': 'cat-rs',
  // The pretrained classifier under the denoiser and the rejectors (arenaSampleRejection.ts).
  'sample-rejection': 'standard',
  'ibp-m1': 'ibp',
  'ibp-m3': 'ibp',
};

const isIbp = (family: ArenaFamily) => family === 'ibp-m1' || family === 'ibp-m3';

/** The family's training settings on top of the data kind's own (`base`). */
function familyTraining(base: Omit<TrainConfig, 'seed'>, config: ArenaConfig, family: ArenaFamily): Omit<TrainConfig, 'seed'> {
  const { norm, eps } = config.threat;
  return {
    ...base,
    method: METHOD[family],
    epochs: config.budget.epochs,
    box: arenaBox(config),
    // IBP bounds an l∞ box: its "attack" is the box of radius eps (steps are unused).
    attack: isIbp(family) ? { norm: 'linf', eps, steps: 1, stepSize: 0 } : { norm, eps, steps: config.budget.trainingAttackSteps, stepSize: 0 },
    sigma: config.smoothing.sigma,
    catRs: { ...base.catRs, steps: Math.min(100, config.budget.trainingAttackSteps) },
    ibp: { ...base.ibp, abstainClasses: family === 'ibp-m1' ? 1 : 3, regulariserMu: family === 'ibp-m1' ? 0 : 10 },
  };
}

/** The 2-D experiment config that trains `family` under the arena's data, model, threat model and budget. */
export function familyExperiment(config: ArenaConfig, family: ArenaFamily): ExperimentConfig {
  const c = defaultExperiment();
  c.seed = config.seed;
  c.data = { ...config.data };
  c.model = { ...config.model };
  c.training = familyTraining(c.training, config, family);
  if (isIbp(family)) c.training = { ...c.training, batchSize: 32, optimizer: 'adam', learningRate: 0.005 };
  const nTrain = c.data.size - Math.round(c.data.size * c.data.testFraction);
  c.training.batchSize = Math.min(c.training.batchSize, nTrain);
  return c;
}

/** The image experiment config that trains `family` on the arena's image records. */
export function familyImageExperiment(config: ArenaConfig, family: ArenaFamily): ImageExperimentConfig {
  const c = defaultImageExperiment();
  c.seed = config.seed;
  c.data = { trainLimit: config.images.trainLimit, testLimit: config.count, subset: config.images.subset, seed: config.seed };
  c.model = { ...config.images.model };
  c.training = familyTraining(c.training, config, family);
  return c;
}

/** The steps of the attack run inside each training step (0 for the methods without one). */
export function trainingAttackStepsOf(training: Pick<TrainConfig, 'method' | 'catRs' | 'attack'>): number {
  const m = training.method;
  if (m === 'cat-rs') return training.catRs.steps;
  if (m === 'pgd-at' || m === 'trades' || m === 'era' || m === 'rr-pgd-at') return training.attack.steps;
  return 0;
}
