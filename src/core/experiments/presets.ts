/**
 * Named presets: a config and the models a one-click run trains. Plain data (no tfjs).
 *
 * "Robust inaccuracy — paper 001, Figure 1": three Gaussian classes, N = 1000, an MLP with four
 * hidden layers of 64 ReLU units, 20 epochs of SGD at learning rate 0.1 with batch size 10,
 * PGD-10 inside TRADES and ERA, beta_TRADES = 6 (Appendix A.2), evaluated with 40-step APGD-CE
 * (Section 4.1, footnote 1). The paper does not state the Gaussians' placement, eps or ERA's
 * beta: the data follow the authors' released generator (see data/synthetic2d.ts), and eps = 0.1
 * (l_inf) and beta_ERA = 0.25 are the values of the authors' released code for this plot. As in
 * the figure, the split is measured on the 1,000 training points (the run also holds out 250
 * test points).
 */
import { type ExperimentConfig, defaultExperiment } from './config';
import type { TrainingMethodName } from '../training/method';

export interface Preset {
  id: string;
  label: string;
  description: string;
  config: ExperimentConfig;
  methods: TrainingMethodName[];
  /** The points the split is measured on. */
  evalSet: 'train' | 'test';
}

function figure1Config(): ExperimentConfig {
  const c = defaultExperiment();
  c.data = { kind: 'gaussians3', size: 1250, noise: 0.05, testFraction: 0.2, seed: 1 };
  c.model = { depth: 4, width: 64, activation: 'relu' };
  c.training = { ...c.training, method: 'standard', epochs: 20, batchSize: 10, optimizer: 'sgd', learningRate: 0.1, momentum: 0, tradesBeta: 6, eraBeta: 0.25, attack: { norm: 'linf', eps: 0.1, steps: 10, stepSize: 0 } };
  c.evaluation = { attack: { kind: 'apgd-ce', norm: 'linf', eps: 0.1, steps: 40, stepSize: 0, restarts: 1, randomStart: true, box: null }, gridResolution: 200 };
  return c;
}

export const FIGURE1_PRESET: Preset = {
  id: 'paper001-figure1',
  label: 'Robust inaccuracy — Merkli et al., Figure 1',
  description:
    'Trains standard, TRADES and ERA models on three Gaussian classes and shows their decision regions with each point coloured by the 4-way split (robust/non-robust × accurate/inaccurate).',
  config: figure1Config(),
  methods: ['standard', 'trades', 'era'],
  evalSet: 'train',
};

