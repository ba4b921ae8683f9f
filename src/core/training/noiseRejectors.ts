/**
 * Training the K rejectors of paper 003 (denoised smoothing with sample rejection), Appendix 6.2,
 * Eq. 7–9, with the classifier f and the denoiser D frozen (only the rejector network's weights
 * are handed to the optimizer):
 *
 *   Eq. 7   L_Ωk(x_i, ε) = ℓ_BCE(H_k(D(x_i + ε)), b_i)            H_k = sigmoid output of head k
 *   Eq. 8   b_i = 1[f(D(x_i + ε)) ≠ f(x_i)]                         (reject iff the prediction changed)
 *   Eq. 9   L_rejection(Ω) = E_{x_i, ε} Σ_k 1[f(x_i) = k] L_Ωk(x_i, ε)
 *
 * so each (input, noise) sample trains only the head of its clean class f(x_i); the target is
 * about f's consistency, not the true label (footnote 2). With the K heads on a shared backbone
 * the empirical objective is (App. 6.2)
 *
 *   (1 / NT) Σ_i Σ_{t=1..T} Σ_k 1[f(x_i) = k] L_{Ω_BB, ω_k}(x_i, ε_t),
 *
 * T noise realisations per input: every mini-batch of B inputs becomes T·B samples (draw-major,
 * as training/noiseDraws.ts lays them out) and the loss is their mean. The BCE is computed from
 * the head's logit l in the stable form max(l, 0) − l·b + log(1 + e^−|l|).
 *
 * Defaults (REJECTOR_TRAINING_DEFAULTS), App. 6.3: "20 epochs where the first 5 epochs utilize
 * Adam optimizer with 1e-4 learning rate, followed by an SGD optimizer that starts with learning
 * rate of 1e-3 and drops by a factor of 10 every 5 epochs"; T = 20 (Section 6.3, ablation in
 * Fig. 9). Not given in the paper: the batch size (64 here) and the SGD momentum (0.9 here, the
 * momentum of Cohen et al.'s and Salman et al.'s training code).
 */
import * as tf from '@tensorflow/tfjs';
import { type BaseClassifier, modelClassifier } from '../certify/smoothing';
import { type Denoiser, denoise } from '../models/denoiser';
import { ownHead, rejectorLogits } from '../models/noiseRejectors';
import { disposeAll } from '../models/weights';
import { type LrPhase, NOISE_TRAINING_NAMES, NOISE_TRAINING_RULES, type StageProgress, type StagedTrainResult, lrPhaseProblems, trainStages } from './denoiser';
import { type FieldRule, namedProblems } from '../experiments/fieldSchema';
import { drawNoise, repeatCopies } from '../noise/draws';

export interface RejectorTrainConfig {
  /** σ of the Gaussian noise (the σ of the denoiser and of certification). */
  sigma: number;
  /** T: noise realisations per input and batch. */
  noiseDraws: number;
  /** Inputs per mini-batch (each gives T samples). */
  batchSize: number;
  seed: number;
  phases: LrPhase[];
}

export const REJECTOR_TRAINING_DEFAULTS: RejectorTrainConfig = {
  sigma: 0.25,
  noiseDraws: 20,
  batchSize: 64,
  seed: 1,
  phases: [
    { epochs: 5, optimizer: 'adam', learningRate: 1e-4, momentum: 0 },
    { epochs: 5, optimizer: 'sgd', learningRate: 1e-3, momentum: 0.9 },
    { epochs: 5, optimizer: 'sgd', learningRate: 1e-4, momentum: 0.9 },
    { epochs: 5, optimizer: 'sgd', learningRate: 1e-5, momentum: 0.9 },
  ],
};

const REJECTOR_TRAINING_RULES: Record<string, FieldRule> = { ...NOISE_TRAINING_RULES, noiseDraws: { type: 'int', min: 1, max: 1000 } };

export function rejectorTrainProblems(c: RejectorTrainConfig): string[] {
  return [...namedProblems(REJECTOR_TRAINING_RULES, c, { ...NOISE_TRAINING_NAMES, noiseDraws: 'noise draws T' }), ...lrPhaseProblems(c.phases, 'rejector')];
}

export interface RejectionTargets {
  /** z = D(x + ε) for the T·B samples: the rejectors' input. */
  denoised: tf.Tensor;
  /** f(x_i) of each sample's clean input: selects the head (Eq. 9). int32 [T·B]. */
  cleanClass: tf.Tensor1D;
  /** f(D(x_i + ε)): int32 [T·B]. */
  noisyClass: tf.Tensor1D;
  /** b_i = 1[f(D(x_i + ε)) ≠ f(x_i)] (Eq. 8): float32 [T·B]. */
  target: tf.Tensor1D;
}

/**
 * Eq. 8 on a batch: x [B, ...], noise [T·B, ...] (draw-major: row t·B + i is input i under draw
 * t). f and D are frozen: nothing here is differentiated.
 */
export function rejectionTargets(classifier: tf.LayersModel | BaseClassifier, denoiser: Denoiser, x: tf.Tensor, noise: tf.Tensor): RejectionTargets {
  const f = classifier instanceof tf.LayersModel ? modelClassifier(classifier) : classifier;
  const copies = noise.shape[0] / x.shape[0];
  if (!Number.isInteger(copies) || copies < 1) throw new Error(`The noise has ${noise.shape[0]} rows, not a multiple of the batch's ${x.shape[0]}.`);
  return tf.tidy(() => {
    const clean = tf.cast(f.classify(x), 'int32') as tf.Tensor1D;
    const cleanClass = repeatCopies(clean, copies);
    const denoised = denoise(denoiser, tf.add(repeatCopies(x, copies), noise));
    const noisyClass = tf.cast(f.classify(denoised), 'int32') as tf.Tensor1D;
    const target = tf.cast(tf.notEqual(noisyClass, cleanClass), 'float32') as tf.Tensor1D;
    return { denoised, cleanClass, noisyClass, target };
  });
}

/** ℓ_BCE(H_{f(x_i)}(z), b_i) per sample (Eq. 7 on the head of the clean class only, Eq. 9): [m]. */
export function rejectionLossPerSample(rejectors: tf.LayersModel, denoised: tf.Tensor, cleanClass: tf.Tensor1D, target: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const l = ownHead(rejectorLogits(rejectors, denoised), cleanClass);
    return tf.add(tf.sub(tf.relu(l), tf.mul(l, target)), tf.log1p(tf.exp(tf.neg(tf.abs(l))))) as tf.Tensor1D;
  });
}

/** L_rejection (Eq. 9, empirical): the mean of rejectionLossPerSample over the T·B samples. */
export function rejectionLoss(rejectors: tf.LayersModel, denoised: tf.Tensor, cleanClass: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(rejectionLossPerSample(rejectors, denoised, cleanClass, target)) as tf.Scalar);
}

/**
 * Trains `rejectors` (a createRejectors model, K heads) in place on the inputs x ([n, ...];
 * labels are not used: the targets come from f), with f and D frozen.
 */
export async function trainRejectors(
  rejectors: tf.LayersModel,
  classifier: tf.LayersModel | BaseClassifier,
  denoiser: Denoiser,
  x: tf.Tensor,
  config: Partial<RejectorTrainConfig> = {},
  onProgress?: (p: StageProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
): Promise<StagedTrainResult> {
  const c = { ...REJECTOR_TRAINING_DEFAULTS, ...config };
  const problems = rejectorTrainProblems(c);
  if (problems.length) throw new RangeError(`Rejector training settings refused: ${problems.join('; ')}.`);
  const f = classifier instanceof tf.LayersModel ? modelClassifier(classifier) : classifier;
  const heads = rejectors.outputs[0].shape[1];
  if (heads !== f.numClasses) throw new Error(`The rejector network has ${heads} heads but the classifier has ${f.numClasses} classes (one head per class).`);
  return trainStages(
    rejectors,
    x,
    [
      {
        name: 'rejection',
        phases: c.phases,
        prepare: (xb, seed) => {
          const noise = drawNoise(xb, c.noiseDraws, c.sigma, seed, 'rejector-noise');
          try {
            const t = rejectionTargets(f, denoiser, xb, noise);
            t.noisyClass.dispose();
            return { denoised: t.denoised, cleanClass: t.cleanClass, target: t.target };
          } finally {
            noise.dispose();
          }
        },
        loss: (p) => rejectionLoss(rejectors, p.denoised, p.cleanClass as tf.Tensor1D, p.target as tf.Tensor1D),
      },
    ],
    c.batchSize,
    c.seed,
    onProgress,
    signal,
  );
}

export interface RejectorEvaluation {
  /** Mean L_rejection over the samples. */
  loss: number;
  /** Fraction of samples with b = 1 (f changed its answer under noise + denoising). */
  targetRate: number;
  /** Fraction of samples rejected by h_{f(x)} at the threshold. */
  rejectRate: number;
  /** Fraction of samples where the head's decision equals b. */
  accuracy: number;
}

/** Eq. 8 targets and the heads' decisions on T noise draws per input (seed `seed`), 256 inputs at a time. */
export async function evaluateRejectors(
  rejectors: tf.LayersModel,
  classifier: tf.LayersModel | BaseClassifier,
  denoiser: Denoiser,
  x: tf.Tensor,
  sigma: number,
  noiseDraws: number,
  seed: number,
  threshold = 0.5,
): Promise<RejectorEvaluation> {
  const f = classifier instanceof tf.LayersModel ? modelClassifier(classifier) : classifier;
  const n = x.shape[0];
  const sums = [0, 0, 0, 0];
  for (let start = 0, k = 0; start < n; start += 256, k++) {
    const len = Math.min(256, n - start);
    const parts = tf.tidy(() => {
      const xb = tf.slice(x, start, len);
      const noise = drawNoise(xb, noiseDraws, sigma, seed, `evaluate-${k}`);
      const t = rejectionTargets(f, denoiser, xb, noise);
      const loss = rejectionLossPerSample(rejectors, t.denoised, t.cleanClass, t.target);
      const own = tf.sigmoid(ownHead(rejectorLogits(rejectors, t.denoised), t.cleanClass));
      const reject = tf.cast(tf.greaterEqual(own, threshold), 'float32');
      return [tf.sum(loss), tf.sum(t.target), tf.sum(reject), tf.sum(tf.cast(tf.equal(reject, t.target), 'float32'))];
    });
    const values = await Promise.all(parts.map((p) => p.data()));
    disposeAll(parts);
    values.forEach((v, i) => (sums[i] += v[0]));
  }
  const m = n * noiseDraws;
  return { loss: sums[0] / m, targetRate: sums[1] / m, rejectRate: sums[2] / m, accuracy: sums[3] / m };
}
