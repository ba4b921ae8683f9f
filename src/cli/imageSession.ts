/**
 * What the image commands share: get a model (load a folder and check that it fits the images,
 * or train one from the config), attack the first evaluation.count test images, and turn the
 * result into per-image records (no pixel arrays) for the JSON and the CSV.
 */
import type * as tf from '@tensorflow/tfjs';
import { type ImageAttackResult, type ImageExperimentConfig, SPLIT_CATEGORIES, type TrainResult, type TrainResume, attackImages, buildImageModel, isCancelled, trainImageModel, type CsvRow, modelHeads } from '../core';
import { CliError, EXIT } from './errors';
import { readModelDir } from './files';
import { type ImageData, classNamesOf } from './imageData';
import { attackProgress, f32, status, trainingProgress, trainingSummary } from './session';

const dims = (s: ArrayLike<number | null>) => Array.from(s, (v) => (v === null ? '?' : String(v))).join('×');

/**
 * Checks that a model takes the data's images (input shape [batch, h, w, c]) and gives at least
 * one logit per class. Throws CliError (exit status 2) otherwise, disposing the model.
 */
export function checkImageModel(model: tf.LayersModel, dir: string, data: ImageData): void {
  const shape = data.test.shape;
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  let problem: string | null = null;
  // Several outputs only for a classifier with rejector heads (models/heads.ts): its first output is the logits.
  if (model.inputs.length !== 1 || (model.outputs.length !== 1 && modelHeads(model) === 'none')) problem = `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs, not one of each`;
  else if (inShape.length !== 4 || dims(inShape.slice(1)) !== dims(shape)) {
    problem = `its input shape is ${inShape.length === 4 ? dims(inShape.slice(1)) : `[${inShape.map(String).join(', ')}]`} but the images are ${dims(shape)} (height×width×channels)`;
  } else if (outShape.length !== 2 || (outShape[1] ?? 0) < data.test.numClasses) {
    problem = `it gives ${outShape.length === 2 ? outShape[1] : `[${outShape.map(String).join(', ')}]`} outputs but the data have ${data.test.numClasses} classes (one logit per class needed)`;
  }
  if (problem) {
    model.dispose();
    throw new CliError(`The model in ${dir} does not fit the --data images: ${problem}`);
  }
}

/** The metadata `train --save-model` stores in model.json (userDefinedMetadata). */
export function imageModelMetadata(config: ImageExperimentConfig, data: ImageData, result: TrainResult): Record<string, unknown> {
  return {
    workbench: {
      savedBy: 'cli train',
      experiment: config,
      inputShape: [...data.train.shape],
      numClasses: data.train.numClasses,
      classNames: classNamesOf(data.train),
      dataFiles: data.files.map((f) => f.path),
      training: { status: result.status, epochsCompleted: result.epochsCompleted },
    },
  };
}

/** Builds the config's model for the data and trains it (progress on stderr). The caller owns the model. */
export async function trainOnImages(config: ImageExperimentConfig, data: ImageData, signal: AbortSignal, resume?: TrainResume): Promise<{ model: tf.LayersModel; result: TrainResult; trainMs: number }> {
  const t0 = performance.now();
  let model: tf.LayersModel;
  try {
    model = buildImageModel(config, data.train);
  } catch (e) {
    throw new CliError(`Cannot build the config's model for ${dims(data.train.shape)} images: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { result } = await trainImageModel(config, data.train, data.test, trainingProgress(), signal, model, resume);
  status.done();
  return { model, result, trainMs: performance.now() - t0 };
}

export interface ImageModelSource {
  model: tf.LayersModel;
  source: { source: 'loaded'; dir: string } | { source: 'trained'; training: ReturnType<typeof trainingSummary> };
  trainMs: number;
}

/** A model loaded from `dir` (checked against the data), or trained from the config (said on stderr). */
export async function obtainImageModel(config: ImageExperimentConfig, data: ImageData, dir: string | undefined, signal: AbortSignal, command: string): Promise<ImageModelSource> {
  if (dir) return { model: await loadImageModel(dir, data), source: { source: 'loaded', dir }, trainMs: 0 };
  status.log(`${command}: no --model given, so training a model from the config first (${config.model.kind}, ${config.training.method}, ${config.training.epochs} epochs).`);
  const { model, result, trainMs } = await trainOnImages(config, data, signal);
  if (result.status !== 'completed') {
    model.dispose();
    throw new CliError(`Training ${result.status}: ${result.message}`, result.status === 'cancelled' ? EXIT.cancelled : EXIT.diverged);
  }
  return { model, source: { source: 'trained', training: trainingSummary(result) }, trainMs };
}

export async function loadImageModel(dir: string, data: ImageData): Promise<tf.LayersModel> {
  const { model } = await readModelDir(dir);
  checkImageModel(model, dir, data);
  return model;
}

/** The evaluation attack with its seed, derived from the run's seed as attackImages derives it. */
export function imageAttackOf(config: ImageExperimentConfig) {
  return { ...config.evaluation.attack, seed: (config.seed + 7919) >>> 0 };
}

/**
 * Attacks the first evaluation.count test images at eps·epsScale (progress on stderr; Ctrl-C
 * cancels). With `records`, every attacked image comes back as an example (for imageRecords).
 */
export async function attackTestImages(
  model: tf.LayersModel,
  data: ImageData,
  config: ImageExperimentConfig,
  signal: AbortSignal,
  label: string,
  { epsScale = 1, records = true } = {},
): Promise<ImageAttackResult> {
  const a = config.evaluation.attack;
  const scaled = { ...config, evaluation: { ...config.evaluation, attack: { ...a, eps: a.eps * epsScale } } };
  const n = Math.min(config.evaluation.count, data.test.labels.length);
  try {
    const result = await attackImages(model, data.test, scaled, { signal, onProgress: attackProgress(label) }, records ? n : 0);
    status.done();
    return result;
  } catch (e) {
    if (isCancelled(e)) throw new CliError('Cancelled during the attack', EXIT.cancelled);
    throw e;
  }
}

/** One record per attacked image, in test-set order: no pixels, only the numbers. */
export function imageRecords(result: ImageAttackResult): CsvRow[] {
  return [...result.examples]
    .sort((a, b) => a.index - b.index)
    .map((e) => ({
      index: e.index,
      label: e.label,
      prediction: e.prediction,
      adversarialPrediction: e.adversarialPrediction,
      confidence: f32(e.confidence),
      adversarialConfidence: f32(e.adversarialConfidence),
      perturbationNorm: f32(e.perturbationNorm),
      category: SPLIT_CATEGORIES[result.split.categories[e.index]],
    }));
}

/** How many test images an attack takes, said once on stderr when the test set is smaller than evaluation.count. */
export function noteAttackCount(config: ImageExperimentConfig, data: ImageData): number {
  const n = Math.min(config.evaluation.count, data.test.labels.length);
  if (n < config.evaluation.count) status.log(`note: evaluation.count is ${config.evaluation.count} but the test set has ${n} images; attacking all ${n}`);
  return n;
}
