/**
 * Paper 003's trainable parts: the denoiser models (DnCNN-style and residual MLP,
 * src/core/models/denoiser.ts), the K rejector heads on a shared backbone (models/noiseRejectors.ts),
 * the denoiser's MSE and stability losses (training/denoiser.ts) and the rejectors' Eq. 7–9
 * (training/noiseRejectors.ts): hand-checked losses, short runs that lower each loss, frozen models
 * left untouched, reproducibility by seed, rollback on cancel, serialisation, no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { createDenoiser, denoise } from '../../src/core/models/denoiser';
import { REJECTOR_HEADS_LAYER, createRejectors, rejectorProbabilities } from '../../src/core/models/noiseRejectors';
import { modelFromArtifacts, modelToArtifacts } from '../../src/core/models/io';
import { createCnn } from '../../src/core/models/cnn';
import {
  DENOISER_TRAINING_DEFAULTS,
  cleanLabels,
  denoiserMseLoss,
  denoiserStabilityLoss,
  evaluateDenoiser,
  trainDenoiser,
} from '../../src/core/training/denoiser';
import {
  REJECTOR_TRAINING_DEFAULTS,
  evaluateRejectors,
  rejectionLoss,
  rejectionLossPerSample,
  rejectionTargets,
  trainRejectors,
} from '../../src/core/training/noiseRejectors';
import { Rng } from '../../src/core/random';
import {
  crossEntropyJs,
  expectNoTensorLeak,
  expectSameWeights,
  fixedDenseModel,
  linearTwoClassModel,
  threeBlobs,
  useWasmBackend,
  weightsDiffer,
  weightsOf,
} from './helpers';

useWasmBackend();

/** A residual MLP denoiser with depth 0: D(v) = v + v W + b. */
function linearDenoiser(W: number[][], b: number[]): tf.LayersModel {
  const d = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 0 });
  const ws = [tf.tensor2d(W), tf.tensor1d(b)];
  d.setWeights(ws);
  tf.dispose(ws);
  return d;
}

/** A 3-class linear classifier for the blobs: logit c = the blob's mean direction · x. */
function blobClassifier(): tf.LayersModel {
  const dirs = [90, 210, 330].map((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]);
  return fixedDenseModel([{ kernel: [dirs.map((d) => d[0]), dirs.map((d) => d[1])], bias: [0, 0, 0] }]);
}

const bce = (l: number, b: number) => -(b * Math.log(1 / (1 + Math.exp(-l))) + (1 - b) * Math.log(1 - 1 / (1 + Math.exp(-l))));

let blobs: tf.Tensor2D;
beforeAll(() => {
  const ds = threeBlobs(150, 4);
  blobs = tf.tensor2d(ds.xTrain, [ds.yTrain.length, 2]);
});

describe('denoiser models', () => {
  test('DnCNN: depth convolutions, residual output D(x) = x − R(x), shape kept, seeded', () => {
    const m = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 3], depth: 5, filters: 6, seed: 2 });
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs).toHaveLength(5);
    expect(convs.map((l) => (l.getConfig() as { filters: number }).filters)).toEqual([6, 6, 6, 6, 3]);
    expect(m.outputs[0].shape).toEqual([null, 8, 8, 3]);
    // With the last conv zeroed, R = 0 and D is the identity.
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1);
    const last = m.getLayer('neg_residual');
    const zeros = last.getWeights().map((w) => tf.zerosLike(w));
    last.setWeights(zeros);
    const out = m.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(out, x))).dataSync()[0]).toBe(0);
    const same = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 3], depth: 5, filters: 6, seed: 2 });
    const other = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 3], depth: 5, filters: 6, seed: 3 });
    expect(weightsDiffer(weightsOf(same), weightsOf(other))).toBe(true);
    expectSameWeights(weightsOf(same).slice(0, 8), weightsOf(createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 3], depth: 5, filters: 6, seed: 2 })).slice(0, 8));
    const bn = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 1], depth: 4, filters: 4, batchNorm: true });
    expect(bn.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(2);
    tf.dispose([x, out, ...zeros]);
    [m, same, other, bn].forEach((d) => d.dispose());
  });

  test('denoisers and rejectors save and load with io.ts (same outputs)', async () => {
    const models = [
      createDenoiser({ kind: 'dncnn', inputShape: [6, 6, 1], depth: 4, filters: 4, batchNorm: true }),
      createDenoiser({ kind: 'mlp', inputDim: 2 }),
      createRejectors({ kind: 'cnn', inputShape: [8, 8, 1], numClasses: 4, convLayers: 2, filters: 4, hidden: [16, 8] }),
      createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 3 }),
    ];
    const inputs = [tf.randomUniform([3, 6, 6, 1], 0, 1, 'float32', 1), tf.randomNormal([3, 2], 0, 1, 'float32', 2), tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 3), tf.randomNormal([3, 2], 0, 1, 'float32', 4)];
    for (const [i, m] of models.entries()) {
      const { modelJson, weights } = await modelToArtifacts(m);
      const back = await modelFromArtifacts(JSON.parse(JSON.stringify(modelJson)), weights);
      const a = m.predict(inputs[i]) as tf.Tensor;
      const b = back.predict(inputs[i]) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      back.dispose();
      m.dispose();
    }
    tf.dispose(inputs);
  });

  test('rejectors: K heads on one backbone, sigmoid outputs in [0, 1]', () => {
    const r = createRejectors({ kind: 'cnn', inputShape: [8, 8, 1], numClasses: 5, convLayers: 1, filters: 4, hidden: [12, 6] });
    expect(r.outputs[0].shape).toEqual([null, 5]);
    const heads = r.getLayer(REJECTOR_HEADS_LAYER);
    expect((heads.getWeights()[0] as tf.Tensor).shape).toEqual([6, 5]);
    expect(r.layers.filter((l) => l.getClassName() === 'Dense').map((l) => (l.getConfig() as { units: number }).units)).toEqual([12, 6, 5]);
    const z = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
    const p = rejectorProbabilities(r, z);
    const v = p.dataSync();
    expect(p.shape).toEqual([4, 5]);
    expect(v.every((q) => q > 0 && q < 1)).toBe(true);
    tf.dispose([z, p]);
    r.dispose();
  });
});

describe('denoiser losses (hand-checked)', () => {
  test('L_MSE: D(v) = v/2 + b on two points', () => {
    const d = linearDenoiser([[-0.5, 0], [0, -0.5]], [0.1, -0.2]);
    const x = tf.tensor2d([[1, 2], [0, -1]]);
    const e = tf.tensor2d([[0.2, -0.4], [0, 0.6]]);
    // D(x + e) = [[0.7, 0.6], [0.1, −0.4]]; D − x = [[−0.3, −1.4], [0.1, 0.6]]; norms² 2.05, 0.37.
    const loss = expectNoTensorLeak(() => {
      const l = denoiserMseLoss(d, x, e);
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    });
    return loss.then((v) => {
      expect(v).toBeCloseTo((2.05 + 0.37) / 2, 6);
      tf.dispose([x, e]);
      d.dispose();
    });
  });

  test('L_stability: CE of f(D(x + e)) against f(x), f frozen', async () => {
    const d = linearDenoiser([[-0.5, 0], [0, -0.5]], [0.1, -0.2]);
    const f = linearTwoClassModel([1, -1], 0);
    const x = tf.tensor2d([[1, 2], [0, -1]]);
    const e = tf.tensor2d([[0.2, -0.4], [0, 0.6]]);
    const targets = cleanLabels(f, x);
    // f(x): w·x = −1 → class 1; w·x = 1 → class 0.
    expect(Array.from(targets.dataSync())).toEqual([1, 0]);
    // D(x + e) = [[0.7, 0.6], [0.1, −0.4]] → logits [0.1, −0.1] and [0.5, −0.5].
    const expected = (crossEntropyJs([0.1, -0.1], 1) + crossEntropyJs([0.5, -0.5], 0)) / 2;
    const v = await expectNoTensorLeak(async () => {
      const l = denoiserStabilityLoss(d, f, x, e, targets);
      const out = (await l.data())[0];
      l.dispose();
      return out;
    });
    expect(v).toBeCloseTo(expected, 6);
    tf.dispose([x, e, targets]);
    d.dispose();
    f.dispose();
  });
});

describe('rejector loss, Eq. 7–9 (hand-checked)', () => {
  test('targets b = 1[f(D(x+ε)) ≠ f(x)], BCE on the head of f(x) only', async () => {
    const f = linearTwoClassModel([1, 0], 0); // class 0 iff x₀ > 0
    const r = createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 2, depth: 0 });
    const ws = [tf.tensor2d([[1, -2], [0.5, 1]]), tf.tensor1d([0.2, -0.3])];
    r.setWeights(ws);
    const x = tf.tensor2d([[1, 0], [-1, 0]]); // f(x) = [0, 1]
    // T = 2 draws, draw-major: rows (t=0, i=0), (t=0, i=1), (t=1, i=0), (t=1, i=1).
    const noise = tf.tensor2d([[-1.5, 0], [0.5, 0], [0.5, 0], [0.5, 0]]);
    const before = tf.memory().numTensors;
    const t = rejectionTargets(f, null, x, noise);
    expect(Array.from(t.denoised.dataSync())).toEqual([-0.5, 0, -0.5, 0, 1.5, 0, -0.5, 0]);
    expect(Array.from(t.cleanClass.dataSync())).toEqual([0, 1, 0, 1]);
    expect(Array.from(t.noisyClass.dataSync())).toEqual([1, 1, 0, 1]);
    expect(Array.from(t.target.dataSync())).toEqual([1, 0, 0, 0]);
    // Head logits: h0 = z₀ + 0.5 z₁ + 0.2, h1 = −2 z₀ + z₁ − 0.3; the head of f(x) is used:
    // sample 0 (class 0) h0(−0.5) = −0.3, b = 1; sample 1 (class 1) h1(−0.5) = 0.7, b = 0;
    // sample 2 (class 0) h0(1.5) = 1.7, b = 0; sample 3 (class 1) h1(−0.5) = 0.7, b = 0.
    const expected = [bce(-0.3, 1), bce(0.7, 0), bce(1.7, 0), bce(0.7, 0)];
    const per = rejectionLossPerSample(r, t.denoised, t.cleanClass, t.target);
    Array.from(per.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const mean = rejectionLoss(r, t.denoised, t.cleanClass, t.target);
    expect(mean.dataSync()[0]).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 6);
    // Only the heads of the clean classes get gradient: with every sample of class 0, head 1's
    // column of the kernel and its bias get none.
    const zeros = tf.zeros([4], 'int32') as tf.Tensor1D;
    const { value, grads } = tf.variableGrads(() => rejectionLoss(r, t.denoised, zeros, t.target), r.trainableWeights.map((w) => w.read() as tf.Variable));
    const [gk, gb] = r.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
    expect(Array.from(gk.dataSync()).filter((_, i) => i % 2 === 1)).toEqual([0, 0]);
    expect(gb.dataSync()[1]).toBe(0);
    expect(gb.dataSync()[0]).not.toBe(0);
    tf.dispose([value, per, mean, zeros, t.denoised, t.cleanClass, t.noisyClass, t.target, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...ws, x, noise]);
    f.dispose();
    r.dispose();
  });

  test('the BCE is stable for large logits', () => {
    const r = createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 1, depth: 0 });
    const ws = [tf.tensor2d([[1], [0]]), tf.tensor1d([0])];
    r.setWeights(ws);
    const z = tf.tensor2d([[200, 0], [-200, 0]]);
    const per = rejectionLossPerSample(r, z, tf.tensor1d([0, 0], 'int32'), tf.tensor1d([0, 1]));
    const v = Array.from(per.dataSync());
    expect(v[0]).toBeCloseTo(200, 4);
    expect(v[1]).toBeCloseTo(200, 4);
    tf.dispose([...ws, z, per]);
    r.dispose();
  });
});

describe('training', () => {
  const fast = (epochs: number, lr = 1e-2) => [{ epochs, optimizer: 'adam' as const, learningRate: lr, momentum: 0 }];

  test('MSE training lowers L_MSE below the identity’s; same seed, same weights; no leak', async () => {
    const make = () => createDenoiser({ kind: 'mlp', inputDim: 2, depth: 2, width: 32, seed: 1 });
    const d = make();
    const before = await evaluateDenoiser(d, blobs, 0.5, 77);
    const cfg = { sigma: 0.5, batchSize: 16, seed: 3, mse: fast(8), stability: [] };
    const res = await expectNoTensorLeak(() => trainDenoiser(d, blobs, cfg));
    expect(res.status).toBe('completed');
    expect(res.history).toHaveLength(8);
    expect(res.history[7].loss).toBeLessThan(res.history[0].loss);
    const after = await evaluateDenoiser(d, blobs, 0.5, 77);
    expect(after.mse).toBeLessThan(before.mse);
    expect(after.mse).toBeLessThan(after.noisyMse); // better than no denoiser (2σ² = 0.5)
    const d2 = make();
    await trainDenoiser(d2, blobs, cfg);
    expectSameWeights(weightsOf(d), weightsOf(d2));
    const d3 = make();
    await trainDenoiser(d3, blobs, { ...cfg, seed: 4 });
    expect(weightsDiffer(weightsOf(d), weightsOf(d3))).toBe(true);
    [d, d2, d3].forEach((m) => m.dispose());
  });

  test('stability fine-tuning lowers L_stability and leaves the classifier untouched', async () => {
    const f = blobClassifier();
    const fWeights = weightsOf(f);
    const d = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 2, width: 32, seed: 1 });
    const sigma = 1;
    const noise = tf.tidy(() => tf.mul(tf.randomNormal(blobs.shape, 0, 1, 'float32', 9), sigma));
    const targets = cleanLabels(f, blobs);
    const lossNow = () => tf.tidy(() => denoiserStabilityLoss(d, f, blobs, noise, targets).dataSync()[0]);
    const l0 = lossNow();
    const res = await expectNoTensorLeak(() => trainDenoiser(d, blobs, { sigma, batchSize: 16, seed: 2, mse: [], stability: fast(6) }, f));
    expect(res.status).toBe('completed');
    expect(res.history.every((h) => h.stage === 'stability')).toBe(true);
    expect(lossNow()).toBeLessThan(l0 * 0.9);
    expectSameWeights(weightsOf(f), fWeights);
    const ev = await evaluateDenoiser(d, blobs, sigma, 5, f);
    expect(ev.stability).toBeGreaterThan(0.5);
    await expect(trainDenoiser(d, blobs, { stability: fast(1) })).rejects.toThrow(/classifier/);
    tf.dispose([noise, targets]);
    f.dispose();
    d.dispose();
  });

  test('rejector training (Eq. 9) lowers the loss; f and D stay frozen; seeded; no leak', async () => {
    const f = blobClassifier();
    const d = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 1, width: 8, seed: 5 });
    const fW = weightsOf(f);
    const dW = weightsOf(d);
    const make = () => createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 32, seed: 1 });
    const r = make();
    const sigma = 1;
    const ev0 = await evaluateRejectors(r, f, d, blobs, sigma, 8, 123);
    const cfg = { sigma, noiseDraws: 4, batchSize: 16, seed: 6, phases: fast(6) };
    const res = await expectNoTensorLeak(() => trainRejectors(r, f, d, blobs, cfg));
    expect(res.status).toBe('completed');
    expect(res.history[5].loss).toBeLessThan(res.history[0].loss);
    const ev1 = await evaluateRejectors(r, f, d, blobs, sigma, 8, 123);
    expect(ev1.targetRate).toBe(ev0.targetRate); // same draws, same frozen f and D
    expect(ev1.targetRate).toBeGreaterThan(0.05);
    expect(ev1.loss).toBeLessThan(ev0.loss);
    // A trained head beats always answering "keep" when b = 1 is the minority.
    expect(ev1.accuracy).toBeGreaterThanOrEqual(1 - ev1.targetRate - 0.02);
    expectSameWeights(weightsOf(f), fW);
    expectSameWeights(weightsOf(d), dW);
    const r2 = make();
    await trainRejectors(r2, f, d, blobs, cfg);
    expectSameWeights(weightsOf(r), weightsOf(r2));
    [f, d, r, r2].forEach((m) => m.dispose());
  });

  test('the paper’s rejector schedule runs (Adam then SGD with momentum, lr / 10 steps)', async () => {
    expect(REJECTOR_TRAINING_DEFAULTS.phases.map((p) => [p.epochs, p.optimizer, p.learningRate])).toEqual([
      [5, 'adam', 1e-4],
      [5, 'sgd', 1e-3],
      [5, 'sgd', 1e-4],
      [5, 'sgd', 1e-5],
    ]);
    expect(REJECTOR_TRAINING_DEFAULTS.noiseDraws).toBe(20);
    expect(DENOISER_TRAINING_DEFAULTS.mse.reduce((s, p) => s + p.epochs, 0)).toBe(90);
    const f = blobClassifier();
    const r = createRejectors({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 8 });
    const phases = REJECTOR_TRAINING_DEFAULTS.phases.map((p) => ({ ...p, epochs: 1 }));
    const res = await expectNoTensorLeak(() => trainRejectors(r, f, null, blobs, { sigma: 0.5, noiseDraws: 2, batchSize: 64, seed: 1, phases }));
    expect(res.history.map((h) => h.learningRate)).toEqual([1e-4, 1e-3, 1e-4, 1e-5]);
    f.dispose();
    r.dispose();
  });

  test('images: a small DnCNN and CNN rejectors train on 8×8 images', async () => {
    const rng = new Rng(3);
    const n = 24;
    const data = new Float32Array(n * 8 * 8);
    for (let i = 0; i < n; i++) for (let p = 0; p < 64; p++) data[i * 64 + p] = (p % 8 < 4) === (i % 2 === 0) ? 0.8 + 0.05 * rng.normal() : 0.2 + 0.05 * rng.normal();
    const x = tf.tensor4d(data, [n, 8, 8, 1]);
    const d = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 1], depth: 3, filters: 8, seed: 1 });
    const before = await evaluateDenoiser(d, x, 0.25, 1);
    const res = await expectNoTensorLeak(() => trainDenoiser(d, x, { sigma: 0.25, batchSize: 8, seed: 1, mse: fast(6, 3e-3) }));
    expect(res.status).toBe('completed');
    const after = await evaluateDenoiser(d, x, 0.25, 1);
    expect(after.mse).toBeLessThan(before.mse);
    const f = createCnn({ inputShape: [8, 8, 1], numClasses: 2, convLayers: 1, filters: 4, dense: 8, seed: 1 });
    const r = createRejectors({ kind: 'cnn', inputShape: [8, 8, 1], numClasses: 2, convLayers: 1, filters: 4, hidden: [8, 8] });
    const rr = await expectNoTensorLeak(() => trainRejectors(r, f, d, x, { sigma: 0.25, noiseDraws: 2, batchSize: 8, seed: 1, phases: fast(2, 1e-3) }));
    expect(rr.status).toBe('completed');
    expect(rr.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    // With batch normalisation: training mode in the loop, inference mode in denoise().
    const bn = createDenoiser({ kind: 'dncnn', inputShape: [8, 8, 1], depth: 3, filters: 4, batchNorm: true });
    const moving = () => bn.getLayer('bn1').getWeights().slice(2).map((w) => Float32Array.from(w.dataSync()));
    const movingBefore = moving();
    const rb = await expectNoTensorLeak(() => trainDenoiser(bn, x, { sigma: 0.25, batchSize: 8, seed: 1, mse: fast(1, 1e-3) }));
    expect(rb.status).toBe('completed');
    expect(weightsDiffer(moving(), movingBefore)).toBe(true); // the moving mean/variance were updated
    const y = tf.tidy(() => denoise(bn, x));
    expect(y.shape).toEqual([n, 8, 8, 1]);
    tf.dispose([x, y]);
    [d, f, r, bn].forEach((m) => m.dispose());
  });

  test('cancel rolls back to the last finished epoch; a diverging run is stopped and reset', async () => {
    const d = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 1, width: 8, seed: 1 });
    const w0 = weightsOf(d);
    const ac = new AbortController();
    let afterEpoch1: Float32Array[] | null = null;
    const res = await expectNoTensorLeak(() =>
      trainDenoiser(d, blobs, { sigma: 0.5, batchSize: 8, seed: 1, mse: fast(3) }, null, (p) => {
        if (p.kind === 'epoch' && p.epoch === 1) {
          afterEpoch1 = weightsOf(d);
          ac.abort(); // takes effect at the first batch of epoch 2
        }
      }, ac.signal),
    );
    expect(res.status).toBe('cancelled');
    expect(res.epochsCompleted).toBe(1);
    expectSameWeights(weightsOf(d), afterEpoch1!);
    expect(weightsDiffer(weightsOf(d), w0)).toBe(true);

    const e = createDenoiser({ kind: 'mlp', inputDim: 2, depth: 1, width: 8, seed: 1 });
    const e0 = weightsOf(e);
    const huge = tf.mul(blobs, 1e30);
    const div = await expectNoTensorLeak(() => trainDenoiser(e, huge, { sigma: 0.5, batchSize: 8, seed: 1, mse: fast(2, 100) }));
    expect(div.status).toBe('diverged');
    expectSameWeights(weightsOf(e), e0);
    huge.dispose();
    d.dispose();
    e.dispose();
  });
});
