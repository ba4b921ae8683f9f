/** The worker's randomized-smoothing requests (Cohen et al. CERTIFY / PREDICT): what the page sends and gets back. */
import type { Bounds2d, CertificationRow, SmoothingOptions } from '../../src/core/settings';
import type { ModelSource, ProgressFn } from './common';

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
  noise: 'device' | 'wasm' | 'javascript';
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

export interface SmoothingWorkerApi {
  certifySet(jobId: string, source: ModelSource, request: CertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome>;
  smoothedGrid(jobId: string, modelId: string, options: SmoothingOptions, resolution: number, onProgress: ProgressFn): Promise<SmoothedGridView>;
}
