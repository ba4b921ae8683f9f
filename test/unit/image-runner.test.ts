/**
 * Image experiments end to end on the shipped Fashion-MNIST subset: record selection, a small
 * CNN (with and without the Normalize layer) and the MLP train, and the attack returns the
 * split and examples that stay in the eps-ball and in [0, 1].
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { type ImageDataset, attackImages, datasetFromFiles, defaultImageExperiment, parseDatasetFile, selectRecords, trainImageModel, validateImageExperiment } from '../../src/core';
import { useWasmBackend } from './helpers';

useWasmBackend();

const DIR = 'public/data/fashion-mnist-subset';
let trainSet: ImageDataset;
let testSet: ImageDataset;

function load(prefix: string): ImageDataset {
  const images = parseDatasetFile(`${prefix}-images-idx3-ubyte.gz`, readFileSync(`${DIR}/${prefix}-images-idx3-ubyte.gz`));
  const labels = parseDatasetFile(`${prefix}-labels-idx1-ubyte.gz`, readFileSync(`${DIR}/${prefix}-labels-idx1-ubyte.gz`));
  return datasetFromFiles(images, labels);
}

beforeAll(() => {
  trainSet = load('train');
  testSet = load('t10k');
});

test('the defaults are valid; records are selected as asked', () => {
  const c = defaultImageExperiment();
  expect(validateImageExperiment(c)).toEqual({});
  expect(validateImageExperiment({ ...c, evaluation: { ...c.evaluation, count: 0 } })).toHaveProperty(['evaluation.count']);
  expect(selectRecords(trainSet, 0, c).labels.length).toBe(2000);
  expect(selectRecords(trainSet, 300, c).labels.length).toBe(300);
  const perClass = selectRecords(trainSet, 300, { ...c, data: { ...c.data, subset: 'per-class' } });
  const counts = new Array(10).fill(0);
  perClass.labels.forEach((l) => counts[l]++);
  expect(counts).toEqual(new Array(10).fill(30));
});

test('a small CNN with normalisation learns Fashion-MNIST in 2 epochs, and the attack results are consistent', async () => {
  const before = tf.memory().numTensors;
  const c = defaultImageExperiment();
  c.model = { ...c.model, convLayers: 2, filters: 8, dense: 32, normalize: true };
  c.training = { ...c.training, epochs: 2, batchSize: 32 };
  c.evaluation = { attack: { ...c.evaluation.attack, steps: 5, eps: 8 / 255 }, count: 100 };
  const train = selectRecords(trainSet, 1000, c);
  const { model, result } = await trainImageModel(c, train, testSet);
  expect(result.status).toBe('completed');
  expect(model.layers[0].getClassName()).toBe('WorkbenchNormalize');
  expect(result.history.at(-1)!.testAccuracy!).toBeGreaterThan(0.55);
  const attack = await attackImages(model, testSet, c, {}, 6);
  expect(attack.split.n).toBe(100);
  const f = attack.split.fractions;
  expect(f.robustAccurate + f.robustInaccurate + f.nonRobustAccurate + f.nonRobustInaccurate).toBeCloseTo(1, 10);
  expect(attack.split.robustAccuracy).toBeLessThanOrEqual(attack.split.naturalAccuracy);
  expect(attack.examples).toHaveLength(6);
  for (const e of attack.examples) {
    expect(e.clean).toHaveLength(784);
    expect(e.perturbationNorm).toBeLessThanOrEqual(8 / 255 + 1e-6);
    for (let i = 0; i < 784; i++) {
      expect(e.adversarial[i]).toBeGreaterThanOrEqual(0);
      expect(e.adversarial[i]).toBeLessThanOrEqual(1);
    }
    expect(e.confidence).toBeGreaterThan(0);
    expect(e.confidence).toBeLessThanOrEqual(1);
  }
  // Non-robust examples come first.
  const firstRobust = attack.examples.findIndex((e) => e.prediction === e.adversarialPrediction);
  if (firstRobust >= 0) expect(attack.examples.slice(firstRobust).every((e) => e.prediction === e.adversarialPrediction)).toBe(true);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 300_000);

test('the MLP on images trains too; it refuses a Normalize layer', async () => {
  const c = defaultImageExperiment();
  c.model = { ...c.model, kind: 'mlp', depth: 1, width: 32, normalize: false };
  c.training = { ...c.training, epochs: 1, batchSize: 50 };
  const { model, result } = await trainImageModel(c, selectRecords(trainSet, 500, c), null);
  expect(result.status).toBe('completed');
  expect(result.history[0].trainAccuracy).toBeGreaterThan(0.4);
  model.dispose();
  await expect(trainImageModel({ ...c, model: { ...c.model, normalize: true } }, selectRecords(trainSet, 100, c), null)).rejects.toThrow(/Normalize/);
});
