/**
 * Which kept model may stand for training a family in the arena (pure: no storage, no tfjs).
 * The same training config, seed and records give the same weights only on the same backend and
 * the same tfjs: a kept model records where it was trained (`trainedOn`), its config, its epochs
 * and, on images, the fingerprint of its training records (core recordsFingerprint). The config
 * is compared without what does not change the training: on images the number of test images
 * evaluated (data.testLimit), which the records' fingerprint does not need either.
 */
import type { ExperimentConfig, ImageExperimentConfig } from '../src/core/index';

/** What the arena keeps with a model, beside the page's own summary. */
export interface KeptModelKey {
  config?: unknown;
  epochsCompleted?: number;
  /** The backend and tfjs version it was trained on, e.g. "wasm · tfjs 4.22.0". */
  trainedOn?: string;
  /** Images: the fingerprint of the records it trained on. */
  trainingRecords?: string;
}

/** JSON with the keys of every object sorted: configs made by different code compare by content. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** The config as far as it decides the weights. */
function trainingPart(config: unknown): unknown {
  if (!config || typeof config !== 'object' || !('kind' in config)) return config;
  const c = config as ImageExperimentConfig;
  return { ...c, data: { ...c.data, testLimit: null } };
}

/** Whether a model kept with `key` was trained exactly as `experiment` on `records` would be, on `trainedOn`. */
export function keptModelMatches(key: KeptModelKey, experiment: ExperimentConfig | ImageExperimentConfig, records: string | null, trainedOn: string): boolean {
  if (key.trainedOn !== trainedOn || key.epochsCompleted !== experiment.training.epochs) return false;
  if ('kind' in experiment && (!records || key.trainingRecords !== records)) return false;
  return canonical(trainingPart(key.config)) === canonical(trainingPart(experiment));
}
