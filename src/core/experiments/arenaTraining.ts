/**
 * How the arena trains each family (plain data, no tfjs): the 2-D experiment config of the one
 * training path (runner.ts), with the family's paper defaults (training/config.ts: paper 001's
 * SGD, lr 0.1, batch 10 for the classifiers; paper 004's preset's Adam, lr 0.005, batch 32 for
 * IBP) and the arena's shared data, model, seed, epochs and training-attack steps.
 */
import { TRAIN_DEFAULTS } from '../training/config';
import type { TrainingMethodName } from '../training/method';
import type { ArenaConfig, ArenaFamily } from './arenaConfig';
import { type ExperimentConfig, defaultExperiment } from './config';

const METHOD: Record<ArenaFamily, TrainingMethodName> = {
  standard: 'standard',
  'pgd-at': 'pgd-at',
  trades: 'trades',
  'era-selector': 'era',
  rr: 'rr-pgd-at',
  gaussian: 'gaussian',
  'cat-rs': 'cat-rs',
  'ibp-m1': 'ibp',
  'ibp-m3': 'ibp',
};

/** The experiment config that trains `family` under the arena's data, model, threat model and budget. */
export function familyExperiment(config: ArenaConfig, family: ArenaFamily): ExperimentConfig {
  const c = defaultExperiment();
  c.seed = config.seed;
  c.data = { ...config.data };
  c.model = { ...config.model };
  const { norm, eps } = config.threat;
  const base = {
    ...c.training,
    method: METHOD[family],
    epochs: config.budget.epochs,
    batchSize: TRAIN_DEFAULTS.batchSize,
    optimizer: TRAIN_DEFAULTS.optimizer,
    learningRate: TRAIN_DEFAULTS.learningRate,
    momentum: TRAIN_DEFAULTS.momentum,
    attack: { norm, eps, steps: config.budget.trainingAttackSteps, stepSize: 0 },
    sigma: config.smoothing.sigma,
    catRs: { ...c.training.catRs, steps: Math.min(100, config.budget.trainingAttackSteps) },
  };
  if (family === 'ibp-m1' || family === 'ibp-m3') {
    // IBP bounds an l∞ box: its "attack" is the box of radius eps (steps are unused).
    c.training = {
      ...base,
      batchSize: 32,
      optimizer: 'adam',
      learningRate: 0.005,
      attack: { norm: 'linf', eps, steps: 1, stepSize: 0 },
      ibp: { ...c.training.ibp, abstainClasses: family === 'ibp-m1' ? 1 : 3, regulariserMu: family === 'ibp-m1' ? 0 : 10 },
    };
  } else c.training = base;
  const nTrain = c.data.size - Math.round(c.data.size * c.data.testFraction);
  c.training.batchSize = Math.min(c.training.batchSize, nTrain);
  return c;
}

/** The steps of the attack run inside each training step (0 for the methods without one). */
export function trainingAttackStepsOf(c: ExperimentConfig): number {
  const m = c.training.method;
  if (m === 'cat-rs') return c.training.catRs.steps;
  if (m === 'pgd-at' || m === 'trades' || m === 'era' || m === 'rr-pgd-at') return c.training.attack.steps;
  return 0;
}
