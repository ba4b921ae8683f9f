/**
 * The shape shared by the training losses: `prepare` computes, outside the gradient tape, what
 * the loss needs (adversarial inputs, target labels); `loss` is the scalar to minimise,
 * differentiable in the model's weights.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AttackNorm } from '../attacks/config';
import type { SmoothedTrainingParams } from './smoothedTrainingConfig';
import type { ModelHeads, RrConfig, SelectiveNetConfig } from './rejectionHeadsConfig';
import type { IbpConfig } from './ibpConfig';

export const TRAINING_METHODS = ['standard', 'pgd-at', 'trades', 'era', 'gaussian', 'cat-rs', 'cra', 'rr-pgd-at', 'rr-trades', 'selectivenet-pgd-at', 'ibp'] as const;
export type TrainingMethodName = (typeof TRAINING_METHODS)[number];

/** The methods that train a base classifier for randomized smoothing (they use `sigma`, not the training attack). */
export const SMOOTHED_METHODS: readonly TrainingMethodName[] = ['gaussian', 'cat-rs', 'cra'];

export function isSmoothedMethod(method: TrainingMethodName): boolean {
  return SMOOTHED_METHODS.includes(method);
}

/** The methods that run the PGD training attack (`attack`) in `prepare`. */
export function usesTrainingAttack(method: TrainingMethodName): boolean {
  return method === 'pgd-at' || method === 'trades' || method === 'era' || method === 'rr-pgd-at' || method === 'rr-trades' || method === 'selectivenet-pgd-at';
}

/**
 * The heads the model of a method needs: Rectified Rejection (paper 000) trains a two-head model
 * (classifier + auxiliary A_phi), the SelectiveNet baseline a three-head one (classifier,
 * selection g, auxiliary h); every other method a plain classifier. See models/heads.ts.
 */
export function methodHeads(method: TrainingMethodName): ModelHeads {
  if (method === 'rr-pgd-at' || method === 'rr-trades') return 'rr';
  if (method === 'selectivenet-pgd-at') return 'selectivenet';
  return 'none';
}

/** The attack used inside training (PGD; paper 001 trains with 10 steps). */
export interface TrainingAttack {
  norm: AttackNorm;
  eps: number;
  steps: number;
  /** 0 = 2.5·eps/steps for PGD-AT and ERA, eps/4 for TRADES' inner maximisation. */
  stepSize: number;
}

export interface LossParams {
  attack: TrainingAttack;
  box: [number, number] | null;
  /** TRADES' weight of the KL term (paper 001 uses 6). */
  tradesBeta: number;
  /** ERA's weight β of the TRADES term in Eq. 5. */
  eraBeta: number;
  /** Noise level and settings of Gaussian augmentation, CAT-RS and CRA (absent: their defaults). */
  smoothing?: SmoothedTrainingParams;
  /** Rectified Rejection's lambda, temperature and stop-gradient form (absent: RR_DEFAULTS). */
  rr?: RrConfig;
  /** SelectiveNet's coverage, lambda and alpha (absent: SELECTIVENET_DEFAULTS). */
  selectiveNet?: SelectiveNetConfig;
  /** IBP training with abstain classes (paper 004; absent: IBP_DEFAULTS). */
  ibp?: IbpConfig;
  /** Where the run is (0-based step of totalSteps): the trainer fills it in for scheduled losses (IBP). */
  progress?: { step: number; totalSteps: number };
}

export type Prepared = Record<string, tf.Tensor>;

export interface TrainingMethod {
  /** May be async: a method that must read a number back (CAT-RS) does so with `await data()`, which every backend supports. */
  prepare(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, params: LossParams, seed: number): Prepared | Promise<Prepared>;
  loss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, prepared: Prepared, params: LossParams): tf.Scalar;
}

export const METHOD_LABELS: Record<TrainingMethodName, string> = {
  standard: 'Standard (cross-entropy)',
  'pgd-at': 'PGD-AT (Madry et al.)',
  trades: 'TRADES (Zhang et al.)',
  era: 'ERA (Merkli et al., Eq. 5)',
  gaussian: 'Gaussian augmentation (Cohen et al.)',
  'cat-rs': 'CAT-RS (Jeong et al., Alg. 1)',
  cra: 'CRA (Merkli et al., Eq. 9)',
  'rr-pgd-at': 'PGD-AT + Rectified Rejection (Pang et al., Eq. 5)',
  'rr-trades': 'TRADES + Rectified Rejection (Pang et al., Eq. 5)',
  'selectivenet-pgd-at': 'PGD-AT + SelectiveNet (Geifman & El-Yaniv)',
  ibp: 'IBP + abstain classes (Gowal et al.; Baharlouei et al., Eq. 15)',
};

/** The number of abstain outputs M the model of a training config needs (K + M logits); 0 for all but IBP. */
export function abstainOutputsOf(config: { method: TrainingMethodName; ibp?: IbpConfig }): number {
  return config.method === 'ibp' ? (config.ibp?.abstainClasses ?? 0) : 0;
}
