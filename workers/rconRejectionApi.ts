/**
 * The worker's Rectified Rejection (issue 5, paper 000): evaluate a model's rejector scores on its
 * test inputs, clean and under the chosen attacks (including the adaptive ones), and read the RR
 * head over the 2-D plane. The page gets raw outputs (logits, auxiliary logits) so that it can
 * re-read Con and R-Con at any temperature without another round trip.
 */
import * as tf from '@tensorflow/tfjs';
import { type RejectionEvalConfig, evaluateRejection, makeDataset2d, makeGrid2d, twoHeadOutputs } from '../src/core/index';
import { runJob, stagedProgress } from './jobs';
import { type ModelSource, inputsOf } from './modelInputs';
import { getEntry } from './models';
import { getImageModel } from './imageStore';
import type { ProgressFn } from './protocol';
import type { RConGridView, RectifiedWorkerApi, RejectionEvaluationView } from './rectifiedProtocol';

function describeSource(source: ModelSource): { name: string; temperature: number | null; box: [number, number] | null } {
  if (source.kind === '2d') {
    const { summary } = getEntry(source.modelId);
    return { name: summary.name, temperature: summary.config.training.rr?.temperature ?? null, box: null };
  }
  const { summary } = getImageModel(source.modelId);
  return { name: summary.name, temperature: summary.config?.training.rr?.temperature ?? null, box: [0, 1] };
}

export async function evaluateRejectionOf(jobId: string, source: ModelSource, config: RejectionEvalConfig, onProgress: ProgressFn): Promise<RejectionEvaluationView> {
  const about = describeSource(source);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const { model, x, labels } = inputsOf(source, 'test', config.count);
    try {
      const evaluation = await evaluateRejection(model, x, labels, config, { signal, onProgress: stagedProgress(onProgress, [1])(0) }, about.box);
      return { ...evaluation, source, modelName: about.name, trainedTemperature: about.temperature, elapsedMs: Date.now() - t0 };
    } finally {
      x.dispose();
    }
  });
}

export async function rConGrid(modelId: string, resolution: number): Promise<RConGridView> {
  if (!(Number.isInteger(resolution) && resolution >= 2 && resolution <= 400)) throw new RangeError(`grid resolution must be a whole number from 2 to 400 (got ${resolution})`);
  const { model, summary } = getEntry(modelId);
  const ds = makeDataset2d(summary.config.data);
  const points = tf.tensor2d(makeGrid2d(ds.bounds, resolution), [resolution * resolution, 2]);
  try {
    const { logits, aux } = tf.tidy(() => {
      const o = twoHeadOutputs(model, points);
      return { logits: o.logits, aux: o.auxLogit };
    });
    const [z, a] = await Promise.all([logits.data(), aux.data()]);
    tf.dispose([logits, aux]);
    return { modelId, resolution, bounds: ds.bounds, logits: z as Float32Array, aux: a as Float32Array, numClasses: summary.numClasses };
  } finally {
    points.dispose();
  }
}

export const rconRejectionApi: RectifiedWorkerApi = { evaluateRejection: evaluateRejectionOf, rConGrid };
