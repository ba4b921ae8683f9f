/**
 * The small setups the lessons train: each runs in seconds on the WASM backend of a two-core
 * machine (fewer points and epochs than the papers; the lesson texts say so where it matters).
 */
import type { ConfigPatch } from '../lessonTypes';

/** Two moons, a small MLP trained with Adam; attacks at l∞ eps 0.15. */
export const MOONS: ConfigPatch = {
  'data.kind': 'moons',
  'data.size': 300,
  'data.noise': 0.1,
  'model.depth': 2,
  'model.width': 32,
  'training.method': 'standard',
  'training.optimizer': 'adam',
  'training.learningRate': 0.01,
  'training.batchSize': 20,
  'training.epochs': 30,
  'training.attack.eps': 0.15,
  'training.attack.steps': 5,
  'evaluation.attack.kind': 'fgsm',
  'evaluation.attack.eps': 0.15,
  'evaluation.attack.steps': 10,
  'evaluation.gridResolution': 100,
};

/**
 * The three Gaussians of Merkli et al.'s Figure 1 with their MLP (four hidden layers of 64) and
 * optimiser (SGD, learning rate 0.1, batch 10), on 400 points for 10 epochs instead of 1,250
 * for 20; APGD-CE at l∞ eps 0.1 to evaluate, PGD-5 inside TRADES and ERA.
 */
export const GAUSSIANS: ConfigPatch = {
  'data.kind': 'gaussians3',
  'data.size': 400,
  'model.depth': 4,
  'model.width': 64,
  'training.method': 'standard',
  'training.optimizer': 'sgd',
  'training.learningRate': 0.1,
  'training.batchSize': 10,
  'training.epochs': 10,
  'training.attack.eps': 0.1,
  'training.attack.steps': 5,
  'evaluation.attack.kind': 'apgd-ce',
  'evaluation.attack.eps': 0.1,
  'evaluation.attack.steps': 20,
  'evaluation.gridResolution': 100,
};

/** Two moons for randomized smoothing: the base model is trained on noisy copies (σ = 0.25). */
export const SMOOTH_MOONS: ConfigPatch = {
  ...MOONS,
  'training.method': 'gaussian',
  'training.sigma': 0.25,
  'training.epochs': 20,
};

/** Certification settings small enough for seconds: 60 test points, n = 2,000 noise draws each. */
export const QUICK_CERTIFY = { sigma: 0.25, n0: 100, n: 2000, alpha: 0.001, max: 60, skip: 1, gridN: 200, gridResolution: 40 };
