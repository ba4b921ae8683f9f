/** The worker's image requests: import files (CIFAR binary, IDX, .gz) or the shipped Fashion-MNIST subset, train, attack, export/import models. */
import type { AttackConfig, EpochStats, ImageExperimentConfig, ImageShape, ImageSummary, RobustnessSplit, TrainStatus, TrainingMethodName } from '../../src/core/settings';
import type { AdversarialExample } from '../../src/core/experiments/runner';
import type { ProgressFn } from './common';
import type { TrainUpdate } from './playground';

/** A loaded image dataset as the page sees it: summaries and a few thumbnails, not the pixels. */
export interface ImageDatasetView {
  id: string;
  name: string;
  shape: ImageShape;
  numClasses: number;
  classNames: string[];
  train: ImageSummary;
  test: ImageSummary;
  testSource: 'file' | 'held out';
  /** Up to 40 training images (NHWC bytes 0-255) with their labels, for the thumbnail grid. */
  thumbnails: { pixels: Uint8Array; labels: number[]; count: number };
  /** The files it came from, with their formats. */
  files: Array<{ name: string; format: string; records: number; gzipped: boolean }>;
}

export interface ImageModelSummary {
  id: string;
  name: string;
  /** 'trained' here, or 'imported' from model.json + weights.bin. */
  source: 'trained' | 'imported';
  method: TrainingMethodName | null;
  config: ImageExperimentConfig | null;
  datasetName: string;
  inputShape: number[];
  numClasses: number;
  classNames: string[];
  epochsCompleted: number;
  history: EpochStats[];
}

export interface ImageAttackView {
  modelId: string;
  attack: AttackConfig;
  split: Omit<RobustnessSplit, 'adversarial'>;
  examples: AdversarialExample[];
  shape: ImageShape;
  elapsedMs: number;
}

export type ImageTrainUpdate = Exclude<TrainUpdate, { kind: 'grid' }>;

export interface ImagesWorkerApi {
  importImageFiles(jobId: string, files: Array<{ name: string; bytes: ArrayBuffer }>, onProgress: ProgressFn): Promise<ImageDatasetView>;
  loadBuiltinImages(jobId: string, onProgress: ProgressFn): Promise<ImageDatasetView>;
  trainImageModel(jobId: string, modelId: string, name: string, datasetId: string, config: ImageExperimentConfig, onUpdate: (u: ImageTrainUpdate) => void): Promise<{ status: TrainStatus; message: string; model: ImageModelSummary | null }>;
  attackImageModel(jobId: string, modelId: string, datasetId: string, config: ImageExperimentConfig, onProgress: ProgressFn): Promise<ImageAttackView>;
  exportImageModel(modelId: string): Promise<{ modelJson: unknown; weights: ArrayBuffer }>;
  importImageModel(modelId: string, name: string, modelJson: unknown, weights: ArrayBuffer, datasetId: string): Promise<ImageModelSummary>;
}
