/**
 * Shared pieces of the gradient attacks: the threat model B_p(x, eps) ∩ box, projection onto
 * it, steepest-ascent steps, random starts, input gradients and per-example losses. Everything
 * is batched: one call handles a whole batch of inputs on the device.
 */
import * as tf from '@tensorflow/tfjs';
import { type DenseStep, denseChain, logits as modelLogits } from '../models/forward';
import { isTaped } from '../tape';
import { type LogitGradient, denseInputGradient } from './denseGradient';
import { minusOneHot, signStep } from '../wasmAttackSteps';

import type { AttackNorm, Box } from './config';

export type { AttackNorm, Box };

export interface ThreatModel {
  norm: AttackNorm;
  eps: number;
  box?: Box;
}

/** A per-example objective to maximise, from logits and integer labels (optionally with its logit gradient). */
export type Objective = ((logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor1D) & { logitGradient?: LogitGradient };

/** Per-example cross-entropy of logits against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D;
  });
}

/** softmax(z) − onehot(y): the gradient of Σ cross-entropy in the logits. */
crossEntropy.logitGradient = Object.assign((logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.tidy(() => minusOneHot(tf.softmax(logits), labels)), { crossEntropy: true as const });

/** Axes of all non-batch dimensions (for per-example norms of images and points alike). */
export function featureAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
}

/** Per-example norm, shaped to broadcast against x ([n, 1, ...]). */
export function perExampleNorm(d: tf.Tensor, norm: AttackNorm): tf.Tensor {
  return tf.tidy(() =>
    norm === 'linf'
      ? tf.max(tf.abs(d), featureAxes(d), true)
      : tf.sqrt(tf.sum(tf.square(d), featureAxes(d), true)),
  );
}

/**
 * Projects xAdv onto B_p(x, eps) ∩ box. For l_inf the result is the exact projection (the
 * intersection of two boxes). For l_2 the perturbation is first scaled into the ball and then
 * clipped to the box; since x lies in the box (the public attacks check it: assertInsideBox),
 * clipping only shrinks every coordinate of the perturbation, so the result stays in the ball.
 */
export function project(xAdv: tf.Tensor, x: tf.Tensor, threat: ThreatModel): tf.Tensor {
  return tf.tidy(() => {
    const { norm, eps, box } = threat;
    let out: tf.Tensor;
    if (norm === 'linf') {
      out = tf.minimum(tf.maximum(xAdv, tf.sub(x, eps)), tf.add(x, eps));
    } else {
      const d = tf.sub(xAdv, x);
      const n = perExampleNorm(d, 'l2');
      const scale = tf.minimum(1, tf.div(eps, tf.maximum(n, 1e-12)));
      out = tf.add(x, tf.mul(d, scale));
    }
    return box ? tf.clipByValue(out, box[0], box[1]) : out;
  });
}

/** The steepest-ascent direction of unit norm: sign(g) for l_inf, g / ||g||_2 for l_2. */
export function steepestDirection(grad: tf.Tensor, norm: AttackNorm): tf.Tensor {
  return tf.tidy(() =>
    norm === 'linf' ? tf.sign(grad) : tf.div(grad, tf.add(perExampleNorm(grad, 'l2'), 1e-12)),
  );
}

/**
 * An attack's ascent step xAdv ← Π(xAdv + α · dir(g)) onto B_p(x, eps) ∩ box, for all its steps
 * from one x. For l_inf the interval of each coordinate, [max(x − eps, lo), min(x + eps, hi)], is
 * computed once: the same numbers as `project` (both clamp to that interval; max and min are
 * exact, and x lies in the box), in one kernel a step for small tensors on WASM
 * (wasmAttackSteps.ts) and 5 otherwise, instead of 9. l_2 steps go through `project`.
 */
export class AscentStep {
  /** Kept (tf.keep): an attack's steps run in tidy scopes of their own (runner.ts Steps). */
  private readonly bounds: [tf.Tensor, tf.Tensor] | null;

  constructor(
    private readonly x: tf.Tensor,
    private readonly threat: ThreatModel,
  ) {
    const { norm, eps, box } = threat;
    this.bounds =
      norm === 'linf'
        ? (tf.tidy(() => {
            const lo = tf.sub(x, eps);
            const hi = tf.add(x, eps);
            return box ? [tf.maximum(lo, box[0]), tf.minimum(hi, box[1])] : [lo, hi];
          }) as [tf.Tensor, tf.Tensor]).map((t) => tf.keep(t)) as [tf.Tensor, tf.Tensor]
        : null;
  }

  apply(xAdv: tf.Tensor, grad: tf.Tensor, alpha: number): tf.Tensor {
    if (!this.bounds) return tf.tidy(() => project(tf.add(xAdv, tf.mul(alpha, steepestDirection(grad, this.threat.norm))), this.x, this.threat));
    const [lo, hi] = this.bounds;
    return signStep(xAdv, grad, alpha, lo, hi);
  }

  dispose(): void {
    if (this.bounds) tf.dispose(this.bounds);
  }
}

/** A uniform draw from B_p(x, eps) (then clipped to the box). */
export function randomStart(x: tf.Tensor, threat: ThreatModel, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const { norm, eps } = threat;
    let delta: tf.Tensor;
    if (norm === 'linf') {
      delta = tf.randomUniform(x.shape, -eps, eps, 'float32', seed);
    } else {
      // Uniform in the l2 ball: Gaussian direction, radius eps * U^(1/d).
      const d = x.size / x.shape[0];
      const g = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
      const dir = tf.div(g, tf.add(perExampleNorm(g, 'l2'), 1e-12));
      const u = tf.randomUniform([x.shape[0], ...x.shape.slice(1).map(() => 1)], 0, 1, 'float32', seed + 1);
      delta = tf.mul(dir, tf.mul(eps, tf.pow(u, 1 / d)));
    }
    return project(tf.add(x, delta), x, threat);
  });
}

/**
 * Input gradients of one model under one objective for the length of an attack, during which the
 * weights do not change. An MLP under an objective with a closed-form logit gradient is
 * differentiated by hand (denseGradient.ts); from the second call on, the session holds its
 * kernels transposed, since tfjs wasm's matrix product keeps its packed operator per right-hand
 * tensor (a transposed product of a 10 × 64 batch took about 40 µs, one with a held transposed
 * kernel about 15). Anything else goes through tf.grad. Dispose the session at the end.
 */
export class GradientSession {
  private readonly chain: DenseStep[] | null;
  private transposed: tf.Tensor2D[] | undefined;
  private calls = 0;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly objective: Objective,
  ) {
    this.chain = objective.logitGradient ? denseChain(model) : null;
  }

  private byHand(): { chain: DenseStep[]; transposed: tf.Tensor2D[] | undefined } | null {
    if (!this.chain || isTaped()) return null;
    if (++this.calls === 2) this.transposed = this.chain.map((s) => tf.keep(tf.transpose(s.kernel)));
    return { chain: this.chain, transposed: this.transposed };
  }

  /** Gradient of the summed per-example objective with respect to the input. */
  grad(x: tf.Tensor, labels: tf.Tensor1D): tf.Tensor {
    const hand = this.byHand();
    if (hand) {
      const { grad, logits } = denseInputGradient(hand.chain, x, labels, this.objective.logitGradient!, hand.transposed);
      logits.dispose();
      return grad;
    }
    const objective = this.objective;
    return tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(objective(modelLogits(this.model, xx), labels)))(x));
  }

  /** Objective value, input gradient and logits in one pass. */
  valueAndGrad(x: tf.Tensor, labels: tf.Tensor1D): { value: tf.Tensor1D; grad: tf.Tensor; logits: tf.Tensor2D } {
    const hand = this.byHand();
    if (hand) {
      const { grad, logits } = denseInputGradient(hand.chain, x, labels, this.objective.logitGradient!, hand.transposed);
      return { value: this.objective(logits, labels), grad, logits };
    }
    return this.taped(x, labels, true) as { value: tf.Tensor1D; grad: tf.Tensor; logits: tf.Tensor2D };
  }

  /**
   * Input gradient and logits, without the objective's value: the steps that only look at the
   * logits skip its kernels (on the 2-D MLP by hand, a log-softmax and four more kernels a step).
   */
  gradAndLogits(x: tf.Tensor, labels: tf.Tensor1D): { grad: tf.Tensor; logits: tf.Tensor2D } {
    const hand = this.byHand();
    if (hand) return denseInputGradient(hand.chain, x, labels, this.objective.logitGradient!, hand.transposed);
    const { grad, logits } = this.taped(x, labels, false);
    return { grad, logits };
  }

  /** The gradient by tape, with the logits and (if `keepValue`) the objective's value kept. */
  private taped(x: tf.Tensor, labels: tf.Tensor1D, keepValue: boolean): { value: tf.Tensor1D | null; grad: tf.Tensor; logits: tf.Tensor2D } {
    let value: tf.Tensor1D | null = null;
    let out: tf.Tensor2D | null = null;
    const objective = this.objective;
    const grad = tf.tidy(() =>
      tf.grad((xx: tf.Tensor) => {
        const z = modelLogits(this.model, xx);
        const v = objective(z, labels);
        if (keepValue) value = tf.keep(v);
        out = tf.keep(z);
        return tf.sum(v);
      })(x),
    );
    return { value, grad, logits: out! };
  }

  dispose(): void {
    if (this.transposed) tf.dispose(this.transposed);
    this.transposed = undefined;
  }
}

/** Gradient of the summed per-example objective with respect to the input (one call). */
export function inputGradient(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, objective: Objective): tf.Tensor {
  return new GradientSession(model, objective).grad(x, labels);
}

/** Integer predictions (argmax of the logits). */
export function predict(model: tf.LayersModel, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(modelLogits(model, x), 1) as tf.Tensor1D);
}

/**
 * Refuses inputs outside the box: the threat model B_p(x, eps) ∩ box assumes x lies in the box
 * (otherwise clipping to the box could move a point further than eps).
 */
export async function assertInsideBox(x: tf.Tensor, box: Box | undefined): Promise<void> {
  if (!box) return;
  const [lo, hi] = tf.tidy(() => [tf.min(x), tf.max(x)]);
  const [l, h] = [(await lo.data())[0], (await hi.data())[0]];
  tf.dispose([lo, hi]);
  if (l < box[0] || h > box[1]) {
    throw new Error(`The inputs span [${l}, ${h}], outside the input box [${box[0]}, ${box[1]}]: widen the box or remove it.`);
  }
}
