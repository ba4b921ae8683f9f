/** The worker's Rectified Rejection requests (paper 000): what the page sends and gets back. */
import type { Bounds2d, RejectionEvalConfig, RejectionEvaluation, RejectorFooting } from '../../src/core/settings';
import type { ModelSource, ProgressFn } from './common';

export interface RejectionEvaluationView extends RejectionEvaluation {
  source: ModelSource;
  modelName: string;
  /** The temperature the model was trained with (RR τ), for reading R-Con as trained. */
  trainedTemperature: number | null;
  elapsedMs: number;
}

/** R-Con and confidence over the 2-D plane (paper 000 on toy data). */
export interface RConGridView {
  modelId: string;
  resolution: number;
  bounds: Bounds2d;
  /** Per cell, row-major from (xMin, yMin): logits [cells × K] and the auxiliary logit, so the page can apply any temperature. */
  logits: Float32Array;
  aux: Float32Array;
  numClasses: number;
}

export interface RconRejectionWorkerApi {
  evaluateRejection(jobId: string, source: ModelSource, config: RejectionEvalConfig, onProgress: ProgressFn): Promise<RejectionEvaluationView>;
  rConGrid(modelId: string, resolution: number): Promise<RConGridView>;
  /** Each rejector on the arena's footing for sets the page has re-read (e.g. at another τ): the intervals need the worker's statistics. */
  rejectorFooting(request: Pick<RejectionEvaluation, 'numClasses' | 'scoreNames' | 'tpr' | 'sets'>): Promise<RejectorFooting[]>;
}
