/** The worker's denoised smoothing with sample rejection (paper 003): train D and the rejectors h_k, then certify g_R. */
import type { CertificationRow } from '../../src/core/settings';
import type { NoiseRejectionOptions } from '../../src/core/certify/noiseRejection';
import type { DenoiserEvaluation, StageEpochStats } from '../../src/core/training/denoiser';
import type { RejectorEvaluation } from '../../src/core/training/noiseRejectors';
import type { TrainStatus } from '../../src/core/training/trainer';
import type { ModelSource, ProgressFn } from './common';
import type { CertifyOutcome, CertifyRequest } from './smoothing';

/** Paper 003: how to train the denoiser D and the K rejectors h_k in front of a smoothing source's model. */
export interface RejectionTrainSettings {
  /** σ of the noise (the σ to certify with). */
  sigma: number;
  seed: number;
  /** At most this many training inputs (the first ones). */
  trainMax: number;
  /** Inputs per mini-batch (denoiser and rejectors; the rejectors see T noisy copies of each). */
  batchSize: number;
  /** Epochs of the MSE loss; 0 with stabilityEpochs 0: no denoiser (D = identity). */
  denoiserEpochs: number;
  denoiserLearningRate: number;
  /** Epochs of the stability loss after the MSE epochs (0: off). */
  stabilityEpochs: number;
  rejectorEpochs: number;
  rejectorLearningRate: number;
  /** T: noise draws per input in the rejectors' training and evaluation. */
  noiseDraws: number;
  /** h_k = 1 iff H_k ≥ threshold (for the evaluation). */
  threshold: number;
}

export type RejectionTrainUpdate = { kind: 'epoch'; part: 'denoiser' | 'rejectors'; stats: StageEpochStats };

/** A trained (or partly trained) rejection system S = {D, f, h} as the page sees it. */
export interface RejectionSystemView {
  source: ModelSource;
  settings: RejectionTrainSettings;
  status: TrainStatus;
  message: string;
  /** Whether the worker keeps it for certification (not when the rejectors finished no epoch). */
  stored: boolean;
  denoiser: { kind: 'mlp' | 'dncnn' | 'none'; epochsPlanned: number; epochsCompleted: number; history: StageEpochStats[]; evaluation: DenoiserEvaluation | null };
  rejectors: { kind: 'mlp' | 'cnn'; epochsPlanned: number; epochsCompleted: number; history: StageEpochStats[]; evaluation: RejectorEvaluation | null };
  trainInputs: number;
  /** Held-out (test) inputs of the evaluation, T draws each. */
  evalInputs: number;
  /** Tensors the worker holds for it (the weights of D and h). */
  weightTensors: number;
  elapsedMs: number;
}

export interface RejectionCertifyRequest extends Omit<CertifyRequest, 'options'> {
  options: NoiseRejectionOptions;
}

export interface NoiseRejectionWorkerApi {
  /** Trains D (MSE, then optionally stability) and the rejectors (Eq. 7–9) for the source's model, replacing its earlier system. */
  trainRejectionSystem(jobId: string, source: ModelSource, settings: RejectionTrainSettings, onUpdate: (u: RejectionTrainUpdate) => void, onProgress: ProgressFn): Promise<RejectionSystemView>;
  /** CERTIFY / PREDICT of g_R (Theorem 3.1 / Algorithm 1) with the source's stored system; rows carry countTop / countRejected. */
  certifyRejectionSet(jobId: string, source: ModelSource, request: RejectionCertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome>;
  /** Disposes the source's system (if any). */
  dropRejectionSystem(source: ModelSource): void;
}
