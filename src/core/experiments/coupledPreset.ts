/**
 * Preset "Coupled rejection — paper 000, Figure 1" (plain data, no tfjs).
 *
 * Paper 000's Fig. 1 takes PGD-10 examples crafted against a ResNet-18 trained with PGD-AT + RR
 * on CIFAR-10, filters them by Con > 1/(2 − ξ) for several ξ, and shows that R-Con = 1/2 then
 * separates the correctly from the wrongly classified ones (Theorem 1). CIFAR-10 and a ResNet-18
 * are out of reach in a browser tab, so the preset runs the same analysis where it takes seconds:
 * paper 001's three-Gaussian toy set (1,000 training points) and its MLP (four hidden layers of
 * 64 ReLU units), trained with PGD-AT + RR (lambda = 1, tau = 1, the paper's stop-gradients;
 * PGD-10 l_inf at eps 0.1, 20 epochs of SGD, lr 0.1, batch 10), then PGD-10 at eps 0.1 and 0.2 on
 * the test points, shown on the R-Con vs confidence scatter with the ξ slider. The same analysis
 * runs on images from the Rectified Rejection view with any model trained there.
 */
import { type ExperimentConfig, defaultExperiment } from './config';

export const COUPLED_PRESET_MODEL_ID = 'paper000-figure1-rr';

function coupledConfig(): ExperimentConfig {
  const c = defaultExperiment();
  c.data = { kind: 'gaussians3', size: 1250, noise: 0.05, testFraction: 0.2, seed: 1 };
  c.model = { depth: 4, width: 64, activation: 'relu' };
  c.training = { ...c.training, method: 'rr-pgd-at', epochs: 20, batchSize: 10, optimizer: 'sgd', learningRate: 0.1, momentum: 0, attack: { norm: 'linf', eps: 0.1, steps: 10, stepSize: 0 } };
  c.evaluation = { ...c.evaluation, attack: { ...c.evaluation.attack, kind: 'pgd', norm: 'linf', eps: 0.1, steps: 10 } };
  return c;
}

export const COUPLED_REJECTION_PRESET = {
  id: 'paper000-figure1',
  label: 'Coupled rejection — Pang et al., Figure 1',
  description:
    'Trains an MLP with PGD-AT + Rectified Rejection on three Gaussian classes, attacks the test points with PGD-10, and shows them on the R-Con vs confidence plane with the lines of Theorem 1 (the paper: CIFAR-10, ResNet-18).',
  config: coupledConfig(),
  /** The radii of the two l_inf PGD-10 sets (eps of training, and twice it) and of the l_2 set. */
  eps: 0.1,
  eps2: 0.2,
  l2eps: 0.2,
  /** The ξ shown first (the slider moves it). */
  xi: 0.2,
};
