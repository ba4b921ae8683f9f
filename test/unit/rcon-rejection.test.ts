/**
 * Rectified Rejection (paper 000, Eq. 3-5) and the SelectiveNet baseline:
 *  - the two-head (RR) and three-head (SelectiveNet) models: the first output is the classifier,
 *    which attacks, training and evaluation read through `logits` exactly as on the plain model
 *    of the same seed; save/load round trips keep every head;
 *  - L_RR, the full RR-PGD-AT / RR-TRADES losses and the SelectiveNet loss against independent
 *    float64 values from PyTorch (scripts/make-rr-fixtures.py → test/fixtures/rr.json), values
 *    and gradients, for both stop-gradient forms and two temperatures;
 *  - the stop-gradients: exactly zero gradient where the paper stops it, nonzero where not;
 *  - the temperature only enters L_RR;
 *  - the rejector scores (confidence, R-Con, energy, selection);
 *  - a short training run on a toy 2-D set lowers the loss and the auxiliary head learns
 *    (R-Con and A_phi higher on correct than on wrong inputs), reproducibly from the seed, and
 *    no tensor leaks anywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  METHODS,
  Normalize,
  TRAIN_DEFAULTS,
  type TrainConfig,
  createCnn,
  createMlp,
  crossEntropy,
  logits,
  modelFromArtifacts,
  modelToArtifacts,
  normaliseExperiment,
  normaliseImageExperiment,
  pgdBatch,
  runAttack,
  train,
  buildModel,
  buildImageModel,
  trainImageModel,
  type ImageDataset,
} from '../../src/core';
import {
  LOGITS_OUTPUT,
  RR_AUX_OUTPUT,
  SELECTION_OUTPUT,
  SELECTIVE_AUX_OUTPUT,
  auxHiddenUnits,
  createModelWithHeads,
  createRrModel,
  createSelectiveNetModel,
  modelHeads,
  selectiveNetOutputs,
  twoHeadOutputs,
} from '../../src/core/models/heads';
import { rrBcePerExample, rrPgdAtLossPerExample, stopGradient } from '../../src/core/training/rconRejection';
import { selectiveNetLoss } from '../../src/core/training/selectiveNet';
import { RR_DEFAULTS, type RrConfig, type RrStopGradient, SELECTIVENET_DEFAULTS } from '../../src/core/training/rejectionHeadsConfig';
import { methodHeads } from '../../src/core/training/method';
import {
  confidenceFromLogits,
  energyFromLogits,
  rCon,
  rConFromOutputs,
  rConTensor,
  rejectorScores,
  selectionTensor,
  trueConfidenceFromLogits,
} from '../../src/core/metrics/rejectorScores';
import { rejectorScoresOf } from '../../src/core/metrics/rejectorScoreNames';
import { Rng } from '../../src/core/random';
import { expectNoTensorLeak, expectSameWeights, useWasmBackend, weightsDiffer, weightsOf } from './helpers';

useWasmBackend();

type Mat = number[][];
interface RawCase {
  tau: number;
  mode: RrStopGradient | 'none';
  perExample: number[];
  gradZ: Mat;
  gradA: number[];
}
interface Fixture {
  rrWeights: Record<'k1' | 'b1' | 'k2' | 'b2' | 'ka1' | 'ba1' | 'ka2' | 'ba2', Mat | number[]>;
  snetWeights: Record<'k1' | 'b1' | 'k2' | 'b2' | 'ks1' | 'bs1' | 'ks2' | 'bs2' | 'kh' | 'bh', Mat | number[]>;
  x: Mat;
  xAdv: Mat;
  y: number[];
  tradesBeta: number;
  lambda: number;
  raw: {
    z: Mat;
    a: number[];
    y: number[];
    predicted: number[];
    cases: RawCase[];
    rCon: Record<string, number[]>;
    confidence: Record<string, number[]>;
    trueConfidence: Record<string, number[]>;
    energy: number[];
  };
  rrOutputs: { z: Mat; a: number[]; zAdv: Mat; aAdv: number[]; predictedAdv: number[] };
  rr: Array<{ method: 'rr-pgd-at' | 'rr-trades'; tau: number; mode: RrStopGradient; loss: number; bce: number[]; lt: number[]; gradients: Array<Mat | number[]> }>;
  snetOutputs: { z: Mat; s: number[]; h: Mat };
  snet: Array<{ config: { coverage: number; lambda: number; alpha: number }; loss: number; coverage: number; gradients: Array<Mat | number[]> }>;
}

const F: Fixture = JSON.parse(readFileSync(new URL('../fixtures/rr.json', import.meta.url), 'utf8'));

/** |a − b| ≤ atol + rtol·|b| elementwise (float32 against float64). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 2e-5, atol = 2e-6): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    expect(ok, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`).toBe(true);
  }
}

const flat = (m: Mat | number[]): number[] => (m as Array<number | number[]>).flat() as number[];

/** The one dense layer of a head model that is neither the classifier nor a head: the trunk (depth 1). */
function trunkLayer(model: tf.LayersModel): tf.layers.Layer {
  const heads = new Set([LOGITS_OUTPUT, RR_AUX_OUTPUT, `${RR_AUX_OUTPUT}_hidden`, SELECTION_OUTPUT, `${SELECTION_OUTPUT}_hidden`, SELECTIVE_AUX_OUTPUT]);
  const trunk = model.layers.filter((l) => l.getClassName() === 'Dense' && !heads.has(l.name));
  expect(trunk).toHaveLength(1);
  return trunk[0];
}

function setLayer(layer: tf.layers.Layer, kernel: Mat | number[], bias: Mat | number[]): void {
  const ws = [tf.tensor2d(kernel as Mat), tf.tensor1d(bias as number[])];
  layer.setWeights(ws);
  tf.dispose(ws);
}

/** The fixture's two-head model: trunk 2 → 4 (ReLU), classifier 4 → 3, auxiliary 4 → 3 (ReLU) → 1. */
function fixtureRrModel(): { model: tf.LayersModel; vars: tf.Variable[] } {
  const model = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 4, auxHidden: 3, seed: 1 });
  const W = F.rrWeights;
  const layers = [trunkLayer(model), model.getLayer(LOGITS_OUTPUT), model.getLayer(`${RR_AUX_OUTPUT}_hidden`), model.getLayer(RR_AUX_OUTPUT)];
  setLayer(layers[0], W.k1, W.b1);
  setLayer(layers[1], W.k2, W.b2);
  setLayer(layers[2], W.ka1, W.ba1);
  setLayer(layers[3], W.ka2, W.ba2);
  // In the fixture's order: k1, b1, k2, b2, ka1, ba1, ka2, ba2.
  const vars = layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  return { model, vars };
}

function fixtureSnetModel(): { model: tf.LayersModel; vars: tf.Variable[] } {
  const model = createSelectiveNetModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 4, auxHidden: 3, seed: 1 });
  const W = F.snetWeights;
  const layers = [trunkLayer(model), model.getLayer(LOGITS_OUTPUT), model.getLayer(`${SELECTION_OUTPUT}_hidden`), model.getLayer(SELECTION_OUTPUT), model.getLayer(SELECTIVE_AUX_OUTPUT)];
  setLayer(layers[0], W.k1, W.b1);
  setLayer(layers[1], W.k2, W.b2);
  setLayer(layers[2], W.ks1, W.bs1);
  setLayer(layers[3], W.ks2, W.bs2);
  setLayer(layers[4], W.kh, W.bh);
  const vars = layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  return { model, vars };
}

const rrOf = (o: Partial<RrConfig> = {}): RrConfig => ({ ...RR_DEFAULTS, ...o });

function params(rr: RrConfig = rrOf({ lambda: F.lambda })) {
  return { attack: { norm: 'linf' as const, eps: 0.2, steps: 3, stepSize: 0 }, box: null, tradesBeta: F.tradesBeta, eraBeta: 1, rr, selectiveNet: SELECTIVENET_DEFAULTS };
}

describe('two-head and three-head models', () => {
  test('RR MLP: outputs [logits, rr_aux]; logits() is the first output, and equals the plain MLP of the same seed', async () => {
    await expectNoTensorLeak(() => {
      const rr = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 7 });
      const plain = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 7 });
      expect(rr.outputNames).toEqual([LOGITS_OUTPUT, RR_AUX_OUTPUT]);
      expect(rr.outputs.map((o) => o.shape)).toEqual([[null, 3], [null, 1]]);
      expect(modelHeads(rr)).toBe('rr');
      expect(modelHeads(plain)).toBe('none');
      // The auxiliary MLP: 16 features → 8 hidden (half, clamped to [16, 256] → 16) → 1.
      expect((rr.getLayer(`${RR_AUX_OUTPUT}_hidden`).getWeights()[0] as tf.Tensor).shape).toEqual([16, auxHiddenUnits(16)]);
      const x = tf.randomNormal([9, 2], 0, 1, 'float32', 3);
      const [zFast, zApply, zPlain, zTwo, aTwo] = tf.tidy(() => {
        const out = rr.apply(x) as tf.Tensor[];
        const two = twoHeadOutputs(rr, x);
        return [logits(rr, x), out[0], logits(plain, x), two.logits, two.auxLogit];
      });
      expect(Array.from(zFast.dataSync())).toEqual(Array.from(zApply.dataSync()));
      expect(Array.from(zTwo.dataSync())).toEqual(Array.from(zApply.dataSync()));
      expect(Array.from(zPlain.dataSync())).toEqual(Array.from(zApply.dataSync()));
      expect(aTwo.shape).toEqual([9]);
      // Under a gradient tape (the attacks' path) too.
      const g1 = tf.grad((xx: tf.Tensor) => tf.sum(logits(rr, xx)))(x);
      const g2 = tf.grad((xx: tf.Tensor) => tf.sum(logits(plain, xx)))(x);
      expectClose(g1.dataSync(), Array.from(g2.dataSync()), 'input gradient', 1e-6, 1e-7);
      tf.dispose([x, zFast, zApply, zPlain, zTwo, aTwo, g1, g2]);
      rr.dispose();
      plain.dispose();
    });
  });

  test('RR CNN with Normalize and SelectiveNet MLP/CNN: the classifier equals the plain model of the same seed', async () => {
    await expectNoTensorLeak(() => {
      const cfg = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 4, convLayers: 2, filters: 2, dense: 6, normalize: { mean: [0.4], std: [0.3] }, seed: 5 };
      const plain = createCnn(cfg);
      const rr = createRrModel({ kind: 'cnn', ...cfg });
      const snet = createSelectiveNetModel({ kind: 'cnn', ...cfg, dense: 6 });
      const snetMlp = createSelectiveNetModel({ kind: 'mlp', inputDim: 64, inputShape: [8, 8, 1], numClasses: 4, depth: 1, width: 10, seed: 5 });
      const plainMlp = createMlp({ inputDim: 64, inputShape: [8, 8, 1], numClasses: 4, depth: 1, width: 10, seed: 5 });
      expect(rr.layers.some((l) => l instanceof Normalize)).toBe(true);
      expect(snet.outputNames).toEqual([LOGITS_OUTPUT, SELECTION_OUTPUT, SELECTIVE_AUX_OUTPUT]);
      expect(snet.outputs.map((o) => o.shape)).toEqual([[null, 4], [null, 1], [null, 4]]);
      expect(modelHeads(snet)).toBe('selectivenet');
      const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 2);
      const out = tf.tidy(() => {
        const s = selectiveNetOutputs(snet, x);
        return [logits(plain, x), logits(rr, x), (rr.apply(x) as tf.Tensor[])[0], logits(snet, x), s.logits, s.selectionLogit, s.auxLogits, logits(snetMlp, x), logits(plainMlp, x)];
      });
      const [p, r, rApply, sn, snLogits, sel, aux, sm, pm] = out.map((t) => Array.from(t.dataSync()));
      expect(r).toEqual(p);
      expect(rApply).toEqual(p);
      expect(sn).toEqual(p);
      expect(snLogits).toEqual(p);
      expect(sel).toHaveLength(5);
      expect(aux).toHaveLength(20);
      expect(sm).toEqual(pm);
      tf.dispose([x, ...out]);
      [plain, rr, snet, snetMlp, plainMlp].forEach((m) => m.dispose());
    });
  });

  test('createModelWithHeads and methodHeads pick the heads of each training method', () => {
    expect(methodHeads('rr-pgd-at')).toBe('rr');
    expect(methodHeads('rr-trades')).toBe('rr');
    expect(methodHeads('selectivenet-pgd-at')).toBe('selectivenet');
    expect(methodHeads('trades')).toBe('none');
    const m = createModelWithHeads('none', { kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 1 });
    expect(m instanceof tf.Sequential).toBe(true);
    m.dispose();
    expect(auxHiddenUnits(64)).toBe(32);
    expect(auxHiddenUnits(2)).toBe(16);
    expect(auxHiddenUnits(4096)).toBe(256);
    expect(auxHiddenUnits(64, 5)).toBe(5);
    expect(() => auxHiddenUnits(64, 1.5)).toThrow(/auxHidden/);
  });

  test('attacks see the classifier: PGD (with restarts), APGD-CE and FGSM give the same points as on the plain model', async () => {
    const rr = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 11 });
    const snet = createSelectiveNetModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 11 });
    const plain = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 11 });
    const x = tf.randomNormal([12, 2], 0, 1, 'float32', 4);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    await expectNoTensorLeak(async () => {
      const opts = { norm: 'linf' as const, eps: 0.3, steps: 5, stepSize: 0, restarts: 2, randomStart: true, seed: 3, box: null, keepFooled: true };
      const a = pgdBatch(plain, x, y, opts);
      const b = pgdBatch(rr, x, y, opts);
      const c = pgdBatch(snet, x, y, opts);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b, c]);
      for (const kind of ['apgd-ce', 'fgsm'] as const) {
        const cfg = { kind, norm: 'l2' as const, eps: 0.4, steps: 6, stepSize: 0, restarts: 1, randomStart: true, seed: 2, box: null };
        const p = await runAttack(plain, x, y, cfg);
        const q = await runAttack(rr, x, y, cfg);
        expect(Array.from(q.dataSync()), kind).toEqual(Array.from(p.dataSync()));
        tf.dispose([p, q]);
      }
    });
    tf.dispose([x, y]);
    [rr, snet, plain].forEach((m) => m.dispose());
  });

  test.each([
    ['RR MLP', () => createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 8, seed: 3 }), [7, 2]],
    ['RR CNN + Normalize', () => createRrModel({ kind: 'cnn', inputShape: [8, 8, 3], numClasses: 5, convLayers: 2, filters: 2, dense: 8, normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] }, seed: 3 }), [3, 8, 8, 3]],
    ['SelectiveNet MLP', () => createSelectiveNetModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 8, seed: 3 }), [7, 2]],
  ] as const)('%s: save/load round trip keeps every head, weight and output', async (_name, make, shape) => {
    const model = make();
    // Move the weights off their initial values, so the round trip is not checked against the seed.
    const moved = model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', 40 + i)));
    model.setWeights(moved);
    tf.dispose(moved);
    const x = tf.randomUniform([...shape], 0, 1, 'float32', 9);
    await expectNoTensorLeak(async () => {
      const { modelJson, weights } = await modelToArtifacts(model);
      const loaded = await modelFromArtifacts(JSON.parse(JSON.stringify(modelJson)), new Uint8Array(weights.slice(0)));
      expect(modelHeads(loaded)).toBe(modelHeads(model));
      expect(loaded.outputNames).toEqual(model.outputNames);
      expectSameWeights(weightsOf(loaded), weightsOf(model));
      const [a, b] = [model, loaded].map((m) =>
        tf.tidy(() => {
          const out = m.apply(x) as tf.Tensor[];
          return tf.concat([logits(m, x), ...out.map((o) => tf.reshape(o, [o.shape[0], -1]))], 1);
        }),
      );
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      loaded.dispose();
    });
    x.dispose();
    model.dispose();
  });

  test('RR and SelectiveNet methods refuse a model without their heads, with a clear message', () => {
    const plain = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 1 });
    const rr = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 1 });
    const x = tf.zeros([2, 2]);
    const y = tf.tensor1d([0, 1], 'int32');
    expect(() => METHODS['rr-pgd-at'].prepare(plain, x, y, params(), 1)).toThrow(/needs a two-head model/);
    expect(() => METHODS['rr-trades'].prepare(plain, x, y, params(), 1)).toThrow(/Rectified Rejection/);
    expect(() => METHODS['selectivenet-pgd-at'].prepare(rr, x, y, params(), 1)).toThrow(/needs a SelectiveNet model/);
    expect(() => twoHeadOutputs(plain, x)).toThrow(/twoHeadOutputs needs/);
    tf.dispose([x, y]);
    plain.dispose();
    rr.dispose();
  });
});

describe('L_RR against PyTorch (float64)', () => {
  const R = F.raw;
  const cases = R.cases.filter((c) => c.mode !== 'none');

  test.each(cases.map((c) => [c.mode, c.tau, c] as const))('raw logits, %s, tau = %s: per-example value and gradients in z and a', async (_mode, _tau, c) => {
    await expectNoTensorLeak(() => {
      const z = tf.tensor2d(R.z);
      const a = tf.tensor1d(R.a);
      const y = tf.tensor1d(R.y, 'int32');
      const opts = { temperature: c.tau, stopGradient: c.mode as RrStopGradient };
      const per = rrBcePerExample(z, a, y, opts);
      expectClose(per.dataSync(), c.perExample, 'L_RR');
      const [gz, ga] = tf.grads((zz: tf.Tensor, aa: tf.Tensor) => tf.sum(rrBcePerExample(zz as tf.Tensor2D, aa as tf.Tensor1D, y, opts)))([z, a]);
      expectClose(gz.dataSync(), c.gradZ.flat(), 'dL/dz', 5e-5, 5e-6);
      expectClose(ga.dataSync(), c.gradA, 'dL/da', 5e-5, 5e-6);
      tf.dispose([z, a, y, per, gz, ga]);
    });
  });

  test('the reference itself: the detached target changes the gradient (the stop-gradient is not vacuous)', () => {
    for (const tau of [1, 0.25]) {
      const none = R.cases.find((c) => c.mode === 'none' && c.tau === tau)!;
      const targetOnly = R.cases.find((c) => c.mode === 'target-only' && c.tau === tau)!;
      expect(none.perExample).toEqual(targetOnly.perExample);
      const diff = Math.max(...none.gradZ.flat().map((v, i) => Math.abs(v - targetOnly.gradZ.flat()[i])));
      expect(diff).toBeGreaterThan(1e-3);
    }
  });

  test.each(F.rr.map((c) => [c.method, c.mode, c.tau, c] as const))('%s, %s, tau = %s: loss and weight gradients', async (method, _mode, _tau, c) => {
    const { model, vars } = fixtureRrModel();
    const x = tf.tensor2d(F.x);
    const y = tf.tensor1d(F.y, 'int32');
    const prepared = { xAdv: tf.tensor2d(F.xAdv) };
    const p = params(rrOf({ lambda: F.lambda, temperature: c.tau, stopGradient: c.mode }));
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() => METHODS[method].loss(model, x, y, prepared, p), vars);
      expectClose(value.dataSync(), [c.loss], `${method} loss`);
      vars.forEach((v, i) => expectClose(grads[v.name].dataSync(), flat(c.gradients[i]), `${method} gradient ${i}`, 5e-5, 5e-6));
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([x, y, prepared.xAdv]);
    model.dispose();
  });

  test.each(F.snet.map((c) => [c.config.coverage, c] as const))('SelectiveNet loss and weight gradients (coverage target %s)', async (_c, c) => {
    const { model, vars } = fixtureSnetModel();
    const x = tf.tensor2d(F.x);
    const y = tf.tensor1d(F.y, 'int32');
    const prepared = { xAdv: tf.tensor2d(F.xAdv) };
    const p = { ...params(), selectiveNet: c.config };
    await expectNoTensorLeak(() => {
      const outs = tf.tidy(() => {
        const o = selectiveNetOutputs(model, prepared.xAdv);
        return [o.logits, o.selectionLogit, o.auxLogits];
      });
      expectClose(outs[0].dataSync(), F.snetOutputs.z.flat(), 'f');
      expectClose(outs[1].dataSync(), F.snetOutputs.s, 'g logit');
      expectClose(outs[2].dataSync(), F.snetOutputs.h.flat(), 'h');
      tf.dispose(outs);
      const { value, grads } = tf.variableGrads(() => METHODS['selectivenet-pgd-at'].loss(model, x, y, prepared, p), vars);
      expectClose(value.dataSync(), [c.loss], 'SelectiveNet loss');
      vars.forEach((v, i) => expectClose(grads[v.name].dataSync(), flat(c.gradients[i]), `SelectiveNet gradient ${i}`, 5e-5, 5e-6));
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([x, y, prepared.xAdv]);
    model.dispose();
  });

  test('selectiveNetLoss on hand values: no penalty at full coverage, alpha splits the two terms', async () => {
    await expectNoTensorLeak(() => {
      const z = tf.tensor2d([[2, 0], [0, 1]]);
      const s = tf.tensor1d([50, 50]); // g = 1: coverage 1, risk = mean CE
      const h = tf.tensor2d([[0, 0], [0, 0]]);
      const y = tf.tensor1d([0, 1], 'int32');
      const ce = [Math.log(1 + Math.exp(-2)), Math.log(1 + Math.exp(-1))];
      const l = selectiveNetLoss(z, s, h, y, { coverage: 0.7, lambda: 16, alpha: 0.25 });
      expect(l.dataSync()[0]).toBeCloseTo(0.25 * (ce[0] + ce[1]) / 2 + 0.75 * Math.log(2), 6);
      tf.dispose([z, s, h, y, l]);
    });
  });
});

describe('stop-gradients (paper 000, Section 4.1)', () => {
  const R = F.raw;
  const correct = R.y.map((y, i) => R.predicted[i] === y);

  test('the fixture has correct and wrong rows', () => {
    expect(correct.filter(Boolean).length).toBeGreaterThan(1);
    expect(correct.filter((c) => !c).length).toBeGreaterThan(1);
  });

  test('stopGradient is the identity with an exactly zero gradient', async () => {
    await expectNoTensorLeak(() => {
      const x = tf.tensor1d([1.5, -2, 3]);
      const v = stopGradient(x);
      expect(Array.from(v.dataSync())).toEqual([1.5, -2, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(stopGradient(t), t)))(x);
      // d/dt [sg(t)·t] = sg(t) = t: only the second factor carries the gradient.
      expect(Array.from(g.dataSync())).toEqual([1.5, -2, 3]);
      tf.dispose([x, v, g]);
    });
  });

  for (const tau of [1, 0.25]) {
    test(`tau = ${tau}: 'paper' stops every gradient into the logits of correct inputs; 'target-only' does not`, async () => {
      await expectNoTensorLeak(() => {
        const z = tf.tensor2d(R.z);
        const a = tf.tensor1d(R.a);
        const y = tf.tensor1d(R.y, 'int32');
        const gradOf = (mode: RrStopGradient) =>
          tf.grads((zz: tf.Tensor, aa: tf.Tensor) => tf.sum(rrBcePerExample(zz as tf.Tensor2D, aa as tf.Tensor1D, y, { temperature: tau, stopGradient: mode })))([z, a]);
        const [gzPaper, gaPaper] = gradOf('paper');
        const [gzTarget, gaTarget] = gradOf('target-only');
        const rowsP = gzPaper.arraySync() as Mat;
        const rowsT = gzTarget.arraySync() as Mat;
        const aP = Array.from(gaPaper.dataSync());
        const aT = Array.from(gaTarget.dataSync());
        correct.forEach((ok, i) => {
          // The auxiliary head always learns.
          expect(Math.abs(aP[i]), `dL/da row ${i}`).toBeGreaterThan(1e-6);
          expect(aP[i]).toBe(aT[i]);
          if (ok) {
            // y_m = y: T-Con (target) and f[y_m] (in R-Con) are the same detached value: no gradient at all.
            rowsP[i].forEach((g) => expect(g === 0 || Object.is(g, -0), `paper row ${i}`).toBe(true));
            // Nonzero, if tiny on a very confident row (z = [12, 0, −3] at tau = 1/4: about 1e-20).
            expect(Math.max(...rowsT[i].map(Math.abs)), `target-only row ${i}`).toBeGreaterThan(0);
          } else {
            // y_m ≠ y: the gradient flows through the confidence only, the same in both forms.
            expect(Math.max(...rowsP[i].map(Math.abs)), `paper row ${i}`).toBeGreaterThan(1e-6);
            expect(rowsP[i]).toEqual(rowsT[i]);
          }
        });
        tf.dispose([z, a, y, gzPaper, gaPaper, gzTarget, gaTarget]);
      });
    });

    test(`tau = ${tau}: through the target the gradient is zero (hand-derived float64 gradient through f[y_m] only)`, async () => {
      // L = −[t·u + (1 − t)·log(1 − e^u)], u = log f[y_m] + log σ(a), t = f[y] a constant:
      // dL/dz_c = (−t + (1 − t)·r/(1 − r)) · (1[c = y_m] − f_c) / tau, r = e^u.
      // 'target-only' keeps exactly these terms on every row; a gradient through t would add more.
      const expected: number[] = [];
      R.z.forEach((row, i) => {
        const zt = row.map((v) => v / tau);
        const m = Math.max(...zt);
        const e = zt.map((v) => Math.exp(v - m));
        const s = e.reduce((p, q) => p + q, 0);
        const f = e.map((v) => v / s);
        const ym = R.predicted[i];
        const t = f[R.y[i]];
        const r = f[ym] / (1 + Math.exp(-R.a[i]));
        const dU = -t + ((1 - t) * r) / (1 - r);
        f.forEach((fc, c) => expected.push((dU * ((c === ym ? 1 : 0) - fc)) / tau));
      });
      await expectNoTensorLeak(() => {
        const z = tf.tensor2d(R.z);
        const a = tf.tensor1d(R.a);
        const y = tf.tensor1d(R.y, 'int32');
        const gz = tf.grad((zz: tf.Tensor) => tf.sum(rrBcePerExample(zz as tf.Tensor2D, a, y, { temperature: tau, stopGradient: 'target-only' })))(z);
        expectClose(gz.dataSync(), expected, 'dL/dz', 5e-5, 5e-6);
        tf.dispose([z, a, y, gz]);
      });
    });
  }

  test("model level: on correctly classified x*, 'paper' leaves the classifier head without L_RR gradient, the auxiliary head and trunk with it", async () => {
    const { model, vars } = fixtureRrModel();
    const xAdv = tf.tensor2d(F.xAdv);
    const pred = F.rrOutputs.predictedAdv;
    const yCorrect = tf.tensor1d(pred, 'int32'); // every input correct
    const yWrong = tf.tensor1d(pred.map((p) => (p + 1) % 3), 'int32'); // every input wrong
    const names = ['k1', 'b1', 'k2', 'b2', 'ka1', 'ba1', 'ka2', 'ba2'];
    const maxAbs = (t: tf.Tensor) => Math.max(...Array.from(t.dataSync()).map(Math.abs));
    const gradsOf = (y: tf.Tensor1D, mode: RrStopGradient) => {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const { logits: z, auxLogit } = twoHeadOutputs(model, xAdv);
        return tf.mean(rrBcePerExample(z, auxLogit, y, { stopGradient: mode })) as tf.Scalar;
      }), vars);
      const out = Object.fromEntries(vars.map((v, i) => [names[i], maxAbs(grads[v.name])]));
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    await expectNoTensorLeak(() => {
      const paperCorrect = gradsOf(yCorrect, 'paper');
      expect(paperCorrect.k2).toBe(0);
      expect(paperCorrect.b2).toBe(0);
      for (const k of ['k1', 'b1', 'ka1', 'ba1', 'ka2', 'ba2']) expect(paperCorrect[k], k).toBeGreaterThan(1e-6);
      const targetCorrect = gradsOf(yCorrect, 'target-only');
      expect(targetCorrect.k2).toBeGreaterThan(1e-6);
      expect(targetCorrect.b2).toBeGreaterThan(1e-6);
      const paperWrong = gradsOf(yWrong, 'paper');
      expect(paperWrong.k2).toBeGreaterThan(1e-6);
      expect(paperWrong.b2).toBeGreaterThan(1e-6);
    });
    tf.dispose([xAdv, yCorrect, yWrong]);
    model.dispose();
  });
});

describe('the temperature enters L_RR only', () => {
  test('loss − lambda·L_RR is the PGD-AT / TRADES loss at every tau; L_RR itself depends on tau', async () => {
    const { model } = fixtureRrModel();
    const x = tf.tensor2d(F.x);
    const y = tf.tensor1d(F.y, 'int32');
    const prepared = { xAdv: tf.tensor2d(F.xAdv) };
    await expectNoTensorLeak(() => {
      for (const [rrMethod, base] of [['rr-pgd-at', 'pgd-at'], ['rr-trades', 'trades']] as const) {
        const baseLoss = METHODS[base].loss(model, x, y, prepared, params());
        const b = baseLoss.dataSync()[0];
        baseLoss.dispose();
        const bces: number[] = [];
        for (const tau of [1, 0.5, 0.25, 2]) {
          for (const stop of ['paper', 'target-only'] as const) {
            const rr = rrOf({ lambda: 1.5, temperature: tau, stopGradient: stop });
            const total = METHODS[rrMethod].loss(model, x, y, prepared, params(rr));
            const bce = tf.tidy(() => {
              const o = twoHeadOutputs(model, prepared.xAdv);
              return tf.mean(rrBcePerExample(o.logits, o.auxLogit, y, rr));
            });
            const t = total.dataSync()[0];
            const l = bce.dataSync()[0];
            expect(t - 1.5 * l).toBeCloseTo(b, 5);
            bces.push(l);
            tf.dispose([total, bce]);
          }
          // With lambda = 0 the temperature changes nothing.
          const zero = METHODS[rrMethod].loss(model, x, y, prepared, params(rrOf({ lambda: 0, temperature: tau })));
          expect(zero.dataSync()[0]).toBeCloseTo(b, 6);
          zero.dispose();
        }
        expect(new Set(bces.map((v) => v.toFixed(5))).size).toBeGreaterThan(2);
      }
    });
    tf.dispose([x, y, prepared.xAdv]);
    model.dispose();
  });

  test('the fixture agrees: L_T is the same at tau = 1 and tau = 0.25, L_RR differs', () => {
    for (const method of ['rr-pgd-at', 'rr-trades'] as const) {
      const a = F.rr.find((c) => c.method === method && c.tau === 1 && c.mode === 'paper')!;
      const b = F.rr.find((c) => c.method === method && c.tau === 0.25 && c.mode === 'paper')!;
      expect(a.lt).toEqual(b.lt);
      expect(a.bce).not.toEqual(b.bce);
    }
  });
});

describe('rejector scores', () => {
  const R = F.raw;

  test.each([1, 0.25])('confidence, T-Con, R-Con and energy on raw logits match PyTorch (tau = %s)', async (tau) => {
    await expectNoTensorLeak(() => {
      const z = tf.tensor2d(R.z);
      const a = tf.tensor1d(R.a);
      const y = tf.tensor1d(R.y, 'int32');
      const out = tf.tidy(() => [confidenceFromLogits(z, tau), trueConfidenceFromLogits(z, y, tau), rConFromOutputs(z, a, tau), energyFromLogits(z)]);
      expectClose(out[0].dataSync(), R.confidence[String(tau)], 'confidence');
      expectClose(out[1].dataSync(), R.trueConfidence[String(tau)], 'T-Con');
      expectClose(out[2].dataSync(), R.rCon[String(tau)], 'R-Con');
      expectClose(out[3].dataSync(), R.energy, 'energy');
      tf.dispose([z, a, y, ...out]);
    });
  });

  test('rCon(model, x) is a Float32Array of f(x)[y_m]·sigmoid(aux), the same in any chunking; rejectorScores gives every score', async () => {
    const { model } = fixtureRrModel();
    const x = tf.tensor2d(F.xAdv);
    const y = Int32Array.from(F.y);
    await expectNoTensorLeak(async () => {
      const r = await rCon(model, x);
      expect(r).toBeInstanceOf(Float32Array);
      const expected = F.rrOutputs.zAdv.map((row, i) => {
        const m = Math.max(...row);
        const s = row.reduce((p, v) => p + Math.exp(v - m), 0);
        return (1 / s) / (1 + Math.exp(-F.rrOutputs.aAdv[i]));
      });
      expectClose(r, expected, 'R-Con');
      expect(Array.from(await rCon(model, x, { batchSize: 4 }))).toEqual(Array.from(r));
      const t = rConTensor(model, x);
      expect(Array.from(t.dataSync())).toEqual(Array.from(r));
      t.dispose();
      const s = await rejectorScores(model, x, { labels: y, batchSize: 4 });
      expect(Array.from(s.rCon!)).toEqual(Array.from(r));
      expect(Array.from(s.predictions)).toEqual(F.rrOutputs.predictedAdv);
      expect(Array.from(s.correct!)).toEqual(F.rrOutputs.predictedAdv.map((p, i) => Number(p === F.y[i])));
      s.aux!.forEach((v, i) => expect(v * s.confidence[i]).toBeCloseTo(r[i], 6));
      s.energy.forEach((v, i) => expect(v).toBeCloseTo(Math.log(F.rrOutputs.zAdv[i].reduce((p, q) => p + Math.exp(q), 0)), 5));
      s.trueConfidence!.forEach((v, i) => expect(v).toBeLessThanOrEqual(s.confidence[i] + 1e-7));
      expect(s.selection).toBeUndefined();
      // Temperature for display: lower tau raises the confidence of every input.
      const cold = await rejectorScores(model, x, { temperature: 0.25 });
      cold.confidence.forEach((c, i) => expect(c).toBeGreaterThanOrEqual(s.confidence[i]));
    });
    await expect(rCon(createMlp({ inputDim: 2, numClasses: 3, depth: 0, seed: 1 }), x)).rejects.toThrow(/R-Con needs a two-head model/);
    x.dispose();
    model.dispose();
  });

  test('SelectiveNet and plain models: the scores their heads allow', async () => {
    const { model } = fixtureSnetModel();
    const plain = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 4, seed: 2 });
    const x = tf.tensor2d(F.xAdv);
    await expectNoTensorLeak(async () => {
      const s = await rejectorScores(model, x);
      expectClose(s.selection!, F.snetOutputs.s.map((v) => 1 / (1 + Math.exp(-v))), 'g');
      const g = selectionTensor(model, x);
      expect(Array.from(g.dataSync())).toEqual(Array.from(s.selection!));
      g.dispose();
      expect(s.rCon).toBeUndefined();
      const p = await rejectorScores(plain, x);
      expect(p.rCon).toBeUndefined();
      expect(p.selection).toBeUndefined();
      expect(p.confidence).toHaveLength(6);
    });
    expect(rejectorScoresOf('rr')).toEqual(['confidence', 'rcon', 'energy']);
    expect(rejectorScoresOf('selectivenet')).toEqual(['confidence', 'energy', 'selection']);
    expect(rejectorScoresOf('none')).toEqual(['confidence', 'energy']);
    x.dispose();
    model.dispose();
    plain.dispose();
  });
});

/** Two overlapping Gaussian classes in 2-D (means ±0.6 on the first axis, std 0.7): about 20% of the points lie on the wrong side. */
function overlapping(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D; labels: Int32Array } {
  const rng = new Rng(seed);
  const xs = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    labels[i] = c;
    xs[2 * i] = (c === 0 ? -0.6 : 0.6) + 0.7 * rng.normal();
    xs[2 * i + 1] = 0.7 * rng.normal();
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor1d(labels, 'int32'), labels };
}

/** Mean of v over the inputs with correct[i] = want. */
function meanWhere(v: Float32Array, correct: Uint8Array, want: number): number {
  let sum = 0;
  let k = 0;
  v.forEach((a, i) => {
    if (correct[i] === want) {
      sum += a;
      k++;
    }
  });
  return sum / k;
}

/** ROC-AUC of a score separating correct (1) from wrong (0) inputs, by counting pairs (ties count 1/2). */
function pairAuc(v: Float32Array, correct: Uint8Array): number {
  let num = 0;
  let den = 0;
  v.forEach((a, i) => {
    if (correct[i] !== 1) return;
    v.forEach((b, j) => {
      if (correct[j] !== 0) return;
      den++;
      num += a > b ? 1 : a === b ? 0.5 : 0;
    });
  });
  return num / den;
}

describe('training', () => {
  let data: { x: tf.Tensor2D; y: tf.Tensor1D; labels: Int32Array };
  beforeAll(() => {
    data = overlapping(240, 3);
  });
  afterAll(() => tf.dispose([data.x, data.y]));

  const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
    ...TRAIN_DEFAULTS,
    method: 'rr-pgd-at',
    epochs: 12,
    batchSize: 24,
    optimizer: 'adam',
    learningRate: 0.01,
    seed: 4,
    attack: { norm: 'linf', eps: 0.05, steps: 3, stepSize: 0 },
    rr: { ...RR_DEFAULTS },
    ...over,
  });
  const newRr = (seed = 2) => createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 2, depth: 2, width: 16, seed });

  test('RR-PGD-AT lowers its loss and the auxiliary head learns: A and R-Con higher on correct than on wrong inputs', async () => {
    const model = newRr();
    const before = await rejectorScores(model, data.x, { labels: data.labels });
    const result = await expectNoTensorLeak(() => train(model, { x: data.x, y: data.y }, cfg()));
    expect(result.status).toBe('completed');
    const h = result.history;
    expect(h[h.length - 1].objective).toBeLessThan(h[0].objective);
    expect(h[h.length - 1].trainAccuracy).toBeGreaterThan(0.7);
    const s = await rejectorScores(model, data.x, { labels: data.labels });
    const wrong = s.correct!.filter((c) => c === 0).length;
    expect(wrong).toBeGreaterThan(15); // the overlap leaves wrong inputs to reject
    const mean = (v: Float32Array, want: number) => meanWhere(v, s.correct!, want);
    expect(mean(s.rCon!, 1)).toBeGreaterThan(mean(s.rCon!, 0) + 0.1);
    expect(mean(s.aux!, 1)).toBeGreaterThan(mean(s.aux!, 0));
    // A_phi alone separates correct from wrong inputs after training (it did not at the start).
    // On this set the wrong inputs are label noise, which A_phi cannot see; it learns to lower
    // A where they concentrate, near the boundary (A* = f[y] / f[y_m] < 1 there).
    const aucAfter = pairAuc(s.aux!, s.correct!);
    expect(aucAfter).toBeGreaterThan(0.6);
    expect(aucAfter).toBeGreaterThan(pairAuc(before.aux!, before.correct!) + 0.1);
    expect(pairAuc(s.rCon!, s.correct!)).toBeGreaterThan(0.7);
    model.dispose();
  });

  test('reproducible from the seed: the same seed gives the same weights, another seed others', async () => {
    const run = async (seed: number) => {
      const model = newRr();
      await train(model, { x: data.x, y: data.y }, cfg({ epochs: 2, seed, method: 'rr-trades', rr: { ...RR_DEFAULTS, temperature: 0.5 } }));
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expectSameWeights(a, b);
    expect(weightsDiffer(a, c)).toBe(true);
  });

  test('SelectiveNet-PGD-AT trains, and its selection head moves towards the coverage target', async () => {
    const model = createSelectiveNetModel({ kind: 'mlp', inputDim: 2, numClasses: 2, depth: 2, width: 16, seed: 2 });
    const result = await expectNoTensorLeak(() => train(model, { x: data.x, y: data.y }, cfg({ method: 'selectivenet-pgd-at', selectiveNet: { coverage: 0.7, lambda: 32, alpha: 0.5 } })));
    expect(result.status).toBe('completed');
    const s = await rejectorScores(model, data.x, { labels: data.labels });
    const coverage = s.selection!.reduce((p, v) => p + v, 0) / s.selection!.length;
    expect(coverage).toBeGreaterThan(0.55);
    model.dispose();
  });
});

/** n random 8×8 grey images in 3 classes (labels cycling 0, 1, 2). */
function tinyImages(n: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  return {
    images: Float32Array.from({ length: n * 64 }, () => rng.uniform()),
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    shape: [8, 8, 1],
    numClasses: 3,
    source: 'test',
  };
}

describe('configs and runners', () => {
  test('the RR and SelectiveNet fields have defaults and validation; the runners build the heads the method needs', () => {
    const c = normaliseExperiment({ version: 1, training: { method: 'rr-trades', rr: { temperature: 0.5 } } });
    expect(c.training.rr).toEqual({ ...RR_DEFAULTS, temperature: 0.5 });
    expect(c.training.selectiveNet).toEqual(SELECTIVENET_DEFAULTS);
    expect(() => normaliseExperiment({ version: 1, training: { rr: { temperature: 0 } } })).toThrow(/training\.rr\.temperature/);
    expect(() => normaliseExperiment({ version: 1, training: { rr: { stopGradient: 'always' } } })).toThrow(/training\.rr\.stopGradient must be one of paper, target-only/);
    expect(() => normaliseExperiment({ version: 1, training: { rr: { lambda: -1 } } })).toThrow(/training\.rr\.lambda/);
    expect(() => normaliseExperiment({ version: 1, training: { selectiveNet: { coverage: 0 } } })).toThrow(/training\.selectiveNet\.coverage/);
    expect(() => normaliseExperiment({ version: 1, training: { selectiveNet: { alpha: 1.5 } } })).toThrow(/training\.selectiveNet\.alpha/);
    expect(() => normaliseExperiment({ version: 1, training: { rr: { tau: 1 } } })).toThrow(/training\.rr\.tau is not a known field/);

    const rr = buildModel(c, 3);
    expect(modelHeads(rr)).toBe('rr');
    rr.dispose();
    const snet = buildModel({ ...c, training: { ...c.training, method: 'selectivenet-pgd-at' } }, 3);
    expect(modelHeads(snet)).toBe('selectivenet');
    snet.dispose();
    const plain = buildModel({ ...c, training: { ...c.training, method: 'pgd-at' } }, 3);
    expect(modelHeads(plain)).toBe('none');
    plain.dispose();

    const ic = normaliseImageExperiment({ version: 1, kind: 'image', training: { method: 'rr-pgd-at' } });
    const cnn = buildImageModel(ic, tinyImages(4, 1));
    expect(modelHeads(cnn)).toBe('rr');
    expect(cnn.outputs[0].shape).toEqual([null, 3]);
    cnn.dispose();
  });

  test('image runner: RR-TRADES and SelectiveNet train a small CNN with their heads, leaking nothing', async () => {
    const train8 = tinyImages(24, 2);
    const test8 = tinyImages(6, 3);
    for (const method of ['rr-trades', 'selectivenet-pgd-at'] as const) {
      const ic = normaliseImageExperiment({
        version: 1,
        kind: 'image',
        model: { kind: 'cnn', convLayers: 1, filters: 4, dense: 8 },
        training: { method, epochs: 1, batchSize: 8, attack: { norm: 'linf', eps: 0.03, steps: 2, stepSize: 0 } },
      });
      const model = buildImageModel(ic, train8);
      const initial = weightsOf(model);
      const { result } = await expectNoTensorLeak(() => trainImageModel(ic, train8, test8, undefined, null, model));
      expect(result.status).toBe('completed');
      expect(weightsDiffer(weightsOf(model), initial)).toBe(true);
      expect(modelHeads(model)).toBe(methodHeads(method));
      model.dispose();
    }
  });

  test('a loss on the trained RR model is finite even where R-Con rounds to 1 in float32', async () => {
    await expectNoTensorLeak(() => {
      const z = tf.tensor2d([[40, 0, -40], [40, 0, -40]]);
      const a = tf.tensor1d([30, 30]);
      const y = tf.tensor1d([0, 1], 'int32');
      const [l, gz, ga] = tf.tidy(() => {
        const l = rrBcePerExample(z, a, y);
        const [gz, ga] = tf.grads((zz: tf.Tensor, aa: tf.Tensor) => tf.sum(rrBcePerExample(zz as tf.Tensor2D, aa as tf.Tensor1D, y)))([z, a]);
        return [l, gz, ga];
      });
      const v = Array.from(l.dataSync());
      // Row 1: wrong with R-Con ≈ 1 − e^-30 and T-Con = e^-40: L ≈ −log(1 − R-Con) ≈ 30.
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v[1]).toBeGreaterThan(25);
      expect(Array.from(gz.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(ga.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([z, a, y, l, gz, ga]);
    });
  });

  test('the per-example PGD-AT + RR loss is CE + lambda·L_RR', async () => {
    const { model } = fixtureRrModel();
    const y = tf.tensor1d(F.y, 'int32');
    const xAdv = tf.tensor2d(F.xAdv);
    await expectNoTensorLeak(() => {
      const per = rrPgdAtLossPerExample(model, y, xAdv, rrOf({ lambda: F.lambda }));
      const c = F.rr.find((k) => k.method === 'rr-pgd-at' && k.tau === 1 && k.mode === 'paper')!;
      expectClose(per.dataSync(), c.lt.map((v, i) => v + F.lambda * c.bce[i]), 'per-example loss');
      const ce = tf.tidy(() => crossEntropy(logits(model, xAdv), y));
      expectClose(ce.dataSync(), c.lt, 'CE part');
      tf.dispose([per, ce]);
    });
    tf.dispose([y, xAdv]);
    model.dispose();
  });
});
