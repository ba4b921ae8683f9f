/**
 * The hand-derived cross-entropy input gradient of MLPs (attacks/denseGradient.ts), which the
 * attacks use instead of tfjs's tape for their default objective: per-example loss, input
 * gradient and logits against tf.grad through the plain forward pass, within 1e-5, directly and
 * through an attack's GradientSession (transposed kernels held after its first call), for ReLU and
 * tanh MLPs, an MLP on images (a leading Flatten) and a classifier with rejector heads; models
 * that are not MLPs are not taken; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createCnn, createMlp } from '../../src/core';
import { GradientSession, type Objective, crossEntropy } from '../../src/core/attacks/common';
import { denseInputGradient } from '../../src/core/attacks/denseGradient';
import { klObjective } from '../../src/core/training/trades';
import { createRrModel } from '../../src/core/models/heads';
import { denseChain, logits as modelLogits } from '../../src/core/models/forward';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** The tape's answer: tf.grad of Σ objective through the plain forward pass. */
function taped(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, objective: Objective) {
  return tf.tidy(() => {
    const z = modelLogits(model, x);
    const grad = tf.grad((xx: tf.Tensor) => tf.sum(objective(modelLogits(model, xx), y)))(x);
    return { value: objective(z, y), grad, logits: z };
  });
}

const mlps: Array<[string, () => tf.LayersModel, number[], number]> = [
  ['ReLU MLP', () => createMlp({ inputDim: 2, numClasses: 3, seed: 1 }), [64, 2], 3],
  ['tanh MLP', () => createMlp({ inputDim: 2, numClasses: 3, activation: 'tanh', seed: 2 }), [64, 2], 3],
  ['MLP on 6×6×1 images (Flatten first)', () => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [6, 6, 1] }));
    m.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }));
    m.add(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }));
    return m;
  }, [32, 6, 6, 1], 4],
  ['classifier with rejector heads (the logits head)', () => createRrModel({ kind: 'mlp', inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 5 }), [64, 2], 3],
];

describe('hand-derived MLP gradient against the tape', () => {
  for (const [name, build, shape, k] of mlps) {
    for (const objectiveName of ['cross-entropy', "TRADES' KL from the clean probabilities"]) {
    test(`${name}, ${objectiveName}`, async () => {
      const model = build();
      const chain = denseChain(model);
      expect(chain).not.toBeNull();
      const x = tf.randomUniform(shape, -1, 1, 'float32', 6);
      const y = tf.tensor1d(Array.from({ length: shape[0] }, (_, i) => i % k), 'int32');
      // TRADES attacks KL(f(x) || f(x')) from x + noise; here p = softmax of other logits.
      const probs = tf.tidy(() => tf.softmax(tf.randomNormal([shape[0], k], 0, 2, 'float32', 8)) as tf.Tensor2D);
      const objective = objectiveName === 'cross-entropy' ? crossEntropy : klObjective(probs);
      const ref = taped(model, x, y, objective);
      await expectNoTensorLeak(() => {
        const direct = denseInputGradient(chain!, x, y, objective.logitGradient!);
        expect(direct.grad.shape).toEqual(x.shape);
        expect(maxAbsDiff(direct.grad, ref.grad)).toBeLessThan(1e-5);
        expect(maxAbsDiff(direct.logits, ref.logits)).toBeLessThan(1e-5);
        tf.dispose([direct.grad, direct.logits]);
        // A session: the first call multiplies by the kernels transposed on the fly, later ones by held transposes.
        const session = new GradientSession(model, objective);
        for (let call = 0; call < 3; call++) {
          const got = session.valueAndGrad(x, y);
          expect(maxAbsDiff(got.grad, ref.grad)).toBeLessThan(1e-5);
          expect(maxAbsDiff(got.value, ref.value)).toBeLessThan(1e-5);
          expect(maxAbsDiff(got.logits, ref.logits)).toBeLessThan(1e-5);
          tf.dispose([got.value, got.grad, got.logits]);
        }
        const g = session.grad(x, y);
        expect(maxAbsDiff(g, ref.grad)).toBeLessThan(1e-5);
        g.dispose();
        session.dispose();
        // Not trivially zero: the gradient has the tape's size.
        expect(tf.tidy(() => tf.max(tf.abs(ref.grad)).dataSync()[0])).toBeGreaterThan(1e-3);
      });
      tf.dispose([model, x, y, probs, ref.value, ref.grad, ref.logits] as never);
    });
    }
  }

  test('an attack session takes fewer kernels than the tape', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, seed: 9 });
    const x = tf.randomUniform([16, 2], -1, 1, 'float32', 10);
    const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32');
    // tf.profile hands back one shared record: count each run's kernels before the next.
    const kernels = async (f: () => tf.Tensor) => (await tf.profile(f)).kernels.filter((k) => !k.name.endsWith('__op')).map((k) => k.name);
    const session = new GradientSession(model, crossEntropy);
    session.grad(x, y).dispose();
    const hand = await kernels(() => session.grad(x, y));
    session.dispose();
    // The same objective without its closed form: tf.grad.
    const tape = await kernels(() => new GradientSession(model, (z, l) => crossEntropy(z, l)).grad(x, y));
    // On WASM cross-entropy's whole input gradient of the MLP is one kernel (wasmDenseChain.ts), its softmax included.
    expect(hand).toContain('WorkbenchDenseCrossEntropyGradient');
    expect(hand).not.toContain('Softmax');
    expect(tape).not.toContain('WorkbenchDenseCrossEntropyGradient');
    expect(tape).not.toContain('WorkbenchDenseForward');
    expect(hand.length).toBeLessThan(0.7 * tape.length);
    tf.dispose([model, x, y] as never);
  });

  test('a CNN is not an MLP: it keeps the tape', () => {
    const cnn = createCnn({ inputShape: [8, 8, 1], numClasses: 4, filters: 4, dense: 8, seed: 7 });
    expect(denseChain(cnn)).toBeNull();
    cnn.dispose();
  });
});
