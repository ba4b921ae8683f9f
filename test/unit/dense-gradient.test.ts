/**
 * The hand-derived cross-entropy input gradient of MLPs (attacks/denseGradient.ts), which the
 * attacks use instead of tfjs's tape for their default objective: per-example loss, input
 * gradient and logits against tf.grad through the plain forward pass, within 1e-5, for ReLU and
 * tanh MLPs, an MLP on images (a leading Flatten) and a classifier with rejector heads; models
 * that are not MLPs are not taken; no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createCnn, createMlp } from '../../src/core';
import { type Objective, crossEntropy } from '../../src/core/attacks/common';
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
        const got = denseInputGradient(chain!, x, y, objective.logitGradient!);
        expect(got.grad.shape).toEqual(x.shape);
        expect(maxAbsDiff(got.grad, ref.grad)).toBeLessThan(1e-5);
        expect(maxAbsDiff(got.value, ref.value)).toBeLessThan(1e-5);
        expect(maxAbsDiff(got.logits, ref.logits)).toBeLessThan(1e-5);
        // Not trivially zero: the gradient has the tape's size.
        expect(tf.tidy(() => tf.max(tf.abs(ref.grad)).dataSync()[0])).toBeGreaterThan(1e-3);
        tf.dispose([got.value, got.grad, got.logits]);
      });
      tf.dispose([model, x, y, probs, ref.value, ref.grad, ref.logits] as never);
    });
    }
  }

  test('a CNN is not an MLP: it keeps the tape', () => {
    const cnn = createCnn({ inputShape: [8, 8, 1], numClasses: 4, filters: 4, dense: 8, seed: 7 });
    expect(denseChain(cnn)).toBeNull();
    cnn.dispose();
  });
});
