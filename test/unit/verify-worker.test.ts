/**
 * The worker's verification (workers/verifyApi.ts, paper 004) in Node: what it says about a
 * model (K, M, whether CROWN applies), verification with IBP and CROWN side by side, PGD with the
 * abstain rule, bad requests and misfit models refused with a message, cancellation, and the
 * tensor count unchanged after every call.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { Rng, createCnn, createMlp, defaultExperiment } from '../../src/core';
import { cancelJob } from '../../workers/jobs';
import { imageModels, playgroundModels } from '../../workers/modelStore';
import { putImageDataset } from '../../workers/imageDatasets';
import { abstainPgdTable, verifyInfo, verifyModel } from '../../workers/verifyApi';
import type { ModelSource } from '../../workers/protocol/common';
import { useWasmBackend } from './helpers';

useWasmBackend();

/** A 2-D model with `outputs` logits on three-class data (K = 3). */
function addModel(id: string, outputs: number, trainedM = Math.max(0, outputs - 3)): ModelSource {
  const config = defaultExperiment();
  config.data = { ...config.data, size: 200 };
  config.training = { ...config.training, method: 'ibp', ibp: { ...config.training.ibp, abstainClasses: trainedM } };
  const model = createMlp({ inputDim: 2, numClasses: outputs, depth: 2, width: 8, seed: 1 });
  playgroundModels.put(model, { id, name: id, method: 'ibp', config, numClasses: 3, epochsCompleted: 0, history: [] });
  return { kind: '2d', modelId: id };
}

const noProgress = () => {};

test('verifyInfo: K, M and CROWN for an MLP; a model with fewer outputs than K is named a misfit', async () => {
  const five = addModel('m5', 5);
  const two = addModel('m2', 2);
  const six = addModel('m6', 6, 2);
  const start = tf.memory().numTensors;
  const info = await verifyInfo(five);
  expect(info).toMatchObject({ numClasses: 3, outputs: 5, abstainClasses: 2, problem: null, crownProblem: null, testCount: 40, is2d: true });
  const misfit = await verifyInfo(two);
  expect(misfit.abstainClasses).toBeNull();
  expect(misfit.problem).toMatch(/2 outputs, fewer than K = 3/);
  const odd = await verifyInfo(six);
  expect(odd.problem).toMatch(/6 outputs.*3 abstain classes, but it was trained with M = 2/);
  await expect(verifyModel('j-misfit', two, { eps: 0.1, bounds: ['ibp'], iterations: 10, count: 10 }, noProgress)).rejects.toThrow(/fewer than K = 3/);
  expect(tf.memory().numTensors).toBe(start);
});

test('verifyModel: IBP and CROWN side by side, CROWN no looser; bad requests refused; cancel', async () => {
  const source = addModel('v', 5);
  const start = tf.memory().numTensors;
  const fractions: number[] = [];
  const view = await verifyModel('j1', source, { eps: 0.05, bounds: ['ibp', 'crown'], iterations: 20, count: 1000 }, (f) => fractions.push(f));
  expect(view).toMatchObject({ numClasses: 3, abstainClasses: 2, n: 40, eps: 0.05 });
  const [ibp, crown] = view.results;
  expect([ibp.bound, crown.bound]).toEqual(['ibp', 'crown']);
  for (const r of view.results) {
    expect(r.verifiedError).toBeGreaterThanOrEqual(r.standardError);
    expect(r.verified).toHaveLength(40);
    expect(r.certifiedShare).toBeCloseTo(r.certified.reduce((a, b) => a + b, 0) / 40, 9);
    expect(r.msPerInput).toBeGreaterThanOrEqual(0);
  }
  expect(crown.standardError).toBe(ibp.standardError);
  expect(crown.certifiedShare).toBeGreaterThanOrEqual(ibp.certifiedShare);
  expect(fractions[fractions.length - 1]).toBe(1);
  expect(tf.memory().numTensors).toBe(start);
  // eps 0: every correctly classified input is verified.
  const zero = await verifyModel('j0', source, { eps: 0, bounds: ['ibp'], iterations: 20, count: 1000 }, noProgress);
  expect(zero.results[0].verifiedError).toBeCloseTo(zero.results[0].standardError, 9);
  await expect(verifyModel('j2', source, { eps: -1, bounds: ['ibp'], iterations: 20, count: 5 }, noProgress)).rejects.toThrow(/eps must be/);
  await expect(verifyModel('j3', source, { eps: 0.1, bounds: ['ibp'], iterations: 5000, count: 5 }, noProgress)).rejects.toThrow(/iterations must be/);
  await expect(verifyModel('j4', source, { eps: 0.1, bounds: [], iterations: 5, count: 5 }, noProgress)).rejects.toThrow(/bounds/);
  cancelJob('j5');
  await expect(verifyModel('j5', source, { eps: 0.1, bounds: ['ibp'], iterations: 5, count: 40 }, noProgress)).rejects.toThrow(/cancel/i);
  expect(tf.memory().numTensors).toBe(start);
});

test('abstainPgdTable: standard ≤ PGD error ≤ verified error, detections per abstain class', async () => {
  const source = addModel('p', 5);
  const start = tf.memory().numTensors;
  const eps = 0.05;
  const v = await verifyModel('j6', source, { eps, bounds: ['ibp'], iterations: 50, count: 1000 }, noProgress);
  const t = await abstainPgdTable('j7', source, { eps, steps: 10, restarts: 2, count: 1000, seed: 1 }, noProgress);
  expect(t).toMatchObject({ n: 40, numClasses: 3, numAbstain: 2, eps, steps: 10, restarts: 2 });
  expect(t.detectedPerClass).toHaveLength(2);
  expect(t.standardError).toBeCloseTo(v.results[0].standardError, 9);
  expect(t.pgdError).toBeGreaterThanOrEqual(t.standardError);
  expect(t.pgdError).toBeLessThanOrEqual(v.results[0].verifiedError + 1e-9);
  expect(tf.memory().numTensors).toBe(start);
});

test('an image CNN: K from the dataset, CROWN refused with a reason, IBP verifies inside [0, 1]', async () => {
  const shape: [number, number, number] = [8, 8, 1];
  const rng = new Rng(5);
  const part = (n: number) => ({ images: Float32Array.from({ length: n * 64 }, () => rng.uniform()), labels: Int32Array.from({ length: n }, (_, i) => i % 2), shape, numClasses: 2, source: 'random' });
  putImageDataset({ id: 'd1', name: 'random', train: part(20), test: part(10), testSource: 'file' });
  const model = createCnn({ inputShape: shape, numClasses: 3, convLayers: 1, filters: 4, dense: 0 });
  imageModels.put(model, { id: 'i1', name: 'cnn', source: 'trained', method: 'ibp', config: null, datasetName: 'random', inputShape: [...shape], numClasses: 2, classNames: ['a', 'b'], epochsCompleted: 0, history: [] });
  const source: ModelSource = { kind: 'image', modelId: 'i1', datasetId: 'd1' };
  const start = tf.memory().numTensors;
  const info = await verifyInfo(source);
  expect(info).toMatchObject({ numClasses: 2, outputs: 3, abstainClasses: 1, problem: null, testCount: 10, is2d: false });
  expect(info.crownProblem).toMatch(/CROWN/);
  const view = await verifyModel('j8', source, { eps: 2 / 255, bounds: ['ibp'], iterations: 10, count: 6 }, noProgress);
  expect(view.n).toBe(6);
  expect(view.results[0].verifiedError).toBeGreaterThanOrEqual(view.results[0].standardError);
  await expect(verifyModel('j9', source, { eps: 2 / 255, bounds: ['crown'], iterations: 10, count: 6 }, noProgress)).rejects.toThrow(/CROWN/);
  expect(tf.memory().numTensors).toBe(start);
});
