/**
 * The inputs of a model that lives in the worker: a 2-D playground model with its generated
 * dataset, or an image model with the loaded image dataset. Shared by the jobs that evaluate a
 * model on its data (smoothing, rejection, Rectified Rejection).
 */
import * as tf from '@tensorflow/tfjs';
import { makeDataset2d } from '../src/core/index';
import { getEntry } from './models';
import { getImageDataset, getImageModel } from './imageStore';
import type { SmoothingSource } from './smoothingProtocol';

export type ModelSource = SmoothingSource;

/** The model, the inputs of one part of its data (the first `max` of them; a tensor the caller disposes) and their labels. */
export function inputsOf(source: ModelSource, part: 'train' | 'test' = 'test', max = Infinity): { model: tf.LayersModel; x: tf.Tensor; labels: Int32Array; numClasses: number } {
  if (source.kind === '2d') {
    const { model, summary } = getEntry(source.modelId);
    const ds = makeDataset2d(summary.config.data);
    const all = part === 'train' ? ds.yTrain : ds.yTest;
    const labels = all.slice(0, Math.min(all.length, max));
    return { model, x: tf.tensor2d((part === 'train' ? ds.xTrain : ds.xTest).subarray(0, 2 * labels.length), [labels.length, 2]), labels, numClasses: summary.numClasses };
  }
  const { model, summary } = getImageModel(source.modelId);
  const data = getImageDataset(source.datasetId)[part];
  if (summary.inputShape.join('x') !== data.shape.join('x')) throw new Error(`The model takes ${summary.inputShape.join('×')} images but the dataset has ${data.shape.join('×')}.`);
  const labels = data.labels.slice(0, Math.min(data.labels.length, max));
  const size = data.shape[0] * data.shape[1] * data.shape[2];
  return { model, x: tf.tensor4d(data.images.subarray(0, size * labels.length), [labels.length, ...data.shape]), labels, numClasses: summary.numClasses };
}

