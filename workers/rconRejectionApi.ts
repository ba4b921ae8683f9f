/**
 * The worker's Rectified Rejection (paper 000): evaluate a model's rejector scores on its
 * test inputs, clean and under the chosen attacks (including the adaptive ones), and read the RR
 * head over the 2-D plane. The page gets raw outputs (logits, auxiliary logits) so that it can
 * re-read Con and R-Con at any temperature without another round trip.
 */
import * as tf from '@tensorflow/tfjs';
import { type RejectionEvalConfig, evaluateRejection, rejectorFooting, twoHeadOutputs } from '../src/core/index';
import { runJob, stagedProgress } from './jobs';
import { checkGridResolution, inputsOf, planeGridOf, resolveSource } from './sources';
import type { ModelSource, ProgressFn } from './protocol/common';
import type { RConGridView, RconRejectionWorkerApi, RejectionEvaluationView } from './protocol/rconRejection';

/**
 * The page reads Con and R-Con at its slider's temperature after the run, so its config keeps
 * τ = 1; an adaptive setting that names no temperature of its own attacks R-Con at the model's RR
 * training τ (the one A_phi was trained at), and says so in its label.
 */
export function attackingAtTrainedTemperature(config: RejectionEvalConfig, trained: number | null): RejectionEvalConfig {
  const tau = trained ?? config.temperature;
  return {
    ...config,
    settings: config.settings.map((s) => (s.kind === 'adaptive' && s.attackTemperature === undefined ? { ...s, attackTemperature: tau, label: `${s.label} · R-Con at τ=${tau}` } : s)),
  };
}

export async function evaluateRejectionOf(jobId: string, source: ModelSource, config: RejectionEvalConfig, onProgress: ProgressFn): Promise<RejectionEvaluationView> {
  const about = resolveSource(source);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const trained = about.training?.rr?.temperature ?? null;
    const { model, x, labels } = inputsOf(source, 'test', config.count);
    try {
      const evaluation = await evaluateRejection(model, x, labels, attackingAtTrainedTemperature(config, trained), { signal, onProgress: stagedProgress(onProgress, [1])(0) }, about.box);
      return { ...evaluation, source, modelName: about.name, trainedTemperature: trained, elapsedMs: Date.now() - t0 };
    } finally {
      x.dispose();
    }
  });
}

export async function rConGrid(modelId: string, resolution: number): Promise<RConGridView> {
  checkGridResolution(resolution);
  const { model, summary, bounds, points } = planeGridOf(modelId, resolution);
  try {
    const { logits, aux } = tf.tidy(() => {
      const o = twoHeadOutputs(model, points);
      return { logits: o.logits, aux: o.auxLogit };
    });
    const [z, a] = await Promise.all([logits.data(), aux.data()]);
    tf.dispose([logits, aux]);
    return { modelId, resolution, bounds, logits: z as Float32Array, aux: a as Float32Array, numClasses: summary.numClasses };
  } finally {
    points.dispose();
  }
}

export const rconRejectionApi: RconRejectionWorkerApi = { evaluateRejection: evaluateRejectionOf, rConGrid, rejectorFooting: async (request) => rejectorFooting(request) };
