/**
 * The cross-entropy input gradient of an MLP (a chain of dense layers, models/forward.ts
 * `denseChain`) by a hand-derived backward pass instead of tfjs's gradient tape: the forward pass
 * keeps only each layer's output (one fused matrix product + bias + activation kernel a layer),
 * and the backward pass is, from g = softmax(z) − onehot(y) (the gradient of Σ cross-entropy in
 * the logits z),
 *   g ← g Wₗᵀ, then g ← g ⊙ step(hₗ₋₁) after a ReLU (hₗ₋₁ > 0 exactly where its input was) or
 *   g ← g ⊙ (1 − hₗ₋₁²) after a tanh,
 * down to the input. These are the ops tfjs's own gradients of matMul, relu, tanh and logSoftmax
 * make, without the tape's bookkeeping (identity copies, the bias additions and activations as
 * separate kernels): on the 2-D MLP's PGD about a third fewer kernels a step. The attacks use it
 * for their default objective, cross-entropy; every other objective goes through tf.grad.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseStep } from '../models/forward';

/** Logits, per-example cross-entropy and its input gradient; all three are the caller's to dispose. */
export function denseCrossEntropyGradient(chain: readonly DenseStep[], x: tf.Tensor, labels: tf.Tensor1D): { value: tf.Tensor1D; grad: tf.Tensor; logits: tf.Tensor2D } {
  return tf.tidy(() => {
    // The layers' outputs, from the (flattened) input.
    const outputs: tf.Tensor2D[] = [tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D];
    for (const { kernel, bias, activation } of chain) {
      const h = outputs[outputs.length - 1];
      const z = activation === 'tanh' ? tf.tanh(tf.fused.matMul({ a: h, b: kernel, bias })) : tf.fused.matMul({ a: h, b: kernel, bias, activation });
      outputs.push(z as tf.Tensor2D);
    }
    const logits = outputs[outputs.length - 1];
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    const value = tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D;
    let g: tf.Tensor2D = tf.sub(tf.exp(logp), onehot);
    for (let l = chain.length - 1; l >= 0; l--) {
      g = tf.matMul(g, chain[l].kernel, false, true);
      if (l === 0) break;
      const h = outputs[l];
      const below = chain[l - 1].activation;
      if (below === 'relu') g = tf.mul(g, tf.step(h));
      else if (below === 'tanh') g = tf.mul(g, tf.sub(1, tf.square(h)));
    }
    return { value, grad: tf.reshape(g, x.shape), logits };
  });
}
