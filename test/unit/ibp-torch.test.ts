/**
 * Interval bound propagation and the IBP training loss with abstain classes (paper 004,
 * Section 2.2, Theorem 1, Theorem 3, Eq. 15; Gowal et al. 2018) against an independent float64
 * PyTorch reference (scripts/make-ibp-fixtures.py → test/fixtures/ibp-torch.json): on a small
 * MLP (K = 3, M = 2, and the same network read as K = 5, M = 0) and a small CNN (Normalize,
 * 'same' and 'valid' convolutions, max- and average-pooling, flatten, dense; K = 3, M = 1):
 *  - the logits, the clipped input region, intervalBounds' logit bounds;
 *  - penultimateBox's box of the last layer's input, and boxSpecBound's
 *    J_t = min over that box of s^T (W^T h + b) at the fixture's simplex weights and at e_y;
 *  - METHODS.ibp.loss (kappa · L_nat + (1 − kappa) · L_robust + lambda · L_robust-abstain at a
 *    fixed lambda*) and its gradient in every weight.
 * The fixture's weights and inputs are float32 numbers, so the only differences are float32
 * arithmetic against float64.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IBP_DEFAULTS, type LossParams, METHODS, Normalize, ibpSchedule, inputBox, intervalBounds, logits } from '../../src/core';
import { penultimateBox } from '../../src/core/verify/ibp';
import { boxSpecBound, specVectors, successSetOneHot, targetClasses } from '../../src/core/verify/abstainSimplex';
import type { IbpConfig } from '../../src/core/training/ibpConfig';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

type Nested = number | Nested[];
type LayerSpec =
  | { type: 'normalize'; mean: number[]; std: number[] }
  | { type: 'dense'; in: number; out: number; activation: 'relu' | 'linear'; kernel: number[][]; bias: number[] }
  | { type: 'conv2d'; kernelSize: number; in: number; out: number; padding: 'same' | 'valid'; activation: 'relu' | 'linear'; kernel: Nested; bias: number[] }
  | { type: 'maxpool' | 'avgpool'; poolSize: number }
  | { type: 'flatten' };
interface BoxCase {
  eps: number;
  inputLower: Nested;
  inputUpper: Nested;
  logitLower: number[][];
  logitUpper: number[][];
  hLower: number[][];
  hUpper: number[][];
  J: number[][];
  Jplain: number[][];
}
interface LossCase {
  eps: number;
  kappa: number;
  lambdaWeight: number;
  abstainClasses: number;
  loss: number;
  natural: number;
  robust: number;
  robustAbstain: number | null;
  gradients: Nested[];
}
interface Network {
  name: string;
  inputShape: number[];
  numClasses: number;
  abstainClasses: number;
  layers: LayerSpec[];
  x: Nested;
  y: number[];
  logits: number[][];
  lambda: number[][][];
  boxes: BoxCase[];
  losses: LossCase[];
}
interface Fixture {
  box: [number, number];
  networks: Network[];
}

const F: Fixture = JSON.parse(readFileSync(new URL('../fixtures/ibp-torch.json', import.meta.url), 'utf8'));
const BOX: [number, number] = [F.box[0], F.box[1]];

const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** |a − b| ≤ atol + rtol·|b| elementwise (float32 against float64); atol is relative to the largest |b|. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-5, atolScale = 1e-6): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const atol = atolScale * Math.max(1, scale);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    expect(ok, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`).toBe(true);
  }
}

/** The fixture's network as a tfjs model with its weights. */
function buildModel(net: Network): tf.Sequential {
  const model = tf.sequential();
  net.layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape: net.inputShape } : {};
    switch (l.type) {
      case 'normalize':
        model.add(new Normalize({ mean: l.mean, std: l.std, ...first }));
        break;
      case 'dense':
        model.add(tf.layers.dense({ units: l.out, activation: l.activation, ...first }));
        break;
      case 'conv2d':
        model.add(tf.layers.conv2d({ filters: l.out, kernelSize: l.kernelSize, padding: l.padding, activation: l.activation, ...first }));
        break;
      case 'maxpool':
        model.add(tf.layers.maxPooling2d({ poolSize: l.poolSize, ...first }));
        break;
      case 'avgpool':
        model.add(tf.layers.averagePooling2d({ poolSize: l.poolSize, ...first }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten(first));
        break;
    }
  });
  const ws = net.layers.flatMap((l) => (l.type === 'dense' || l.type === 'conv2d' ? [tf.tensor(l.kernel as number[]), tf.tensor1d(l.bias)] : []));
  model.setWeights(ws);
  tf.dispose(ws);
  return model;
}

/** Loss parameters whose schedule gives exactly epsScale 1, kappa and lambda (no warm-up, no ramp). */
function lossParams(c: LossCase): LossParams {
  const ibp: IbpConfig = { ...IBP_DEFAULTS, abstainClasses: c.abstainClasses, warmup: 0, ramp: 0, kappaEnd: c.kappa, lambdaEnd: c.lambdaWeight, regulariserMu: 0 };
  return { attack: { norm: 'linf', eps: c.eps, steps: 1, stepSize: 0 }, box: BOX, tradesBeta: 6, eraBeta: 1, ibp, progress: { step: 3, totalSteps: 10 } };
}

for (const net of F.networks) {
  describe(`${net.name} (K = ${net.numClasses}, M = ${net.abstainClasses}) against float64 PyTorch`, () => {
    let model: tf.Sequential;
    let x: tf.Tensor;
    let y: tf.Tensor1D;
    const K = net.numClasses;
    const M = net.abstainClasses;

    beforeAll(() => {
      model = buildModel(net);
      x = tf.tensor(net.x as number[], [net.y.length, ...net.inputShape]);
      y = tf.tensor1d(net.y, 'int32');
    });
    afterAll(() => {
      tf.dispose([x, y]);
      model.dispose();
    });

    test('the weights are in place: the logits match', () => {
      expect(model.trainableWeights.length).toBe(net.losses[0].gradients.length);
      const [a, b] = tf.tidy(() => [model.predict(x) as tf.Tensor, logits(model, x)]);
      expectClose(a.dataSync(), flat(net.logits), 'model.predict');
      expectClose(b.dataSync(), flat(net.logits), 'logits()');
      tf.dispose([a, b]);
    });

    for (const bc of net.boxes) {
      test(`eps ${bc.eps.toPrecision(3)}: input region, intervalBounds, penultimateBox and boxSpecBound`, async () => {
        await expectNoTensorLeak(async () => {
          const { lower, upper } = inputBox(x, bc.eps, BOX);
          expectClose(lower.dataSync(), flat(bc.inputLower), 'input lower', 0, 1e-7);
          expectClose(upper.dataSync(), flat(bc.inputUpper), 'input upper', 0, 1e-7);

          const out = await intervalBounds(model, lower, upper);
          expectClose(out.lower.dataSync(), flat(bc.logitLower), 'logit lower');
          expectClose(out.upper.dataSync(), flat(bc.logitUpper), 'logit upper');

          const [hLo, hHi, j, jPlain] = tf.tidy(() => {
            const { h, kernel, bias } = penultimateBox(model, lower, upper);
            const sHot = successSetOneHot(y, K, M);
            const tHot = tf.oneHot(targetClasses(y, K), K + M) as tf.Tensor3D;
            const lam = tf.tensor3d(net.lambda);
            const B = net.y.length;
            const plain = tf.concat([tf.ones([B, K - 1, 1]), tf.zeros([B, K - 1, M])], 2) as tf.Tensor3D;
            return [
              tf.sub(h.mid, h.rad),
              tf.add(h.mid, h.rad),
              boxSpecBound(specVectors(lam, sHot, tHot), h, kernel, bias),
              boxSpecBound(specVectors(plain, sHot, tHot), h, kernel, bias),
            ];
          });
          expectClose(hLo.dataSync(), flat(bc.hLower), 'penultimate lower');
          expectClose(hHi.dataSync(), flat(bc.hUpper), 'penultimate upper');
          expectClose(j.dataSync(), flat(bc.J), 'J(lambda)');
          expectClose(jPlain.dataSync(), flat(bc.Jplain), 'J(e_y)');
          tf.dispose([lower, upper, out.lower, out.upper, hLo, hHi, j, jPlain]);
        });
      });
    }

    for (const lc of net.losses) {
      const label = `eps ${lc.eps.toPrecision(3)}, kappa ${lc.kappa}, lambda ${lc.lambdaWeight}, M = ${lc.abstainClasses}`;
      test(`METHODS.ibp.loss and its weight gradients (${label})`, async () => {
        const params = lossParams(lc);
        const s = ibpSchedule(params.ibp!, params.progress!.step, params.progress!.totalSteps);
        expect(s).toEqual({ epsScale: 1, kappa: lc.kappa, lambda: lc.lambdaWeight });
        await expectNoTensorLeak(async () => {
          let prepared: Record<string, tf.Tensor>;
          if (lc.abstainClasses === 0) {
            // M = 0: plain IBP training, no simplex weights and no robust-abstain term.
            prepared = await METHODS.ibp.prepare(model, x, y, params, 1);
            expect(Object.keys(prepared)).toEqual([]);
          } else {
            expect(lc.abstainClasses).toBe(M);
            prepared = { lambda: tf.tensor3d(net.lambda) };
          }
          const loss = METHODS.ibp.loss(model, x, y, prepared, params);
          expect(loss.rank).toBe(0);
          expectClose(loss.dataSync(), [lc.loss], `${label}: loss`);
          loss.dispose();

          const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
          const { value, grads } = tf.variableGrads(() => METHODS.ibp.loss(model, x, y, prepared, params), vars);
          expectClose(value.dataSync(), [lc.loss], `${label}: loss (under variableGrads)`);
          vars.forEach((v, i) => {
            expect(grads[v.name].shape, `${label}: shape of d/d${model.trainableWeights[i].name}`).toEqual(model.trainableWeights[i].shape);
            expectClose(grads[v.name].dataSync(), flat(lc.gradients[i]), `${label}: d/d${model.trainableWeights[i].name}`, 2e-5, 2e-6);
          });
          tf.dispose([value, ...Object.values(grads), ...Object.values(prepared)]);
        });
      });
    }
  });
}
