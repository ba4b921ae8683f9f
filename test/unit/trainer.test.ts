/**
 * src/core/training/trainer.ts and the runner: training raises accuracy, is reproducible from
 * its seed, rolls back to the last completed epoch when cancelled or when the loss diverges,
 * runs every method, and leaves no tensors behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  METHODS,
  TRAINING_METHODS,
  TRAIN_DEFAULTS,
  bestOtherClass,
  crossEntropy,
  type TrainCheckpoint,
  type TrainConfig,
  type TrainProgress,
  createMlp,
  defaultExperiment,
  evaluateClean,
  predictGrid,
  runTraining,
  train,
} from '../../src/core';
import { createModelWithHeads } from '../../src/core/models/heads';
import { type TrainingMethodName, abstainOutputsOf, methodHeads } from '../../src/core/training/method';
import { expectNoTensorLeak, expectSameWeights, useWasmBackend, weightsDiffer, weightsOf, threeBlobs } from './helpers';

useWasmBackend();

let x: tf.Tensor2D;
let y: tf.Tensor1D;
let xTest: tf.Tensor2D;
let yTest: tf.Tensor1D;

beforeAll(() => {
  // 75 points → 60 for training, 15 held out.
  const ds = threeBlobs(75, 1);
  x = tf.tensor2d(ds.xTrain, [ds.yTrain.length, 2]);
  y = tf.tensor1d(ds.yTrain, 'int32');
  xTest = tf.tensor2d(ds.xTest, [ds.yTest.length, 2]);
  yTest = tf.tensor1d(ds.yTest, 'int32');
  expect(x.shape[0]).toBe(60);
});
afterAll(() => tf.dispose([x, y, xTest, yTest]));

const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({ ...TRAIN_DEFAULTS, method: 'standard', epochs: 3, batchSize: 10, learningRate: 0.1, seed: 4, ...over });
const newModel = (seed = 2) => createMlp({ inputDim: 2, numClasses: 3, seed });
/** The MLP a method trains: with Rectified Rejection's or SelectiveNet's heads where the method needs them. */
const modelFor = (method: TrainingMethodName, o: { depth: number; width: number; seed: number }) =>
  createModelWithHeads(methodHeads(method), { kind: 'mlp', inputDim: 2, numClasses: 3 + abstainOutputsOf({ method, ibp: TRAIN_DEFAULTS.ibp }), ...o });

describe('standard training', () => {
  test('raises accuracy well above chance on three Gaussians (60 points, 3 epochs, batch 10)', async () => {
    const model = newModel();
    const before = await evaluateClean(model, x, y);
    const events: TrainProgress[] = [];
    const result = await expectNoTensorLeak(() => train(model, { x, y, xTest, yTest }, config(), (p) => void events.push(p)));
    expect(result.status).toBe('completed');
    // The method in words, not its id.
    expect(result.message).toBe('Trained 3 epochs with Standard.');
    expect(result.epochsCompleted).toBe(3);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    const last = result.history[2];
    expect(last.trainAccuracy).toBeGreaterThan(0.8);
    expect(last.testAccuracy!).toBeGreaterThan(0.6);
    expect(last.trainLoss).toBeLessThan(before.loss);
    expect(last.trainLoss).toBeLessThan(Math.log(3));
    for (const h of result.history) expect(Number.isFinite(h.objective)).toBe(true);
    // The history agrees with a fresh evaluation of the final model.
    const after = await evaluateClean(model, x, y);
    expect(after.accuracy).toBe(last.trainAccuracy);
    expect(after.loss).toBeCloseTo(last.trainLoss, 5);
    // One epoch event per epoch, in order, with a non-increasing ETA.
    const epochEvents = events.filter((e) => e.kind === 'epoch');
    expect(epochEvents.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochEvents[2].kind === 'epoch' && epochEvents[2].etaMs).toBe(0);
    model.dispose();
  });

  test('the same seed gives identical weights; another shuffle seed gives others', async () => {
    const run = async (seed: number, method: TrainConfig['method'] = 'standard') => {
      const model = newModel(9);
      await train(model, { x, y }, config({ seed, epochs: 2, method }));
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    expectSameWeights(await run(1), await run(1));
    expect(weightsDiffer(await run(1), await run(2))).toBe(true);
    // With an attack in the loop too (its random starts derive from the seed).
    expectSameWeights(await run(3, 'pgd-at'), await run(3, 'pgd-at'));
  });

  test('evaluateClean on an empty set gives NaN', async () => {
    const model = newModel();
    const r = await evaluateClean(model, tf.zeros([0, 2]), tf.zeros([0], 'int32') as tf.Tensor1D);
    expect(Number.isNaN(r.loss) && Number.isNaN(r.accuracy)).toBe(true);
    model.dispose();
  });
});

describe('resuming from a checkpoint', () => {
  test.each([
    ['adam', { optimizer: 'adam', learningRate: 0.01, method: 'pgd-at' }],
    ['momentum', { optimizer: 'sgd', momentum: 0.9, method: 'standard' }],
    ['sgd', { optimizer: 'sgd', momentum: 0, method: 'trades' }],
  ] as const)('%s: a run resumed from its epoch-2 checkpoint ends bit for bit as the run that was not stopped', async (_, over) => {
    const c = config({ epochs: 4, ...over } as Partial<TrainConfig>);
    const whole = newModel(5);
    const checkpoints: TrainCheckpoint[] = [];
    const full = await expectNoTensorLeak(() => train(whole, { x, y, xTest, yTest }, c, undefined, null, { onEpoch: (ck) => void checkpoints.push(ck) }));
    expect(checkpoints.map((k) => k.epochs)).toEqual([1, 2, 3, 4]);
    expect(checkpoints[1].optimizer[0]).toMatchObject({ name: 'iter', shape: [] });
    expect(checkpoints[1].optimizer[0].values[0]).toBe(12); // 2 epochs of 6 batches
    // A fresh model of another seed: everything it needs comes from the checkpoint.
    const resumed = newModel(77);
    const epochs: number[] = [];
    const rest = await expectNoTensorLeak(() => train(resumed, { x, y, xTest, yTest }, c, (p) => void (p.kind === 'epoch' && epochs.push(p.epoch)), null, { from: checkpoints[1] }));
    expect(epochs).toEqual([3, 4]);
    expect(rest.status).toBe('completed');
    expect(rest.history).toEqual(full.history);
    expectSameWeights(weightsOf(resumed), weightsOf(whole));
    // A checkpoint of the last epoch trains nothing more.
    const done = newModel(78);
    const none = await train(done, { x, y }, c, undefined, null, { from: checkpoints[3] });
    expect(none.epochsCompleted).toBe(4);
    expectSameWeights(weightsOf(done), weightsOf(whole));
    for (const m of [whole, resumed, done]) m.dispose();
  });

  test('a checkpoint of another model or run is refused before anything changes', async () => {
    const model = newModel(5);
    const checkpoints: TrainCheckpoint[] = [];
    await train(model, { x, y }, config({ epochs: 2 }), undefined, null, { onEpoch: (ck) => void checkpoints.push(ck) });
    const wide = createMlp({ inputDim: 2, numClasses: 3, width: 17, seed: 1 });
    const before = weightsOf(wide);
    await expectNoTensorLeak(() => expect(train(wide, { x, y }, config({ epochs: 2 }), undefined, null, { from: checkpoints[0] })).rejects.toThrow(/weight 0 \("[^"]+"\) has shape \[2,\d+\] but the model's "[^"]+" has \[2,17\]: it is another model/));
    expectSameWeights(weightsOf(wide), before);
    await expect(train(model, { x, y }, config({ epochs: 1 }), undefined, null, { from: checkpoints[1] })).rejects.toThrow(/epochs must be a whole number from 0 to 1 \(got 2\)/);
    const broken = { ...checkpoints[0], weights: checkpoints[0].weights.map((w, i) => (i ? w : { ...w, values: w.values.map(() => NaN) })) };
    await expect(train(model, { x, y }, config({ epochs: 2 }), undefined, null, { from: broken })).rejects.toThrow(/has a non-finite value at index 0/);
    model.dispose();
    wide.dispose();
  });
});

describe('cancel and divergence', () => {
  test('cancelled during epoch 2: status cancelled, weights from the end of epoch 1', async () => {
    const model = newModel();
    const controller = new AbortController();
    let afterEpoch1: Float32Array[] | null = null;
    let midEpoch2: Float32Array[] | null = null;
    const result = await expectNoTensorLeak(() =>
      train(model, { x, y }, config({ epochs: 4 }), async (p) => {
        if (p.kind === 'epoch' && p.epoch === 1) {
          afterEpoch1 = weightsOf(model);
          // Batch events are throttled to one per 100 ms; waiting makes the next batch report.
          await new Promise((r) => setTimeout(r, 150));
        }
        if (p.kind === 'batch' && p.epoch === 2 && !controller.signal.aborted) {
          midEpoch2 = weightsOf(model); // already changed by epoch 2's first batch(es)
          controller.abort();
        }
      }, controller.signal),
    );
    expect(result.status).toBe('cancelled');
    expect(result.epochsCompleted).toBe(1);
    expect(result.history.length).toBe(1);
    expect(result.message).toMatch(/epoch 2/);
    expect(afterEpoch1).not.toBeNull();
    expect(midEpoch2).not.toBeNull();
    expect(weightsDiffer(midEpoch2!, afterEpoch1!)).toBe(true);
    expectSameWeights(weightsOf(model), afterEpoch1!);
    model.dispose();
  });

  test('cancelled before the first batch: initial weights', async () => {
    const model = newModel();
    const initial = weightsOf(model);
    const controller = new AbortController();
    controller.abort();
    const result = await expectNoTensorLeak(() => train(model, { x, y }, config(), undefined, controller.signal));
    expect(result.status).toBe('cancelled');
    expect(result.epochsCompleted).toBe(0);
    expect(result.message).toMatch(/initial weights/);
    expectSameWeights(weightsOf(model), initial);
    model.dispose();
  });

  test('a diverging run (learning rate 1e6) stops with a message and the initial weights', async () => {
    const model = newModel();
    const initial = weightsOf(model);
    const result = await expectNoTensorLeak(() => train(model, { x, y }, config({ learningRate: 1e6 })));
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/NaN|Infinity/);
    expect(result.message).toMatch(/initial weights/);
    expect(result.epochsCompleted).toBe(0);
    expectSameWeights(weightsOf(model), initial);
    expect(weightsOf(model).every((w) => w.every(Number.isFinite))).toBe(true);
    model.dispose();
  });

  test('NaN in the data: diverged at the batch that holds it, initial weights', async () => {
    const model = newModel();
    const initial = weightsOf(model);
    const data = x.arraySync();
    data[37][1] = NaN;
    const xNaN = tf.tensor2d(data);
    const result = await expectNoTensorLeak(() => train(model, { x: xNaN, y }, config()));
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/became NaN at epoch 1/);
    expectSameWeights(weightsOf(model), initial);
    xNaN.dispose();
    model.dispose();
  });

  test('diverging in epoch 2 rolls back to the end of epoch 1', async () => {
    const model = newModel();
    let afterEpoch1: Float32Array[] | null = null;
    const result = await expectNoTensorLeak(() =>
      train(model, { x, y }, config({ epochs: 3 }), (p) => {
        if (p.kind === 'epoch' && p.epoch === 1) {
          afterEpoch1 = weightsOf(model);
          // Poison one weight: the next batch's loss is NaN.
          const ws = model.getWeights().map((w) => w.clone());
          const bad = tf.fill(ws[0].shape, NaN);
          ws[0].dispose();
          ws[0] = bad;
          model.setWeights(ws);
          tf.dispose(ws);
        }
      }),
    );
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/epoch 2/);
    expect(result.message).toMatch(/end of epoch 1/);
    expect(result.epochsCompleted).toBe(1);
    expectSameWeights(weightsOf(model), afterEpoch1!);
    model.dispose();
  });
});

describe.each(TRAINING_METHODS.filter((m) => m !== 'standard'))('%s', (method) => {
  test('one epoch on a tiny set completes, changes the weights and leaks nothing', async () => {
    const model = modelFor(method, { depth: 2, width: 16, seed: 5 });
    const initial = weightsOf(model);
    const cfg = config({ method, epochs: 1, attack: { norm: 'linf', eps: 0.2, steps: 3, stepSize: 0 } });
    const result = await expectNoTensorLeak(() => train(model, { x, y, xTest, yTest }, cfg));
    expect(result.status).toBe('completed');
    expect(result.history.length).toBe(1);
    const h = result.history[0];
    expect(Number.isFinite(h.objective) && h.objective > 0).toBe(true);
    expect(h.trainAccuracy).toBeGreaterThanOrEqual(0);
    expect(h.testAccuracy).not.toBeNull();
    expect(weightsDiffer(weightsOf(model), initial)).toBe(true);
    model.dispose();
  });

  test('l2 attack, Adam and a box work too', async () => {
    const model = modelFor(method, { depth: 1, width: 8, seed: 6 });
    const cfg = config({ method, epochs: 1, optimizer: 'adam', learningRate: 0.01, box: [-4, 4], attack: { norm: 'l2', eps: 0.3, steps: 2, stepSize: 0 } });
    const result = await expectNoTensorLeak(() => train(model, { x, y }, cfg));
    expect(result.status).toBe('completed');
    model.dispose();
  });
});

describe('prepare (the attacks inside training)', () => {
  const params = { attack: { norm: 'linf' as const, eps: 0.25, steps: 5, stepSize: 0 }, box: null, tradesBeta: 6, eraBeta: 1 };

  test.each(TRAINING_METHODS)('%s: prepared points stay in the eps-ball; the caller owns every tensor', async (method) => {
    const model = modelFor(method, { depth: 2, width: 16, seed: 8 });
    await expectNoTensorLeak(async () => {
      const prepared = await METHODS[method].prepare(model, x, y, params, 3);
      for (const key of ['xAdv', 'xNonRobust']) {
        if (!prepared[key]) continue;
        expect(prepared[key].shape).toEqual(x.shape);
        const dist = tf.tidy(() => tf.max(tf.abs(tf.sub(prepared[key], x))));
        expect(dist.dataSync()[0]).toBeLessThanOrEqual(0.25 + 1e-5);
        dist.dispose();
      }
      tf.dispose(Object.values(prepared));
    });
    const again = await METHODS[method].prepare(model, x, y, params, 3);
    expect(Object.keys(again).sort()).toEqual({ standard: [], 'pgd-at': ['xAdv'], trades: ['xAdv'], era: ['target', 'xAdv', 'xNonRobust'], gaussian: ['noise'], 'cat-rs': ['active', 'dStar', 'kPlus', 'lowWeight', 'noise'], cra: ['noise', 'noise0'], 'rr-pgd-at': ['xAdv'], 'rr-trades': ['xAdv'], 'selectivenet-pgd-at': ['xAdv'], ibp: [] }[method]);
    tf.dispose(Object.values(again));
    model.dispose();
  });

  test('era: target is the best class other than F(x) at x″, and x″ moves towards it', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 8 });
    const prepared = await METHODS.era.prepare(model, x, y, params, 3);
    const [target, predicted, expectedTarget, ceAtX, ceAtNonRobust] = tf.tidy(() => {
      const pred = tf.argMax(model.apply(x) as tf.Tensor, 1) as tf.Tensor1D;
      const zNR = model.apply(prepared.xNonRobust) as tf.Tensor2D;
      const zX = model.apply(x) as tf.Tensor2D;
      return [
        prepared.target,
        pred,
        bestOtherClass(zNR, pred),
        crossEntropy(zX, bestOtherClass(zX, pred)),
        crossEntropy(zNR, prepared.target as tf.Tensor1D),
      ].map((t) => Array.from(t.dataSync()));
    });
    expect(target).toEqual(expectedTarget);
    target.forEach((t, i) => expect(t).not.toBe(predicted[i]));
    // PGD descent on the targeted cross-entropy lowers it (on average and for most points).
    const mean = (a: number[]) => a.reduce((u, v) => u + v, 0) / a.length;
    expect(mean(ceAtNonRobust)).toBeLessThan(mean(ceAtX));
    expect(ceAtNonRobust.filter((v, i) => v < ceAtX[i]).length).toBeGreaterThan(0.8 * ceAtX.length);
    tf.dispose(Object.values(prepared));
    model.dispose();
  });
});

test('SGD with momentum trains', async () => {
  const model = newModel();
  const result = await expectNoTensorLeak(() => train(model, { x, y }, config({ momentum: 0.9, learningRate: 0.02 })));
  expect(result.status).toBe('completed');
  expect(result.history[2].trainAccuracy).toBeGreaterThan(0.7);
  model.dispose();
});

describe('runner', () => {
  test('runTraining and predictGrid leave no tensors once the model is disposed', async () => {
    const c = defaultExperiment();
    c.data = { ...c.data, size: 50, seed: 3 };
    c.model = { depth: 1, width: 8, activation: 'relu' };
    c.training = { ...c.training, method: 'trades', epochs: 1, batchSize: 10, attack: { ...c.training.attack, steps: 2 } };
    const before = tf.memory().numTensors;
    const { model, result, dataset } = await runTraining(c);
    expect(result.status).toBe('completed');
    expect(dataset.yTrain.length).toBe(40);
    const grid = await expectNoTensorLeak(() => predictGrid(model, dataset.bounds, 12));
    expect(grid.classes.length).toBe(144);
    expect(grid.confidence.length).toBe(144);
    expect(grid.classes.every((k) => k < 3)).toBe(true);
    expect(grid.confidence.every((p) => p >= 1 / 3 - 1e-6 && p <= 1)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('runTraining is reproducible and respects cancellation', async () => {
    const c = defaultExperiment();
    c.data = { ...c.data, size: 40 };
    c.model = { depth: 1, width: 8, activation: 'relu' };
    c.training = { ...c.training, method: 'standard', epochs: 2 };
    const a = await runTraining(c);
    const b = await runTraining(c);
    expectSameWeights(weightsOf(a.model), weightsOf(b.model));
    const controller = new AbortController();
    controller.abort();
    const before = tf.memory().numTensors;
    const cancelled = await runTraining(c, undefined, controller.signal);
    expect(cancelled.result.status).toBe('cancelled');
    cancelled.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    [a.model, b.model].forEach((m) => m.dispose());
  });
});
