/**
 * The worker's randomized smoothing (Cohen et al.): CERTIFY / PREDICT over the test set of a 2-D or an
 * image model, streaming each finished input to the page, and PREDICT over the 2-D grid for the
 * smoothed decision regions. A cancelled certification returns the inputs already finished.
 * `certifyJob` is shared with noiseRejectionApi.ts (paper 003's certification).
 */
import * as tf from '@tensorflow/tfjs';
import { type CertificationRow, type SmoothingOptions, checkSmoothingOptions, modelClassifier, noiseSource, pickIndices, predictMany, runSmoothingOnSet, type RunSetControl, type RunSetResult } from '../src/core/index';
import { runJob, stagedProgress } from './jobs';
import { checkGridResolution, inputsOf, planeGridOf } from './sources';
import type { ModelSource, ProgressFn } from './protocol/common';
import type { CertifyOutcome, CertifyRequest, SmoothedGridView, SmoothingWorkerApi } from './protocol/smoothing';

/**
 * A CERTIFY / PREDICT job over every skip-th test input of the source (at most max): `run` does
 * the sampling with the given control (plain smoothing here, with rejection in noiseRejectionApi.ts);
 * rows stream to the page as they finish.
 */
export async function certifyJob(
  jobId: string,
  source: ModelSource,
  request: CertifyRequest,
  onRow: (row: CertificationRow) => void,
  onProgress: ProgressFn,
  run: (model: tf.LayersModel, x: tf.Tensor, labels: Int32Array, indices: number[], control: RunSetControl) => Promise<RunSetResult>,
): Promise<CertifyOutcome> {
  if (!(Number.isInteger(request.skip) && request.skip >= 1)) throw new RangeError(`skip must be a whole number ≥ 1 (got ${request.skip})`);
  if (!(Number.isInteger(request.max) && request.max >= 1)) throw new RangeError(`the number of inputs must be a whole number ≥ 1 (got ${request.max})`);
  return runJob(jobId, async (signal) => {
    const { model, x, labels } = inputsOf(source, 'test');
    try {
      const t0 = Date.now();
      const indices = pickIndices(labels.length, request.skip, request.max);
      const result = await run(model, x, labels, indices, {
        signal,
        onProgress: stagedProgress(onProgress, [1])(0),
        onRow: (row) => onRow({ ...row, counts: row.counts ? [...row.counts] : undefined }),
      });
      const elapsedMs = Date.now() - t0;
      const { n0, n } = request.options;
      const draws = result.rows.length * (request.mode === 'certify' ? n0 + n : n);
      return { ...result, backend: tf.getBackend(), noise: noiseSource(), elapsedMs, drawsPerSecond: elapsedMs > 0 ? (1000 * draws) / elapsedMs : 0 };
    } finally {
      x.dispose();
    }
  });
}

export async function certifySet(jobId: string, source: ModelSource, request: CertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome> {
  const options = checkSmoothingOptions(request.options);
  return certifyJob(jobId, source, request, onRow, onProgress, (model, x, labels, indices, control) => runSmoothingOnSet(request.mode, modelClassifier(model), x, labels, indices, options, control));
}

export async function smoothedGrid(jobId: string, modelId: string, options: SmoothingOptions, resolution: number, onProgress: ProgressFn): Promise<SmoothedGridView> {
  const o = checkSmoothingOptions(options);
  checkGridResolution(resolution);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const { model, bounds, points } = planeGridOf(modelId, resolution);
    try {
      const r = await predictMany(modelClassifier(model), points, o, { signal, onProgress: stagedProgress(onProgress, [1])(0) });
      return { modelId, resolution, bounds, predictions: r.predictions, sigma: o.sigma, n: o.n, alpha: o.alpha, elapsedMs: Date.now() - t0 };
    } finally {
      points.dispose();
    }
  });
}

export const smoothingApi: SmoothingWorkerApi = { certifySet, smoothedGrid };
