/**
 * The inputs and models that several benchmark families share. The models are untrained (seeded
 * initial weights) and the inputs seeded uniform numbers: the cost of these operations does not
 * depend on the values, and the core has no file system to read real data from (it also runs in
 * the page's worker).
 */
import * as tf from '@tensorflow/tfjs';
import { makeGrid2d } from '../data/synthetic2d';
import { CNN_DEFAULTS, createCnn } from '../models/cnn';
import { createMlp } from '../models/mlp';
import { Rng } from '../random';

const GRID_RESOLUTION = 200;
export const GRID_POINTS = GRID_RESOLUTION * GRID_RESOLUTION;
/** A square around the default three Gaussians (in [0, 1]², std 0.05). */
const GRID_BOUNDS = { xMin: -0.1, xMax: 1.1, yMin: -0.1, yMax: 1.1 };

/** The 200 x 200 grid of the 2-D views, 40,000 points, as flat (x, y) pairs. */
export function benchGrid(): Float32Array {
  return makeGrid2d(GRID_BOUNDS, GRID_RESOLUTION);
}

/** The default MLP of the 2-D experiments: 4 hidden layers of 64 ReLU units, 3 classes, seed 1. */
export function benchMlp(): tf.Sequential {
  return createMlp({ inputDim: 2, numClasses: 3, seed: 1 });
}

/** Fashion-MNIST's shape: 28 x 28 grey pixels, 10 classes. */
export const IMAGE_SHAPE: [number, number, number] = [28, 28, 1];
export const IMAGE_CLASSES = 10;

/** `count` seeded uniform numbers in [0, 1). */
export function uniform(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.uniform();
  return out;
}

/**
 * n Fashion-MNIST-shaped images (NHWC, 28 x 28 x 1) of seeded uniform pixels in [0, 1) and
 * labels i % 10.
 */
export function benchImages(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const [h, w, c] = IMAGE_SHAPE;
  const labels = Int32Array.from({ length: n }, (_, i) => i % IMAGE_CLASSES);
  return { x: tf.tensor4d(uniform(n * h * w * c, seed), [n, h, w, c]), y: tf.tensor1d(labels, 'int32') };
}

/** The workbench's default image CNN (CNN_DEFAULTS) for those images, seed 1. */
export function benchCnn(): tf.Sequential {
  return createCnn({ ...CNN_DEFAULTS, inputShape: IMAGE_SHAPE, numClasses: IMAGE_CLASSES, seed: 1 });
}
