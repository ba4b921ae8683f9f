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
import { type Activation, applyActivation, splitLastAffine, verificationPlan, type VerifyStep } from './layers';
import { finiteRows } from '../models/forward';
import { isTaped } from '../tape';
import { boxBounds, boxCentre } from './boxKernels';
import { reluBox } from './reluBox';
import { checkVerifyEps } from './verifyRanges';
import { intervalChain, takesIntervalChain } from './wasmIntervalChain';
import type { ChainLayer } from '../wasmDenseChain';

/** A box in centre/radius form: every x with |x − mid| ≤ rad (elementwise). */
export interface Box {
  mid: tf.Tensor;
  rad: tf.Tensor;
}

/**
 * The input region B(x, eps) of paper 004: the l_inf ball intersected with the input box (null =
 * unbounded). eps must be finite, ≥ 0 and at most the domain's width (checkVerifyEps).
 */
export function inputBox(x: tf.Tensor, eps: number, box: [number, number] | null): { lower: tf.Tensor; upper: tf.Tensor } {
  checkVerifyEps(eps, box);
  const fused = boxBounds(x, eps, box);
  if (fused) return fused;
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
  return boxCentre(lower, upper) ?? { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) };
}

/**
 * An interval in whichever form the last step left it: centre/radius after an affine map,
 * lower/upper after a monotone one. Converting only where a step needs the other form saves two
 * elementwise passes around each ReLU and max-pooling (they are most of IBP's cost beyond the
 * two affine passes on a CNN).
 */
type Interval = { mid: tf.Tensor; rad: tf.Tensor; lo?: undefined; hi?: undefined } | { lo: tf.Tensor; hi: tf.Tensor; mid?: undefined; rad?: undefined };

function centred(s: Interval): Box {
  return s.lo ? fromBounds(s.lo, s.hi) : { mid: s.mid!, rad: s.rad! };
}

function bounds(s: Interval): { lo: tf.Tensor; hi: tf.Tensor } {
  return s.lo ? { lo: s.lo, hi: s.hi } : { lo: tf.sub(s.mid!, s.rad!), hi: tf.add(s.mid!, s.rad!) };
}

/** Applies f to both parts of the interval, in its current form (f affine with nonnegative weights, or a reshape). */
function both(s: Interval, f: (t: tf.Tensor) => tf.Tensor): Interval {
  return s.lo ? { lo: f(s.lo), hi: f(s.hi) } : { mid: f(s.mid!), rad: f(s.rad!) };
}

function monotone(s: Interval, f: (t: tf.Tensor) => tf.Tensor): Interval {
  const { lo, hi } = bounds(s);
  return { lo: f(lo), hi: f(hi) };
}

function addBias(t: tf.Tensor, bias: tf.Tensor1D | undefined): tf.Tensor {
  return bias ? tf.add(t, bias) : t;
}

/** Called with each affine step's pre-activation box (mid, rad), before an activation can hide a NaN. */
export type AffineWatch = (mid: tf.Tensor, rad: tf.Tensor) => void;

/**
 * An activation of the box, kept in centre/radius form when the next step wants that form and a
 * ReLU can go there in one pass (reluBox.ts); otherwise through the bounds.
 */
function activate(s: Interval, activation: Activation, centredNext: boolean): Interval {
  if (activation === 'linear') return s;
  if (activation === 'relu' && centredNext && !s.lo) {
    const fused = reluBox(s.mid!, s.rad!);
    if (fused) return fused;
  }
  return monotone(s, (t) => applyActivation(t, activation));
}

/** `centredNext`: the step after this one (or the end) takes the box in centre/radius form. */
function step(st: VerifyStep, s: Interval, centredNext: boolean, watch?: AffineWatch): Interval {
  switch (st.kind) {
    case 'dense': {
      const b = centred(s);
      const w = st.kernel();
      const bias = st.bias() ?? undefined;
      // Without a tape the bias rides in the fused kernel, as in the forward pass (models/forward.ts).
      const mid = isTaped() ? addBias(tf.matMul(b.mid as tf.Tensor2D, w), bias) : tf.fused.matMul({ a: b.mid as tf.Tensor2D, b: w, bias });
      const rad = tf.matMul(b.rad as tf.Tensor2D, tf.abs(w));
      watch?.(mid, rad);
      return activate({ mid, rad }, st.activation, centredNext);
    }
    case 'conv2d': {
      const b = centred(s);
      const w = st.kernel();
      const bias = st.bias() ?? undefined;
      const conv = (t: tf.Tensor, k: tf.Tensor4D) => tf.conv2d(t as tf.Tensor4D, k, st.strides, st.padding, 'NHWC', st.dilation);
      const mid = isTaped()
        ? addBias(conv(b.mid, w), bias)
        : tf.fused.conv2d({ x: b.mid as tf.Tensor4D, filter: w, strides: st.strides, pad: st.padding, dataFormat: 'NHWC', dilations: st.dilation, bias });
      const rad = conv(b.rad, tf.abs(w));
      watch?.(mid, rad);
      return activate({ mid, rad }, st.activation, centredNext);
    }
    case 'activation':
      return activate(s, st.activation, centredNext);
    case 'flatten':
      return both(s, (t) => tf.reshape(t, [t.shape[0], -1]));
    case 'maxpool':
      return monotone(s, (t) => tf.maxPool(t as tf.Tensor4D, st.poolSize, st.strides, st.padding));
    case 'avgpool':
      return both(s, (t) => tf.avgPool(t as tf.Tensor4D, st.poolSize, st.strides, st.padding));
    case 'normalize': {
      const mean = tf.tensor1d(st.mean);
      const std = tf.tensor1d(st.std);
      if (s.lo) return { lo: tf.div(tf.sub(s.lo, mean), std), hi: tf.div(tf.sub(s.hi, mean), std) };
      return { mid: tf.div(tf.sub(s.mid!, mean), std), rad: tf.div(s.rad!, std) };
    }
  }
}

/** One step of IBP on a box in centre/radius form (no tidy: the caller's tidy or tape owns the intermediates). */
export function ibpStep(st: VerifyStep, b: Box): Box {
  return centred(step(st, b, true));
}

/** Pushes a box through a list of steps (no tidy; see ibpStep). */
export function propagateBox(steps: VerifyStep[], b: Box, watch?: AffineWatch): Box {
  let s: Interval = b;
  const wantsCentred = (i: number) => i >= steps.length || steps[i].kind === 'dense' || steps[i].kind === 'conv2d';
  for (let i = 0; i < steps.length; i++) {
    if (!s.lo) {
      // A run of dense layers is one kernel on WASM (wasmIntervalChain.ts), with the same numbers.
      const run = denseRun(steps, i, wantsCentred);
      if (run.length > 1 && takesIntervalChain(s.mid!, run)) {
        const { out, pre } = intervalChain({ mid: s.mid!, rad: s.rad! }, run);
        if (watch) pre.forEach((p) => watch(p.mid, p.rad));
        s = out;
        i += run.length - 1;
        continue;
      }
    }
    s = step(steps[i], s, wantsCentred(i + 1), watch);
  }
  return centred(s);
}

/**
 * The dense steps from `from` on that the interval chain can take: a linear or ReLU activation,
 * and after a ReLU a step that wants the box in centre/radius form (the ReLU then goes straight
 * to that form, as `activate` does it).
 */
function denseRun(steps: VerifyStep[], from: number, wantsCentred: (i: number) => boolean): ChainLayer[] {
  const run: ChainLayer[] = [];
  for (let i = from; i < steps.length; i++) {
    const st = steps[i];
    if (st.kind !== 'dense' || !(st.activation === 'linear' || (st.activation === 'relu' && wantsCentred(i + 1)))) break;
    run.push({ kernel: st.kernel(), bias: st.bias() ?? undefined, relu: st.activation === 'relu' });
  }
  return run;
}

/**
 * penultimateBox, plus `finite`: true per row where every affine pre-activation box of the pass
 * was finite — an overflow (Inf − Inf = NaN) that a ReLU would turn into a finite 0 is caught
 * before it can look like a bound (no tidy).
 */
export function checkedPenultimateBox(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): { h: Box; kernel: tf.Tensor2D; bias: tf.Tensor1D | null; finite: tf.Tensor1D } {
  let ok: tf.Tensor = tf.ones([lower.shape[0]], 'bool');
  const { body, last } = splitLastAffine(verificationPlan(model));
  const h = propagateBox(body, fromBounds(lower, upper), (mid, rad) => {
    ok = tf.logicalAnd(ok, tf.logicalAnd(finiteRows(mid), finiteRows(rad)));
  });
  const finite = tf.logicalAnd(ok, tf.logicalAnd(finiteRows(h.mid), finiteRows(h.rad))) as tf.Tensor1D;
  return { h, kernel: last.kernel(), bias: last.bias(), finite };
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
