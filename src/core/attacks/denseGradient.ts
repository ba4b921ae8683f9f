/**
 * The input gradient of an objective of an MLP's logits (a chain of dense layers,
 * models/forward.ts `denseChain`) by a hand-derived backward pass instead of tfjs's gradient
 * tape: the forward pass keeps only each layer's output (one fused matrix product + bias +
 * activation kernel a layer), and the backward pass is, from g = ∂(Σ objective)/∂z given in closed
 * form by the objective (attacks/common.ts `LogitGradient`: softmax(z) − onehot(y) for
 * cross-entropy, softmax(z) − p for TRADES' KL from fixed probabilities p),
 *   g ← g Wₗᵀ, then g ← g ⊙ step(hₗ₋₁) after a ReLU (hₗ₋₁ > 0 exactly where its input was) or
 *   g ← g ⊙ (1 − hₗ₋₁²) after a tanh,
 * down to the input. These are the ops tfjs's own gradients of matMul, relu, tanh and logSoftmax
 * make, without the tape's bookkeeping (identity copies, the bias additions and activations as
 * separate kernels): on the 2-D MLP's PGD about a third fewer kernels a step. Objectives without
 * a closed-form logit gradient go through tf.grad. On WASM each pass is one kernel, and for
 * cross-entropy (with int32 labels) the forward pass, its logit gradient and the backward pass are
 * one (wasmDenseChain.ts), with the same numbers.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseStep } from '../models/forward';
import { reluMask } from '../wasmAttackSteps';
import { type ChainLayer, crossEntropyLabelsFit, denseBackward, denseCrossEntropyGradient, denseForward, takesDenseChain } from '../wasmDenseChain';

/**
 * An objective's gradient in the logits, dz = ∂(Σ value)/∂z, in closed form (attacks/common.ts
 * `Objective.logitGradient`): with it the attacks differentiate an MLP by hand instead of by tape.
 */
export type LogitGradient = ((logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor2D) & {
  /** Set on cross-entropy's: on WASM the whole gradient is then one kernel, its logit gradient included (wasmDenseChain.ts). */
  crossEntropy?: true;
};

/**
 * Logits and the input gradient of Σ objective; both are the caller's to dispose. `transposed`,
 * if given, holds each kernel transposed (GradientSession keeps them for an attack's steps).
 */
export function denseInputGradient(chain: readonly DenseStep[], x: tf.Tensor, labels: tf.Tensor1D, logitGradient: LogitGradient, transposed?: readonly tf.Tensor2D[]): { grad: tf.Tensor; logits: tf.Tensor2D } {
  return tf.tidy(() => {
    const flat = (x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1])) as tf.Tensor2D;
    // On WASM each pass is one kernel, split by rows over two threads where a helper runs (wasmDenseChain.ts).
    const layers: ChainLayer[] = chain.map((s) => ({ kernel: s.kernel, bias: s.bias, relu: s.activation === 'relu' }));
    const shaped = (g: tf.Tensor2D) => (x.rank === 2 ? g : tf.reshape(g, x.shape));
    if (chain.every((s) => s.activation !== 'tanh') && takesDenseChain(flat, layers)) {
      const kernelsT = transposed ?? chain.map((s) => tf.transpose(s.kernel));
      if (logitGradient.crossEntropy && crossEntropyLabelsFit(flat, labels)) {
        const { logits, grad } = denseCrossEntropyGradient(flat, layers, kernelsT, labels);
        return { grad: shaped(grad), logits };
      }
      const outputs = denseForward(flat, layers, true);
      const logits = outputs[outputs.length - 1];
      const g = denseBackward(logitGradient(logits, labels), kernelsT, outputs, layers.map((l) => l.relu));
      return { grad: shaped(g), logits };
    }
    // The layers' outputs, from the (flattened) input.
    const outputs: tf.Tensor2D[] = [flat];
    for (const { kernel, bias, activation } of chain) {
      const h = outputs[outputs.length - 1];
      const z = activation === 'tanh' ? tf.tanh(tf.fused.matMul({ a: h, b: kernel, bias })) : tf.fused.matMul({ a: h, b: kernel, bias, activation });
      outputs.push(z as tf.Tensor2D);
    }
    const logits = outputs[outputs.length - 1];
    let g = logitGradient(logits, labels);
    for (let l = chain.length - 1; l >= 0; l--) {
      g = transposed ? tf.matMul(g, transposed[l]) : tf.matMul(g, chain[l].kernel, false, true);
      if (l === 0) break;
      const h = outputs[l];
      const below = chain[l - 1].activation;
      if (below === 'relu') g = reluMask(g, h) as tf.Tensor2D;
      else if (below === 'tanh') g = tf.mul(g, tf.sub(1, tf.square(h)));
    }
    return { grad: shaped(g), logits };
  });
}
