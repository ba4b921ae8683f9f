/**
 * The worker's sample rejection (workers/noiseRejectionApi.ts, paper 003) in Node: bad settings are
 * refused with a message, training streams epoch losses and keeps one system per model (its
 * weights the only tensors left), certification with rejection gives rows with countTop /
 * countRejected, cancelling keeps the finished epochs, and dropping the system frees everything.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { Rng, createCnn, createMlp, defaultExperiment, rejectionEvalDefaults2d } from '../../src/core';
import { attackingAtTrainedTemperature } from '../../workers/rconRejectionApi';
import { cancelJob } from '../../workers/jobs';
import { imageModels, playgroundModels } from '../../workers/modelStore';
import { putImageDataset } from '../../workers/imageDatasets';
import { certifyRejectionSet, dropRejectionSystem, rejectionTrainProblems, trainRejectionSystem } from '../../workers/noiseRejectionApi';
import type { ModelSource } from '../../workers/protocol/common';
import type { RejectionTrainSettings, RejectionTrainUpdate } from '../../workers/protocol/noiseRejection';
import type { CertificationRow, NoiseRejectionOptions } from '../../src/core';
import { useWasmBackend } from './helpers';

useWasmBackend();

const SETTINGS: RejectionTrainSettings = {
  sigma: 0.25,
  seed: 3,
  trainMax: 120,
  batchSize: 32,
  denoiserEpochs: 2,
  denoiserLearningRate: 1e-3,
  stabilityEpochs: 1,
  rejectorEpochs: 2,
  rejectorLearningRate: 1e-3,
  noiseDraws: 4,
  threshold: 0.5,
};

const OPTIONS: NoiseRejectionOptions = { sigma: 0.25, n0: 20, n: 200, alpha: 0.01, batchSize: 200, seed: 1, threshold: 0.5, splitAlpha: false };

function addModel(id: string): ModelSource {
  const config = defaultExperiment();
  config.data = { ...config.data, size: 200 };
  const model = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 8, seed: 1 });
  playgroundModels.put(model, { id, name: id, method: 'standard', config, numClasses: 3, epochsCompleted: 0, history: [] });
  return { kind: '2d', modelId: id };
}

const noProgress = () => {};

test('bad settings are refused with a message that names them', async () => {
  const source = addModel('bad');
  const bad = { ...SETTINGS, noiseDraws: 0, sigma: 0, rejectorEpochs: 0 };
  expect(rejectionTrainProblems(SETTINGS)).toEqual([]);
  await expect(trainRejectionSystem('j-bad', source, bad, noProgress, noProgress)).rejects.toThrow(/Rejection training settings refused: .*rejector epochs must be between 1 and 10000 \(got 0\).*sigma must be > 0 and ≤ 10000 \(got 0\).*noise draws T must be between 1 and 1000 \(got 0\)/);
  await expect(certifyRejectionSet('j-bad2', source, { mode: 'certify', options: OPTIONS, skip: 1, max: 5 }, noProgress, noProgress)).rejects.toThrow(/no denoiser and rejectors yet/);
  await expect(certifyRejectionSet('j-bad3', source, { mode: 'certify', options: { ...OPTIONS, threshold: 2 }, skip: 1, max: 5 }, noProgress, noProgress)).rejects.toThrow(/the rejection threshold must be ≥ 0 and ≤ 1 \(got 2\)/);
});

test('train, certify with rejection, retrain, drop: only the system’s weights stay, then nothing', async () => {
  const source = addModel('m1');
  const start = tf.memory().numTensors;
  const updates: RejectionTrainUpdate[] = [];
  const fractions: number[] = [];
  const view = await trainRejectionSystem('j1', source, SETTINGS, (u) => updates.push(u), (f) => fractions.push(f));
  expect(view.status).toBe('completed');
  expect(view.stored).toBe(true);
  expect(updates.map((u) => `${u.part}:${u.stats.stage}`)).toEqual(['denoiser:mse', 'denoiser:mse', 'denoiser:stability', 'rejectors:rejection', 'rejectors:rejection']);
  expect(view.denoiser).toMatchObject({ kind: 'mlp', epochsPlanned: 3, epochsCompleted: 3 });
  expect(view.rejectors).toMatchObject({ kind: 'mlp', epochsPlanned: 2, epochsCompleted: 2 });
  expect(view.trainInputs).toBe(120);
  const ev = view.rejectors.evaluation!;
  for (const v of [ev.rejectRate, ev.accuracy, ev.targetRate]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  expect(view.denoiser.evaluation!.mse).toBeGreaterThan(0);
  expect(fractions.at(-1)).toBe(1);
  expect(tf.memory().numTensors).toBe(start + view.weightTensors);

  const rows: CertificationRow[] = [];
  const out = await certifyRejectionSet('j2', source, { mode: 'certify', options: OPTIONS, skip: 2, max: 6 }, (r) => rows.push(r), noProgress);
  expect(out.cancelled).toBe(false);
  expect(out.rows.map((r) => r.idx)).toEqual([0, 2, 4, 6, 8, 10]);
  expect(rows).toHaveLength(6);
  for (const r of out.rows) {
    expect(r.countTop! + r.countRejected!).toBeLessThanOrEqual(OPTIONS.n);
    expect(r.counts).toHaveLength(4); // 3 classes + R
    expect(r.radius).toBeGreaterThanOrEqual(0);
  }
  expect(tf.memory().numTensors).toBe(start + view.weightTensors);
  await expect(certifyRejectionSet('j3', source, { mode: 'certify', options: { ...OPTIONS, sigma: 0.5 }, skip: 1, max: 2 }, noProgress, noProgress)).rejects.toThrow(/trained at σ = 0.25/);

  // Retraining replaces the system (the older one is disposed); no denoiser with 0 epochs.
  const again = await trainRejectionSystem('j4', source, { ...SETTINGS, denoiserEpochs: 0, stabilityEpochs: 0, rejectorEpochs: 1 }, noProgress, noProgress);
  expect(again.denoiser.kind).toBe('none');
  expect(again.denoiser.evaluation).toBeNull();
  expect(tf.memory().numTensors).toBe(start + again.weightTensors);
  dropRejectionSystem(source);
  expect(tf.memory().numTensors).toBe(start);
});

test('cancelling keeps the finished rejector epochs; cancelling before any leaves the earlier system', async () => {
  const source = addModel('m2');
  const start = tf.memory().numTensors;
  const view = await trainRejectionSystem(
    'j5',
    source,
    { ...SETTINGS, rejectorEpochs: 50 },
    (u) => {
      if (u.part === 'rejectors' && u.stats.epoch === 1) cancelJob('j5');
    },
    noProgress,
  );
  expect(view.status).toBe('cancelled');
  expect(view.stored).toBe(true);
  expect(view.rejectors.epochsCompleted).toBe(1);
  expect(view.message).toMatch(/Cancelled during epoch 2/);
  expect(tf.memory().numTensors).toBe(start + view.weightTensors);

  // Cancelled during the denoiser: nothing new is kept, the system above still certifies.
  const early = await trainRejectionSystem('j6', source, { ...SETTINGS, denoiserEpochs: 50 }, (u) => u.stats.epoch === 1 && cancelJob('j6'), noProgress);
  expect(early).toMatchObject({ status: 'cancelled', stored: false });
  expect(early.message).toMatch(/Nothing was kept/);
  expect(tf.memory().numTensors).toBe(start + view.weightTensors);
  const out = await certifyRejectionSet('j7', source, { mode: 'predict', options: OPTIONS, skip: 1, max: 2 }, noProgress, noProgress);
  expect(out.rows).toHaveLength(2);
  expect(out.rows[0].radius).toBeNull();

  // A retrained model makes the system stale: refused, and freed.
  addModel('m2');
  await expect(certifyRejectionSet('j8', source, { mode: 'certify', options: OPTIONS, skip: 1, max: 2 }, noProgress, noProgress)).rejects.toThrow(/retrained/);
  expect(tf.memory().numTensors).toBe(start);
});

test('an image model gets a DnCNN denoiser and CNN rejectors, trained on at most trainMax images', async () => {
  const shape: [number, number, number] = [8, 8, 1];
  const rng = new Rng(5);
  const part = (n: number) => ({ images: Float32Array.from({ length: n * 64 }, () => rng.uniform()), labels: Int32Array.from({ length: n }, (_, i) => i % 2), shape, numClasses: 2, source: 'random' });
  putImageDataset({ id: 'd1', name: 'random', train: part(40), test: part(10), testSource: 'file' });
  const model = createCnn({ inputShape: shape, numClasses: 2, convLayers: 1, filters: 4, dense: 0 });
  imageModels.put(model, { id: 'i1', name: 'cnn', source: 'trained', method: 'standard', config: null, datasetName: 'random', inputShape: [...shape], numClasses: 2, classNames: ['a', 'b'], epochsCompleted: 0, history: [] });
  const source: ModelSource = { kind: 'image', modelId: 'i1', datasetId: 'd1' };
  const start = tf.memory().numTensors;
  const view = await trainRejectionSystem('j9', source, { ...SETTINGS, trainMax: 16, denoiserEpochs: 1, stabilityEpochs: 0, rejectorEpochs: 1, noiseDraws: 2 }, noProgress, noProgress);
  expect(view).toMatchObject({ status: 'completed', stored: true, trainInputs: 16, evalInputs: 10 });
  expect(view.denoiser.kind).toBe('dncnn');
  expect(view.rejectors.kind).toBe('cnn');
  const out = await certifyRejectionSet('j10', source, { mode: 'certify', options: { ...OPTIONS, n0: 10, n: 40 }, skip: 1, max: 2 }, noProgress, noProgress);
  expect(out.rows).toHaveLength(2);
  expect(out.rows.every((r) => r.countTop! + r.countRejected! <= 40)).toBe(true);
  dropRejectionSystem(source);
  expect(tf.memory().numTensors).toBe(start);
});

test("the page's adaptive settings without a temperature attack R-Con at the model's RR training τ, and say so", () => {
  const config = rejectionEvalDefaults2d();
  const adaptive = config.settings.filter((s) => s.kind === 'adaptive');
  expect(adaptive.length).toBeGreaterThan(0);
  const resolved = attackingAtTrainedTemperature(config, 0.25);
  for (const s of resolved.settings) {
    if (s.kind !== 'adaptive') continue;
    expect(s.attackTemperature).toBe(0.25);
    expect(s.label).toMatch(/R-Con at τ=0\.25$/);
  }
  // A setting that names its temperature keeps it; without a trained τ the config's applies.
  const named = { ...config, settings: config.settings.map((s) => (s.kind === 'adaptive' ? { ...s, attackTemperature: 1 } : s)) };
  expect(attackingAtTrainedTemperature(named, 0.25).settings.filter((s) => s.kind === 'adaptive').map((s) => s.attackTemperature)).toEqual(adaptive.map(() => 1));
  expect(attackingAtTrainedTemperature(config, null).settings.find((s) => s.kind === 'adaptive')!.attackTemperature).toBe(config.temperature);
  // The other settings are untouched.
  expect(resolved.settings.filter((s) => s.kind !== 'adaptive')).toEqual(config.settings.filter((s) => s.kind !== 'adaptive'));
});
