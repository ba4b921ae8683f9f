/**
 * The shape shared by the training losses: `prepare` computes, outside the gradient tape, what
 * the loss needs (adversarial inputs, target labels); `loss` is the scalar to minimise,
 * differentiable in the model's weights.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AttackNorm } from '../attacks/config';

export const TRAINING_METHODS = ['standard', 'pgd-at', 'trades', 'era'] as const;
export type TrainingMethodName = (typeof TRAINING_METHODS)[number];

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
}

export type Prepared = Record<string, tf.Tensor>;

export interface TrainingMethod {
  prepare(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, params: LossParams, seed: number): Prepared;
  loss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, prepared: Prepared, params: LossParams): tf.Scalar;
}

export const METHOD_LABELS: Record<TrainingMethodName, string> = {
  standard: 'Standard (cross-entropy)',
  'pgd-at': 'PGD-AT (Madry et al.)',
  trades: 'TRADES (Zhang et al.)',
  era: 'ERA (paper 001, Eq. 5)',
};
