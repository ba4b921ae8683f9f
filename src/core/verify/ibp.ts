/**
 * Interval bound propagation (Gowal et al. 2018; paper 004, Section 2.2, Eq. 3-4): the box
 * [lower, upper] around an input is pushed through the network layer by layer in centre/radius
 * form. For an affine map W (dense or convolution): centre mu' = W mu + b, radius r' = |W| r;
 * monotone activations (ReLU, tanh), max-pooling and Flatten map the lower and upper bounds
 * elementwise; average pooling and the Normalize layer are affine with nonnegative / diagonal
 * weights. The bounds are sound: every input in the box gives logits inside them.
 *
 * All of it is tf ops (no read-back), so it runs batched on the device and the IBP training
 * losses (training/ibp.ts, training/multiAbstain.ts) differentiate through it. Cost: each layer
 * runs twice (centre and radius), i.e. about two forward passes.
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, splitLastAffine, verificationPlan, type VerifyStep } from './layers';

/** A box in centre/radius form: every x with |x − mid| ≤ rad (elementwise). */
export interface Box {
  mid: tf.Tensor;
  rad: tf.Tensor;
}

/** The input region B(x, eps) of paper 004: the l_inf ball intersected with the input box (null = unbounded). */
export function inputBox(x: tf.Tensor, eps: number, box: [number, number] | null): { lower: tf.Tensor; upper: tf.Tensor } {
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new Error(`eps must be a finite number >= 0 (got ${eps})`);
  return tf.tidy(() => {
    let lower = tf.sub(x, eps);
    let upper = tf.add(x, eps);
    if (box) {
      lower = tf.clipByValue(lower, box[0], box[1]);
      upper = tf.clipByValue(upper, box[0], box[1]);
    }
    return { lower, upper };
  });
}

function fromBounds(lower: tf.Tensor, upper: tf.Tensor): Box {
  return { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) };
}

function monotone(b: Box, f: (t: tf.Tensor) => tf.Tensor): Box {
  return fromBounds(f(tf.sub(b.mid, b.rad)), f(tf.add(b.mid, b.rad)));
}

function taped(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

function addBias(t: tf.Tensor, bias: tf.Tensor1D | undefined): tf.Tensor {
  return bias ? tf.add(t, bias) : t;
}

/** One step of IBP (no tidy: the caller's tidy or tape owns the intermediates). */
export function ibpStep(step: VerifyStep, b: Box): Box {
  switch (step.kind) {
    case 'dense': {
      const w = step.kernel();
      const bias = step.bias() ?? undefined;
      // Without a tape the bias rides in the fused kernel, as in the forward pass (models/mlp.ts).
      const mid = taped() ? addBias(tf.matMul(b.mid as tf.Tensor2D, w), bias) : tf.fused.matMul({ a: b.mid as tf.Tensor2D, b: w, bias });
      const rad = tf.matMul(b.rad as tf.Tensor2D, tf.abs(w));
      return step.activation === 'linear' ? { mid, rad } : monotone({ mid, rad }, (t) => applyActivation(t, step.activation));
    }
    case 'conv2d': {
      const w = step.kernel();
      const bias = step.bias() ?? undefined;
      const conv = (t: tf.Tensor, k: tf.Tensor4D) => tf.conv2d(t as tf.Tensor4D, k, step.strides, step.padding, 'NHWC', step.dilation);
      const mid = taped()
        ? addBias(conv(b.mid, w), bias)
        : tf.fused.conv2d({ x: b.mid as tf.Tensor4D, filter: w, strides: step.strides, pad: step.padding, dataFormat: 'NHWC', dilations: step.dilation, bias });
      const rad = conv(b.rad, tf.abs(w));
      return step.activation === 'linear' ? { mid, rad } : monotone({ mid, rad }, (t) => applyActivation(t, step.activation));
    }
    case 'activation':
      return step.activation === 'linear' ? b : monotone(b, (t) => applyActivation(t, step.activation));
    case 'flatten':
      return { mid: tf.reshape(b.mid, [b.mid.shape[0], -1]), rad: tf.reshape(b.rad, [b.rad.shape[0], -1]) };
    case 'maxpool':
      return monotone(b, (t) => tf.maxPool(t as tf.Tensor4D, step.poolSize, step.strides, step.padding));
    case 'avgpool': {
      const pool = (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, step.poolSize, step.strides, step.padding);
      return { mid: pool(b.mid), rad: pool(b.rad) };
    }
    case 'normalize': {
      const mean = tf.tensor1d(step.mean);
      const std = tf.tensor1d(step.std);
      return { mid: tf.div(tf.sub(b.mid, mean), std), rad: tf.div(b.rad, std) };
    }
  }
}

/** Pushes a box through a list of steps (no tidy; see ibpStep). */
export function propagateBox(steps: VerifyStep[], b: Box): Box {
  let box = b;
  for (const step of steps) box = ibpStep(step, box);
  return box;
}

/**
 * The IBP box of h, the input of the model's last affine layer, plus that layer, for the
 * abstain verification (verify/abstainVerification.ts), which keeps the last layer exact.
 * No tidy: call inside tf.tidy or a gradient tape.
 */
export function penultimateBox(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): { h: Box; kernel: tf.Tensor2D; bias: tf.Tensor1D | null } {
  const { body, last } = splitLastAffine(verificationPlan(model));
  const h = propagateBox(body, fromBounds(lower, upper));
  return { h, kernel: last.kernel(), bias: last.bias() };
}

/** Throws unless lower and upper have one shape that fits the model's input (`who` prefixes the message). */
export function checkBoxShape(lower: tf.Tensor, upper: tf.Tensor, model: tf.LayersModel, who: string): void {
  if (lower.shape.join() !== upper.shape.join()) throw new Error(`${who}: lower ${lower.shape} and upper ${upper.shape} differ in shape`);
  const want = (model.inputs[0].shape as (number | null)[]).slice(1);
  const got = lower.shape.slice(1);
  if (want.length !== got.length || want.some((d, i) => d != null && d !== got[i])) {
    throw new Error(`${who}: inputs of shape [${got.join(', ')}] do not fit the model's input [${want.join(', ')}]`);
  }
}

/**
 * Logit bounds of every input in the boxes [lower, upper] (one box per row): sound interval
 * bounds by IBP. Resolves with tensors the caller disposes. Rejects boxes of the wrong shape,
 * non-finite corners and lower > upper, with a message (one read-back for the check).
 */
export async function intervalBounds(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): Promise<{ lower: tf.Tensor2D; upper: tf.Tensor2D }> {
  checkBoxShape(lower, upper, model, 'intervalBounds');
  const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.lessEqual(lower, upper)), 'int32')));
  const count = (await bad.data())[0];
  bad.dispose();
  if (count > 0) throw new Error(`intervalBounds: lower > upper (or NaN) in ${count} coordinates`);
  return ibpBounds(model, lower, upper);
}

/** intervalBounds without the checks (no read-back; no tidy around the caller's tape). */
export function ibpBounds(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): { lower: tf.Tensor2D; upper: tf.Tensor2D } {
  return tf.tidy(() => {
    const out = propagateBox(verificationPlan(model), fromBounds(lower, upper));
    return { lower: tf.sub(out.mid, out.rad) as tf.Tensor2D, upper: tf.add(out.mid, out.rad) as tf.Tensor2D };
  });
}

/** IBP bounds with intermediate results kept as a box (for callers that continue from it). */
export { fromBounds as boxFromBounds };
