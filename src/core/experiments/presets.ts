/**
 * Named presets: a config and the models a one-click run trains. Plain data (no tfjs).
 *
 * "Robust inaccuracy — paper 001, Figure 1": three Gaussian classes, N = 1000, an MLP with four
 * hidden layers of 64 ReLU units, 20 epochs of SGD at learning rate 0.1 with batch size 10,
 * PGD-10 inside TRADES and ERA, beta_TRADES = 6 (Appendix A.2), evaluated with 40-step APGD-CE
 * (Section 4.1, footnote 1). The paper does not state the Gaussians' means and spread nor eps:
 * the values below are ours (see data/synthetic2d.ts).
 */
import { type ExperimentConfig, defaultExperiment } from './config';
import type { TrainingMethodName } from '../training/method';

export interface Preset {
  id: string;
  label: string;
  description: string;
  config: ExperimentConfig;
  methods: TrainingMethodName[];
}

function figure1Config(): ExperimentConfig {
  const c = defaultExperiment();
  c.data = { kind: 'gaussians3', size: 1000, noise: 0.55, testFraction: 0.2, seed: 1 };
  c.model = { depth: 4, width: 64, activation: 'relu' };
  c.training = { ...c.training, method: 'standard', epochs: 20, batchSize: 10, optimizer: 'sgd', learningRate: 0.1, momentum: 0, tradesBeta: 6, eraBeta: 1, attack: { norm: 'linf', eps: 0.1, steps: 10, stepSize: 0 } };
  c.evaluation = { attack: { kind: 'apgd-ce', norm: 'linf', eps: 0.1, steps: 40, stepSize: 0, restarts: 1, randomStart: true, box: null }, gridResolution: 200 };
  return c;
}

export const FIGURE1_PRESET: Preset = {
  id: 'paper001-figure1',
  label: 'Robust inaccuracy — paper 001, Figure 1',
  description:
    'Trains standard, TRADES and ERA models on three Gaussian classes and shows their decision regions with each point coloured by the 4-way split (robust/non-robust × accurate/inaccurate).',
  config: figure1Config(),
  methods: ['standard', 'trades', 'era'],
};

export const PRESETS: Preset[] = [FIGURE1_PRESET];
