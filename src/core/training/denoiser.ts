/**
 * Training the denoiser of denoised smoothing — paper 003, Section 2.2 (after Salman et al. 2020,
 * "Denoised smoothing: a provable defense for pretrained classifiers"):
 *
 *   L_MSE(θ)       = E_{x, ε} ||D_θ(x + ε) − x||²₂                        ε ~ N(0, σ² I)
 *   L_stability(θ) = E_{x, ε} ℓ_CE(F(D_θ(x + ε)), f(x))                  f frozen
 *
 * F is the classifier's softmax output (here: its logits, with the softmax inside the CE) and
 * f(x) = argmax F(x) its hard label on the clean input (as in Salman et al.'s code: the targets
 * are classifier(x).argmax(1), computed without gradients). The classifier's weights never change:
 * only the denoiser's trainable weights are handed to the optimizer. Paper 003 trains with MSE and
 * then, optionally, fine-tunes with the stability loss ("MSE then fine-tuning by the
 * 'classification-stability' loss", App. 6.3; Table 1: 90 MSE epochs + 20 stability epochs).
 *
 * L_MSE is the paper's squared l2 norm per example (sum over coordinates), averaged over the
 * batch; Salman et al.'s code uses torch's MSELoss, the mean over coordinates too — a constant
 * factor 1/d, immaterial to Adam. Their code also uses weight decay 1e-4, which tfjs' optimizers
 * lack (not used here).
 *
 * The noise comes from `gaussianNoise` (Philox; stream = batch index of a per-epoch seed), so a
 * run is reproducible from its seed. This file also holds the small training loop shared with
 * training/noiseRejectors.ts (`trainStages`): the trainer's TrainingMethod shape (a classifier
 * trained on labels, evaluated by clean accuracy) does not fit a denoiser or rejectors trained
 * against frozen models, but the loop reuses the trainer's pieces — seeded shuffles
 * (Rng/deriveSeed), `createOptimizer`, snapshot/rollback at epoch ends, cancellation through
 * `checkpoint`, progress callbacks and a stop on a non-finite loss.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { crossEntropy } from '../attacks/common';
import { gaussianNoise } from '../noise/gaussianNoise';
import { denoise } from '../models/denoiser';
import { logits } from '../models/forward';
import { disposeAll, epochCheckpoint, finiteWeightFlags } from '../models/weights';
import { Rng, deriveSeed } from '../random';
import type { Prepared } from './method';
import { TRAIN_DEFAULTS, cancelledOrRethrow, createOptimizer, disposeOptimizer, progressClock, type TrainStatus } from './trainer';
import { type FieldRule, namedProblems, shown } from '../experiments/fieldSchema';

/** A stretch of epochs with one optimizer and learning rate. */
export interface LrPhase {
  epochs: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** SGD momentum (0 = plain SGD; ignored by Adam). */
  momentum: number;
}

export interface DenoiserTrainConfig {
  /** σ of the Gaussian noise (input units), the σ the denoiser will be certified with. */
  sigma: number;
  batchSize: number;
  seed: number;
  /** Epochs of L_MSE (empty: none). */
  mse: LrPhase[];
  /** Epochs of L_stability after the MSE epochs (empty: none; needs a classifier). */
  stability: LrPhase[];
}

/**
 * Salman et al.'s denoiser training (their code's defaults: Adam, lr 1e-3, batch 256, 90 epochs,
 * lr × 0.1 every 30 epochs) with σ = 0.25 (paper 003 certifies σ in {0.12, 0.25, 0.5, 1.0}).
 * The stability fine-tuning is off here; DENOISER_STABILITY_PHASES holds the paper's (20 epochs,
 * Table 1, at Salman et al.'s fine-tuning lr 1e-5).
 */
export const DENOISER_TRAINING_DEFAULTS: DenoiserTrainConfig = {
  sigma: 0.25,
  batchSize: 256,
  seed: 1,
  mse: [
    { epochs: 30, optimizer: 'adam', learningRate: 1e-3, momentum: 0 },
    { epochs: 30, optimizer: 'adam', learningRate: 1e-4, momentum: 0 },
    { epochs: 30, optimizer: 'adam', learningRate: 1e-5, momentum: 0 },
  ],
  stability: [],
};

export const DENOISER_STABILITY_PHASES: LrPhase[] = [{ epochs: 20, optimizer: 'adam', learningRate: 1e-5, momentum: 0 }];

// ---------------------------------------------------------------------------------------------
// Losses (differentiable in the denoiser's weights; `noise` is given so tests can fix it)

/** ||D(x + ε) − x||²₂ per example: [b]. */
export function denoiserMsePerExample(denoiser: tf.LayersModel, x: tf.Tensor, noise: tf.Tensor, training = false): tf.Tensor1D {
  return tf.tidy(() => {
    const diff = tf.sub(denoise(denoiser, tf.add(x, noise), training), x);
    return tf.sum(tf.reshape(tf.square(diff), [x.shape[0], -1]), 1) as tf.Tensor1D;
  });
}

/** L_MSE on a batch: the mean over the batch of ||D(x + ε) − x||²₂. */
export function denoiserMseLoss(denoiser: tf.LayersModel, x: tf.Tensor, noise: tf.Tensor, training = false): tf.Scalar {
  return tf.tidy(() => tf.mean(denoiserMsePerExample(denoiser, x, noise, training)) as tf.Scalar);
}

/** f(x): the frozen classifier's hard labels on clean inputs (no gradient needed). */
export function cleanLabels(classifier: tf.LayersModel, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(logits(classifier, x), 1) as tf.Tensor1D);
}

/** ℓ_CE(F(D(x + ε)), f(x)) per example: [b]; `targets` = cleanLabels(classifier, x). */
export function denoiserStabilityPerExample(denoiser: tf.LayersModel, classifier: tf.LayersModel, x: tf.Tensor, noise: tf.Tensor, targets: tf.Tensor1D, training = false): tf.Tensor1D {
  return tf.tidy(() => crossEntropy(logits(classifier, denoise(denoiser, tf.add(x, noise), training)), targets));
}

/** L_stability on a batch: the mean of ℓ_CE(F(D(x + ε)), f(x)). */
export function denoiserStabilityLoss(denoiser: tf.LayersModel, classifier: tf.LayersModel, x: tf.Tensor, noise: tf.Tensor, targets: tf.Tensor1D, training = false): tf.Scalar {
  return tf.tidy(() => tf.mean(denoiserStabilityPerExample(denoiser, classifier, x, noise, targets, training)) as tf.Scalar);
}

// ---------------------------------------------------------------------------------------------
// The loop shared with training/noiseRejectors.ts

/** One loss of a staged run: `prepare` (outside the tape) and `loss` (differentiable). */
export interface TrainingStage {
  /** Name shown in progress and history, e.g. 'mse', 'stability', 'rejection'. */
  name: string;
  phases: LrPhase[];
  /** Inputs the loss needs for the batch x, from its seed (noise, frozen models' outputs). */
  prepare(x: tf.Tensor, seed: number): Prepared;
  loss(prepared: Prepared): tf.Scalar;
}

export interface StageEpochStats {
  /** 1-based over all stages. */
  epoch: number;
  stage: string;
  learningRate: number;
  /** Mean loss of the stage over the epoch's batches. */
  loss: number;
}

export type StageProgress =
  | { kind: 'batch'; stage: string; epoch: number; epochs: number; batch: number; batches: number; loss: number; elapsedMs: number; etaMs: number }
  | { kind: 'epoch'; epoch: number; epochs: number; stats: StageEpochStats; elapsedMs: number; etaMs: number };

export interface StagedTrainResult {
  status: TrainStatus;
  message: string;
  history: StageEpochStats[];
  /** Epochs whose weights the model now holds. */
  epochsCompleted: number;
}

/** What a learning-rate phase allows (zod, fieldSchema.ts). */
const LR_PHASE_RULES: Record<string, FieldRule> = {
  epochs: { type: 'int', min: 0, max: 10_000 },
  optimizer: { type: 'enum', values: ['adam', 'sgd'] },
  learningRate: { type: 'num', min: 0, max: 100, minExclusive: true },
  momentum: { type: 'num', min: 0, max: 1, maxExclusive: true },
};

export function lrPhaseProblems(phases: LrPhase[], what: string): string[] {
  if (!Array.isArray(phases)) return [`${what} phases must be a list (got ${shown(phases)})`];
  return phases.flatMap((p, i) => namedProblems(LR_PHASE_RULES, p, { learningRate: 'learning rate' }, `${what} phase ${i + 1}: `));
}

/** The seed, sigma and batch size of a training run of the denoiser or the rejectors. */
export const NOISE_TRAINING_RULES: Record<string, FieldRule> = {
  sigma: { type: 'num', min: 0, max: 1e4, minExclusive: true },
  batchSize: { type: 'int', min: 1, max: 1_000_000 },
  seed: { type: 'int', min: 0, max: 0xffffffff },
};
export const NOISE_TRAINING_NAMES: Record<string, string> = { batchSize: 'batch size' };

/** The optimizer for a phase: the previous one with a new learning rate when it is of the same kind (its state kept, as torch's StepLR), else a new one. */
function optimizerFor(previous: { optimizer: tf.Optimizer; phase: LrPhase } | null, phase: LrPhase): tf.Optimizer {
  if (previous) {
    const p = previous.phase;
    const same = p.optimizer === phase.optimizer && (phase.optimizer === 'adam' || p.momentum === phase.momentum);
    if (same) {
      const o = previous.optimizer;
      if (o instanceof tf.AdamOptimizer) (o as unknown as { learningRate: number }).learningRate = phase.learningRate;
      else (o as tf.SGDOptimizer).setLearningRate(phase.learningRate);
      return o;
    }
    disposeOptimizer(previous.optimizer);
  }
  return createOptimizer({ ...TRAIN_DEFAULTS, optimizer: phase.optimizer, learningRate: phase.learningRate, momentum: phase.momentum });
}

/**
 * Trains the trainable weights of `model` (and no other variable) through the stages in order,
 * on shuffled mini-batches of x (shuffle seed deriveSeed(seed, 'shuffle', epoch); batch seed
 * deriveSeed(seed, 'batch', epoch, b)). A cancelled or diverged run rolls the model back to the
 * end of its last completed epoch. `onProgress` may be async (it is awaited).
 */
export async function trainStages(
  model: tf.LayersModel,
  x: tf.Tensor,
  stages: TrainingStage[],
  batchSize: number,
  seed: number,
  onProgress?: (p: StageProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
): Promise<StagedTrainResult> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be a whole number >= 1 (got ${batchSize})`);
  const n = x.shape[0];
  if (n < 1) throw new RangeError('The training set is empty.');
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batches = Math.ceil(n / batchSize);
  const totalEpochs = stages.reduce((s, st) => s + st.phases.reduce((a, p) => a + p.epochs, 0), 0);
  const history: StageEpochStats[] = [];
  const saved = epochCheckpoint(model);
  let current: { optimizer: tf.Optimizer; phase: LrPhase } | null = null;
  const clock = progressClock();
  const rollback = (status: TrainStatus, message: string): StagedTrainResult => {
    saved.restore();
    return { status, message, history, epochsCompleted: history.length };
  };
  const where = () => (history.length ? `the end of epoch ${history.length}` : 'its initial weights');
  try {
    let epoch = 0;
    for (const stage of stages) {
      if (current) {
        disposeOptimizer(current.optimizer); // a fresh optimizer per stage (a new training run)
        current = null;
      }
      for (const phase of stage.phases) {
        if (phase.epochs === 0) continue;
        current = { optimizer: optimizerFor(current, phase), phase };
        for (let e = 0; e < phase.epochs; e++) {
          epoch++;
          const order = new Rng(deriveSeed(seed, 'shuffle', epoch)).permutation(n);
          let lossSum = 0;
          for (let b = 0; b < batches; b++) {
            await checkpoint(signal);
            const xb = tf.tidy(() => tf.gather(x, tf.tensor1d(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)), 'int32')));
            let prepared: Prepared;
            try {
              prepared = stage.prepare(xb, deriveSeed(seed, 'batch', epoch, b));
            } finally {
              xb.dispose();
            }
            let cost: tf.Scalar | null;
            try {
              cost = current.optimizer.minimize(() => stage.loss(prepared), true, vars);
            } finally {
              disposeAll(Object.values(prepared));
            }
            const value = cost ? (await cost.data())[0] : NaN;
            cost?.dispose();
            if (!Number.isFinite(value)) {
              return rollback('diverged', `The ${stage.name} loss became ${value} at epoch ${epoch}, batch ${b + 1}; stopped, and the model was reset to ${where()}. Try a smaller learning rate.`);
            }
            lossSum += value;
            if (onProgress) {
              const time = clock.batch((epoch - 1) * batches + b + 1, totalEpochs * batches);
              if (time) await onProgress({ kind: 'batch', stage: stage.name, epoch, epochs: totalEpochs, batch: b + 1, batches, loss: lossSum / (b + 1), ...time });
            }
          }
          // The last update of the epoch may itself have sent the weights to Inf/NaN.
          if (!(await finiteWeightFlags(model)).every(Boolean)) {
            return rollback('diverged', `The weights became non-finite at the end of epoch ${epoch} (${stage.name}); stopped, and the model was reset to ${where()}. Try a smaller learning rate.`);
          }
          const stats: StageEpochStats = { epoch, stage: stage.name, learningRate: phase.learningRate, loss: lossSum / batches };
          history.push(stats);
          saved.save();
          if (onProgress) await onProgress({ kind: 'epoch', epoch, epochs: totalEpochs, stats, ...clock.at(epoch, totalEpochs) });
        }
      }
    }
    return { status: 'completed', message: `Trained ${totalEpochs} epochs (${stages.map((s) => s.name).join(', ')}).`, history, epochsCompleted: history.length };
  } catch (e) {
    return cancelledOrRethrow(e, history.length, rollback, saved);
  } finally {
    saved.dispose();
    if (current) disposeOptimizer(current.optimizer);
  }
}

// ---------------------------------------------------------------------------------------------
// The denoiser

export function denoiserTrainProblems(c: DenoiserTrainConfig): string[] {
  return [...namedProblems(NOISE_TRAINING_RULES, c, NOISE_TRAINING_NAMES), ...lrPhaseProblems(c.mse, 'MSE'), ...lrPhaseProblems(c.stability, 'stability')];
}

/** ε ~ N(0, σ² I) for a batch, from the batch seed. */
function batchNoise(x: tf.Tensor, sigma: number, seed: number): tf.Tensor {
  return gaussianNoise(x.shape, { sigma, seed, stream: 0 });
}

/**
 * Trains `denoiser` in place on the inputs x ([n, ...], labels unused): the MSE epochs, then the
 * stability epochs against the frozen `classifier` (needed only when config.stability has
 * epochs). A DnCNN with batch normalisation runs in training mode (batch statistics).
 */
export async function trainDenoiser(
  denoiser: tf.LayersModel,
  x: tf.Tensor,
  config: Partial<DenoiserTrainConfig> = {},
  classifier: tf.LayersModel | null = null,
  onProgress?: (p: StageProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
): Promise<StagedTrainResult> {
  const c = { ...DENOISER_TRAINING_DEFAULTS, ...config };
  const problems = denoiserTrainProblems(c);
  if (problems.length) throw new RangeError(`Denoiser training settings refused: ${problems.join('; ')}.`);
  const stabilityEpochs = c.stability.reduce((s, p) => s + p.epochs, 0);
  if (stabilityEpochs > 0 && !classifier) throw new Error('The stability loss needs the (frozen) classifier.');
  const stages: TrainingStage[] = [
    {
      name: 'mse',
      phases: c.mse,
      prepare: (xb, seed) => ({ x: xb.clone(), noise: batchNoise(xb, c.sigma, seed) }),
      loss: (p) => denoiserMseLoss(denoiser, p.x, p.noise, true),
    },
  ];
  if (stabilityEpochs > 0 && classifier) {
    stages.push({
      name: 'stability',
      phases: c.stability,
      prepare: (xb, seed) => ({ x: xb.clone(), noise: batchNoise(xb, c.sigma, seed), targets: cleanLabels(classifier, xb) }),
      loss: (p) => denoiserStabilityLoss(denoiser, classifier, p.x, p.noise, p.targets as tf.Tensor1D, true),
    });
  }
  return trainStages(denoiser, x, stages, c.batchSize, c.seed, onProgress, signal);
}

export interface DenoiserEvaluation {
  /** Mean ||D(x + ε) − x||²₂. */
  mse: number;
  /** Mean ||(x + ε) − x||²₂ = the MSE of no denoiser, for comparison. */
  noisyMse: number;
  /** Fraction of inputs with f(D(x + ε)) = f(x) (null without a classifier). */
  stability: number | null;
}

/** The denoiser on one noise draw per input (seed `seed`), in batches of 1024. */
export async function evaluateDenoiser(denoiser: tf.LayersModel, x: tf.Tensor, sigma: number, seed: number, classifier: tf.LayersModel | null = null): Promise<DenoiserEvaluation> {
  const n = x.shape[0];
  let mse = 0;
  let noisy = 0;
  let same = 0;
  for (let start = 0, k = 0; start < n; start += 1024, k++) {
    const len = Math.min(1024, n - start);
    const parts = tf.tidy(() => {
      const xb = tf.slice(x, start, len);
      const noise = gaussianNoise(xb.shape, { sigma, seed, stream: k });
      const out = [tf.sum(denoiserMsePerExample(denoiser, xb, noise)), tf.sum(tf.square(noise))];
      if (classifier) out.push(tf.sum(tf.cast(tf.equal(cleanLabels(classifier, denoise(denoiser, tf.add(xb, noise))), cleanLabels(classifier, xb)), 'float32')));
      return out;
    });
    const values = await Promise.all(parts.map((t) => t.data()));
    disposeAll(parts);
    mse += values[0][0];
    noisy += values[1][0];
    if (classifier) same += values[2][0];
  }
  return { mse: mse / n, noisyMse: noisy / n, stability: classifier ? same / n : null };
}
