/** The worker's randomized-smoothing requests (issue 4): what the page sends and gets back. */
import type { Bounds2d, CertificationRow, SmoothingOptions } from '../src/core/settings';
import type { NoiseRejectionOptions } from '../src/core/certify/noiseRejection';
import type { DenoiserEvaluation, StageEpochStats } from '../src/core/training/denoiser';
import type { RejectorEvaluation } from '../src/core/training/noiseRejectors';
import type { TrainStatus } from '../src/core/training/trainer';
import type { ProgressFn } from './protocol';

/** Which model to smooth: a 2-D playground model, or an image model with the loaded image dataset. */
export type SmoothingSource = { kind: '2d'; modelId: string } | { kind: 'image'; modelId: string; datasetId: string };

export interface CertifyRequest {
  mode: 'certify' | 'predict';
  options: SmoothingOptions;
  /** Every skip-th test input, at most max of them. */
  skip: number;
  max: number;
}

export interface CertifyOutcome {
  rows: CertificationRow[];
  cancelled: boolean;
  /** The backend that ran it and where its noise came from. */
  backend: string;
  noise: 'device' | 'javascript';
  elapsedMs: number;
  /** Noise draws (forward passes on noisy inputs) per second. */
  drawsPerSecond: number;
}

export interface SmoothedGridView {
  modelId: string;
  resolution: number;
  bounds: Bounds2d;
  /** Per grid cell (row-major from (xMin, yMin)): the smoothed class or −1 (abstain). */
  predictions: Int32Array;
  sigma: number;
  n: number;
  alpha: number;
  elapsedMs: number;
}

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
  source: SmoothingSource;
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

export interface RejectionWorkerApi {
  /** Trains D (MSE, then optionally stability) and the rejectors (Eq. 7–9) for the source's model, replacing its earlier system. */
  trainRejectionSystem(jobId: string, source: SmoothingSource, settings: RejectionTrainSettings, onUpdate: (u: RejectionTrainUpdate) => void, onProgress: ProgressFn): Promise<RejectionSystemView>;
  /** CERTIFY / PREDICT of g_R (Theorem 3.1 / Algorithm 1) with the source's stored system; rows carry countTop / countRejected. */
  certifyRejectionSet(jobId: string, source: SmoothingSource, request: RejectionCertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome>;
  /** Disposes the source's system (if any). */
  dropRejectionSystem(source: SmoothingSource): void;
}

export interface SmoothingWorkerApi extends RejectionWorkerApi {
  certifySet(jobId: string, source: SmoothingSource, request: CertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome>;
  smoothedGrid(jobId: string, modelId: string, options: SmoothingOptions, resolution: number, onProgress: ProgressFn): Promise<SmoothedGridView>;
}
