/**
 * CROWN: linear-relaxation bounds for ReLU MLPs (Zhang et al. 2018, "Efficient Neural Network
 * Robustness Certification with General Activation Functions", Sections 3.1-3.3; the bound that
 * beta-CROWN starts from, which paper 004 uses as its tighter verifier, Sections 2.3 / 3.2).
 *
 * Network: x = the input box after the leading Flatten / Normalize (both map a box exactly),
 * z_i = a_{i-1} W_i + b_i (i = 0..L-1, a_{-1} = x), a_i = relu(z_i) (or z_i for a linear layer),
 * logits z_{L-1}. A lower bound of Λ·z_k + c over the box is a backward pass ("back-substitution"):
 *   affine layer i:  c ← c + A b_i,  A ← A W_i^T                     (A: coefficients of a_{i-1})
 *   ReLU of layer j with bounds l ≤ z_j ≤ u:  α z ≤ relu(z) ≤ s z + t, where
 *     stable active (l ≥ 0): α = s = 1, t = 0;  stable inactive (u ≤ 0): α = s = t = 0;
 *     unstable (l < 0 < u): s = u / (u − l), t = −s l (the chord through (l, 0) and (u, u));
 *     α = 1 if u ≥ −l else 0 (CROWN-Ada's adaptive lower slope: the line of smaller area),
 *     A ← A⁺ diag(α) + A⁻ diag(s),  c ← c + A⁻ t                  (A⁺ = max(A, 0), A⁻ = min(A, 0))
 *   at the input box [mid ± rad]:  min_x A x + c = A mid − |A| rad + c.
 * An upper bound is −(lower bound of −Λ·z_k). Intermediate bounds l_k, u_k of every hidden layer
 * come from CROWN itself, layer by layer: Λ = [I; −I] on z_k, passed back to the input.
 * Intersection with IBP: the pass also concretises A over the box of every a_{i-1} it reaches
 * (same closed form, with the boxes already computed) and keeps the best bound over these
 * truncation depths. The first of them is interval arithmetic over the previous layer's bounds,
 * so by induction every intermediate bound, and the logit bounds, lie inside the IBP bounds of
 * the same neuron (verify/ibp.ts); all candidates are sound, so their max is. This also makes
 * crownSpecLowerBound at least the bound of paper 004's Theorem 1 on the CROWN box of h.
 *
 * Cost, for B rows and hidden widths n_j: the bounds of layer k pass 2 n_k rows per example
 * back through k layers, O(B n_k Σ_{j<k} n_j n_{j-1}) flops (one batched matMul per layer) and
 * O(B n_k max_j n_j) floats of memory; for L layers of width n about L² n / 2 times the cost of
 * IBP. A spec of T rows adds O(B T Σ_j n_j n_{j-1}). Chunk big batches. Float32 arithmetic, like
 * ibp.ts: sound up to rounding (~1e-6 relative). lower ≤ upper is the caller's to ensure.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBoxShape, ibpStep, type Box } from './ibp';
import { verificationPlan, type VerifyStep } from './layers';

type DenseStep = Extract<VerifyStep, { kind: 'dense' }>;

/** The model as leading box maps (Flatten / Normalize) then dense layers with an optional ReLU. */
function crownPlan(model: tf.LayersModel): { prefix: VerifyStep[]; layers: Array<{ step: DenseStep; relu: boolean }> } {
  const refuse = (step: VerifyStep, what: string): never => {
    throw new Error(`CROWN: layer "${step.name}" (${what}) is not supported; CROWN here handles MLPs: dense layers with ReLU, after an optional Flatten / Normalize`);
  };
  const prefix: VerifyStep[] = [];
  const layers: Array<{ step: DenseStep; relu: boolean }> = [];
  for (const step of verificationPlan(model)) {
    if (step.kind === 'flatten') {
      if (layers.length === 0) prefix.push(step); // after a dense layer the rows are flat already
    } else if (step.kind === 'normalize') {
      if (layers.length > 0) refuse(step, 'Normalize after a dense layer');
      prefix.push(step);
    } else if (step.kind === 'dense') {
      if (step.activation === 'tanh') refuse(step, 'dense with the activation tanh');
      layers.push({ step, relu: step.activation === 'relu' });
    } else if (step.kind === 'activation') {
      if (step.activation === 'tanh') refuse(step, 'activation tanh');
      if (step.activation === 'relu') {
        if (layers.length === 0) refuse(step, 'a ReLU before the first dense layer');
        layers[layers.length - 1].relu = true;
      }
    } else {
      refuse(step, step.kind);
    }
  }
  return { prefix, layers };
}

interface Relax {
  alpha: tf.Tensor2D; // [B, n] lower slope
  s: tf.Tensor2D; // [B, n] upper slope
  t: tf.Tensor2D; // [B, n] upper intercept
}

interface Net {
  kernel: tf.Tensor2D[];
  bias: Array<tf.Tensor1D | null>;
  input: Box; // [B, n_in]
  post: Box[]; // box of a_j, j = 0..L-2 (filled layer by layer)
  relax: Array<Relax | null>; // relaxation of relu(z_j); null for a linear layer
}

/** A·v over the last axis: A [T, n] or [B, T, n], v [n] or [B, n] → [T] or [B, T]. */
function dotLast(A: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const n = A.shape[A.rank - 1];
  if (A.rank === 2) {
    return v.rank === 1 ? tf.reshape(tf.matMul(A as tf.Tensor2D, tf.reshape(v, [n, 1]) as tf.Tensor2D), [-1]) : tf.matMul(v as tf.Tensor2D, A as tf.Tensor2D, false, true);
  }
  const [B, T] = A.shape;
  if (v.rank === 1) return tf.reshape(tf.matMul(tf.reshape(A, [B * T, n]) as tf.Tensor2D, tf.reshape(v, [n, 1]) as tf.Tensor2D), [B, T]);
  return tf.reshape(tf.matMul(A as tf.Tensor3D, tf.reshape(v, [B, n, 1]) as tf.Tensor3D), [B, T]);
}

/** A W^T (the coefficients of a layer's input), for A [T, n_out] or [B, T, n_out], W [n_in, n_out]. */
function affineBack(A: tf.Tensor, W: tf.Tensor2D): tf.Tensor {
  if (A.rank === 2) return tf.matMul(A as tf.Tensor2D, W, false, true);
  const [B, T, n] = A.shape;
  return tf.reshape(tf.matMul(tf.reshape(A, [B * T, n]) as tf.Tensor2D, W, false, true), [B, T, W.shape[0]]);
}

/** min over the box of A·a + c = A mid − |A| rad + c, [B, T]. */
function concretise(A: tf.Tensor, c: tf.Tensor, box: Box): tf.Tensor {
  return tf.add(tf.sub(dotLast(A, box.mid), dotLast(tf.abs(A), box.rad)), c);
}

/** Lower bound of Λ·z_k over each row's box (Λ [T, n_k] shared or [B, T, n_k]): [B, T]. */
function lowerOf(net: Net, lam: tf.Tensor, k: number): tf.Tensor2D {
  let A = lam;
  let c: tf.Tensor = tf.zeros([lam.shape[lam.rank - 2]]);
  let best: tf.Tensor | null = null;
  for (let i = k; i >= 0; i--) {
    const b = net.bias[i];
    if (b) c = tf.add(c, dotLast(A, b));
    A = affineBack(A, net.kernel[i]);
    const bound = concretise(A, c, i === 0 ? net.input : net.post[i - 1]);
    best = best ? tf.maximum(best, bound) : bound;
    const r = i > 0 ? net.relax[i - 1] : null;
    if (r) {
      const pos = tf.relu(A);
      const neg = tf.minimum(A, 0);
      c = tf.add(c, dotLast(neg, r.t));
      A = tf.add(tf.mul(pos, tf.expandDims(r.alpha, 1)), tf.mul(neg, tf.expandDims(r.s, 1)));
    }
  }
  return best as tf.Tensor2D;
}

/** [I; −I] of size n: lower bounds of z and of −z in one pass. */
function plusMinusEye(n: number): tf.Tensor2D {
  const eye = tf.eye(n);
  return tf.concat([eye, tf.neg(eye)], 0);
}

function splitPlusMinus(low: tf.Tensor2D, n: number): { l: tf.Tensor2D; u: tf.Tensor2D } {
  const [B] = low.shape;
  return { l: tf.slice(low, [0, 0], [B, n]), u: tf.neg(tf.slice(low, [0, n], [B, n])) };
}


/** The input box, the weights, and the CROWN bounds and relaxations of every hidden layer (no tidy). */
function buildNet(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): Net {
  checkBoxShape(lower, upper, model, 'CROWN');
  const { prefix, layers } = crownPlan(model);
  let input: Box = { mid: tf.div(tf.add(upper, lower), 2), rad: tf.div(tf.sub(upper, lower), 2) };
  for (const step of prefix) input = ibpStep(step, input);
  if (input.mid.rank !== 2) throw new Error(`CROWN: the first dense layer needs flat rows, got shape [${input.mid.shape.join(', ')}]; add a Flatten layer`);
  const net: Net = { kernel: layers.map((l) => l.step.kernel()), bias: layers.map((l) => l.step.bias()), input, post: [], relax: [] };
  for (let k = 0; k < layers.length - 1; k++) {
    const n = net.kernel[k].shape[1];
    const { l, u: u0 } = splitPlusMinus(lowerOf(net, plusMinusEye(n), k), n);
    const u = tf.maximum(u0, l); // both are sound bounds: l > u only by rounding
    if (!layers[k].relu) {
      net.post.push({ mid: tf.div(tf.add(u, l), 2), rad: tf.div(tf.sub(u, l), 2) });
      net.relax.push(null);
      continue;
    }
    const active = tf.cast(tf.greaterEqual(l, 0), 'float32');
    const unstable = tf.logicalAnd(tf.less(l, 0), tf.greater(u, 0));
    const s = tf.where(unstable, tf.div(u, tf.where(unstable, tf.sub(u, l), tf.onesLike(u))), active) as tf.Tensor2D;
    const t = tf.where(unstable, tf.neg(tf.mul(s, l)), tf.zerosLike(l)) as tf.Tensor2D;
    const alpha = tf.where(unstable, tf.cast(tf.greaterEqual(u, tf.neg(l)), 'float32'), active) as tf.Tensor2D;
    const lo = tf.relu(l);
    const hi = tf.relu(u);
    net.post.push({ mid: tf.div(tf.add(hi, lo), 2), rad: tf.div(tf.sub(hi, lo), 2) });
    net.relax.push({ alpha, s, t });
  }
  return net;
}

/**
 * Sound logit bounds of every input in the boxes [lower, upper] (one box per row) by CROWN, each
 * inside the IBP bound of the same logit. Returns tensors [B, K + M] the caller disposes.
 */
export function crownBounds(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): { lower: tf.Tensor2D; upper: tf.Tensor2D } {
  checkBoxShape(lower, upper, model, 'crownBounds');
  return tf.tidy(() => {
    const net = buildNet(model, lower, upper);
    const last = net.kernel.length - 1;
    const C = net.kernel[last].shape[1];
    const { l, u } = splitPlusMinus(lowerOf(net, plusMinusEye(C), last), C);
    return { lower: l, upper: u };
  });
}

/**
 * The CROWN box of h, the input of the model's last dense layer (relu of the CROWN bounds of
 * the last hidden layer; the input box after Flatten / Normalize when there is no hidden layer),
 * plus that layer's kernel [H, K + M] and bias, as ibp.ts' penultimateBox gives them. The caller
 * disposes h.mid and h.rad; kernel and bias are the model's own weights (not to be disposed).
 */
export function crownPenultimateBox(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor): { h: Box; kernel: tf.Tensor2D; bias: tf.Tensor1D | null } {
  const h = tf.tidy(() => {
    const net = buildNet(model, lower, upper);
    const box = net.post.length > 0 ? net.post[net.post.length - 1] : net.input;
    return { mid: box.mid, rad: box.rad };
  });
  const { layers } = crownPlan(model);
  const last = layers[layers.length - 1].step;
  return { h, kernel: last.kernel(), bias: last.bias() };
}

/**
 * Sound lower bounds [B, T] of spec[b, t, :]·z(x) over the box of row b, z the logits: a full
 * CROWN backward pass with the spec folded into the last layer (Λ = spec), at least the bound
 * of the last layer kept exact on h's CROWN box. For the abstain verification spec = Σ_j λ_j e_j − e_t.
 * The caller disposes the result.
 */
export function crownSpecLowerBound(model: tf.LayersModel, lower: tf.Tensor, upper: tf.Tensor, spec: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const net = buildNet(model, lower, upper);
    const last = net.kernel.length - 1;
    const C = net.kernel[last].shape[1];
    const B = net.input.mid.shape[0];
    if (spec.rank !== 3 || spec.shape[0] !== B || spec.shape[2] !== C) {
      throw new Error(`CROWN: spec must have shape [${B}, T, ${C}] (rows, specs, logits), got [${spec.shape.join(', ')}]`);
    }
    return lowerOf(net, spec, last);
  });
}

/** Why CROWN cannot bound the model (e.g. a CNN), from one CROWN pass on the first input of x; null when it can. */
export function crownRefusal(model: tf.LayersModel, x: tf.Tensor): string | null {
  try {
    tf.tidy(() => {
      const one = tf.slice(x, 0, 1);
      const b = crownBounds(model, one, one);
      return [b.lower, b.upper];
    }).forEach((t) => t.dispose());
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
