/**
 * The one way from a model source (a 2-D playground model with its generated dataset, or an
 * image model with the loaded image dataset) to the model, its description and its inputs.
 * Shared by the jobs that evaluate a model on its data (smoothing, noise rejection, Rectified
 * Rejection, verification).
 */
import * as tf from '@tensorflow/tfjs';
import { type ExperimentConfig, type LabelledSet, inputTensor, makeDataset2d, makeGrid2d } from '../src/core/index';
import { imageModels, playgroundModels } from './modelStore';
import { getImageDataset } from './imageDatasets';
import type { ModelSource } from './protocol/common';

export interface ResolvedSource {
  model: tf.LayersModel;
  name: string;
  is2d: boolean;
  /** K: the classes of the source's data (an image model may have more outputs, e.g. abstain classes). */
  dataClasses: number;
  /** The classes the model was stored with. */
  modelClasses: number;
  /** How it was trained (null: an imported model). */
  training: ExperimentConfig['training'] | null;
  /** The valid input range: [0, 1] for images (pixels), null for unbounded 2-D points. */
  box: [number, number] | null;
  /** Its data's inputs (row-major, NHWC for images) and labels, per part. */
  data(part: 'train' | 'test'): LabelledSet;
}

/** The source's model alone (its data may be gone: the page has one image dataset at a time). */
export const modelOf = (source: ModelSource): tf.LayersModel => (source.kind === '2d' ? playgroundModels : imageModels).get(source.modelId).model;

export function resolveSource(source: ModelSource): ResolvedSource {
  if (source.kind === '2d') {
    const { model, summary } = playgroundModels.get(source.modelId);
    return {
      model,
      name: summary.name,
      is2d: true,
      dataClasses: summary.numClasses,
      modelClasses: summary.numClasses,
      training: summary.config.training,
      box: null,
      data(part) {
        const ds = makeDataset2d(summary.config.data);
        return part === 'train' ? { x: ds.xTrain, labels: ds.yTrain, inputShape: [2] } : { x: ds.xTest, labels: ds.yTest, inputShape: [2] };
      },
    };
  }
  const { model, summary } = imageModels.get(source.modelId);
  const d = getImageDataset(source.datasetId);
  return {
    model,
    name: summary.name,
    is2d: false,
    dataClasses: d.test.numClasses,
    modelClasses: summary.numClasses,
    training: summary.config?.training ?? null,
    box: [0, 1],
    data(part) {
      const p = d[part];
      if (summary.inputShape.join('x') !== p.shape.join('x')) throw new Error(`The model takes ${summary.inputShape.join('×')} images but the dataset has ${p.shape.join('×')}.`);
      return { x: p.images, labels: p.labels, inputShape: p.shape };
    },
  };
}

/** The model, the inputs of one part of its data (the first `max` of them; a tensor the caller disposes) and their labels. */
export function inputsOf(source: ModelSource, part: 'train' | 'test' = 'test', max = Infinity): { model: tf.LayersModel; x: tf.Tensor; labels: Int32Array; numClasses: number } {
  const r = resolveSource(source);
  const all = r.data(part);
  const labels = all.labels.slice(0, Math.min(all.labels.length, max));
  const size = all.inputShape.reduce((a, b) => a * b, 1);
  const x = inputTensor({ x: all.x.subarray(0, size * labels.length), labels, inputShape: all.inputShape });
  return { model: r.model, x, labels, numClasses: r.modelClasses };
}

/** Refuses a grid resolution outside 2 … 400 cells per side. */
export function checkGridResolution(resolution: number): void {
  if (!(Number.isInteger(resolution) && resolution >= 2 && resolution <= 400)) throw new RangeError(`grid resolution must be a whole number from 2 to 400 (got ${resolution})`);
}

/** A 2-D model and the points of its plane on a resolution × resolution grid, row-major from (xMin, yMin): a tensor the caller disposes. */
export function planeGridOf(modelId: string, resolution: number) {
  const { model, summary } = playgroundModels.get(modelId);
  const { bounds } = makeDataset2d(summary.config.data);
  return { model, summary, bounds, points: tf.tensor2d(makeGrid2d(bounds, resolution), [resolution * resolution, 2]) };
}
