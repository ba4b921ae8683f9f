/**
 * Paper 003's way of abstaining in the arena: denoised smoothing with sample rejection on top of
 * the arena's standard (pretrained) classifier f. A denoiser D (an MLP on points, a DnCNN on
 * images) learns L_MSE on Gaussian noise of the arena's σ, and K rejector heads learn to flag the
 * denoised noisy samples whose class f gets wrong (Eq. 7–9), both with the arena's epochs (Adam,
 * lr 1e-3, batch 32, T = 20 noise draws per input, as the Smoothing view trains them). Deployed,
 * the system answers by PREDICT over f_R(D(x + ε)) (Eq. 1–3): a sample whose class's head fires
 * votes R, and only the K real classes can win the test, so it abstains where they do not differ
 * significantly. The attacks see f∘D, which is differentiable (the heads' hard threshold is not):
 * PGD and APGD-CE on it, and SmoothAdv's PGD on its Monte-Carlo soft classifier. Its certificate
 * is Theorem 3.1's radius (CERTIFY with rejection).
 */
import * as tf from '@tensorflow/tfjs';
import { type RunControl, adversarialOf, attackWith } from '../attacks/runner';
import { apgdCeAttack } from '../attacks/apgd';
import { pgdAttack } from '../attacks/pgd';
import { smoothAdvAttack } from '../attacks/smoothAdv';
import { rejectionClassifier } from '../certify/noiseRejection';
import { bytesPerCopy } from '../certify/batchMemory';
import { predictMany } from '../certify/smoothedGrid';
import { createDenoiser } from '../models/denoiser';
import { createRejectors } from '../models/noiseRejectors';
import { deriveSeed } from '../random';
import { trainDenoiser } from '../training/denoiser';
import { trainRejectors } from '../training/noiseRejectors';
import { type ArenaConfig, arenaBox } from './arenaConfig';
import type { ArenaDecider } from './arenaDecisions';
import { arenaPredictOptions, oncePerTensor, voteShareScore } from './arenaDecisions';

/** The rejection threshold of the heads (paper 003: 0.5). */
export const SAMPLE_REJECTION_THRESHOLD = 0.5;
export const SAMPLE_REJECTION_BATCH = 32;
export const SAMPLE_REJECTION_LR = 1e-3;
const NOISE_DRAWS = 20;

export interface SampleRejectionSystem {
  classifier: tf.LayersModel;
  denoiser: tf.LayersModel;
  rejectors: tf.LayersModel;
  /** f∘D, the model the attacks differentiate (null until D and the rejectors are trained). */
  composed: tf.LayersModel | null;
  epochs: number;
  message: string;
  status: 'completed' | 'cancelled' | 'diverged';
  /** Frees the denoiser, the rejectors and f∘D (the classifier belongs to the caller). */
  dispose(): void;
}

/** A model with the same layers and weights (its own variables). */
async function copyOf(model: tf.LayersModel): Promise<tf.LayersModel> {
  const copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
  const weights = model.getWeights();
  copy.setWeights(weights);
  return copy;
}

/**
 * f∘D as one model, for the attacks: the denoiser's output fed to the classifier. It is built from
 * copies: a model nested in another is disposed with it, and f is also the arena's standard model.
 */
async function composedModel(denoiser: tf.LayersModel, classifier: tf.LayersModel): Promise<tf.LayersModel> {
  const [d, f] = [await copyOf(denoiser), await copyOf(classifier)];
  const input = tf.input({ shape: denoiser.inputs[0].shape.slice(1) as number[] });
  const out = f.apply(d.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Trains D and the rejectors on top of `classifier` with the inputs x ([n, ...shape]). */
export async function trainSampleRejection(
  config: ArenaConfig,
  classifier: tf.LayersModel,
  x: tf.Tensor,
  numClasses: number,
  onProgress: (fraction: number, detail: string) => void,
  signal: AbortSignal | null | undefined,
): Promise<SampleRejectionSystem> {
  const shape = x.shape.slice(1);
  const points = shape.length === 1;
  const seed = config.seed;
  const denoiser = points ? createDenoiser({ kind: 'mlp', inputDim: shape[0], seed }) : createDenoiser({ kind: 'dncnn', inputShape: shape as [number, number, number], seed });
  const rejectors = points ? createRejectors({ kind: 'mlp', inputDim: shape[0], numClasses, seed }) : createRejectors({ kind: 'cnn', inputShape: shape as [number, number, number], numClasses, seed });
  const epochs = config.budget.epochs;
  const phase = [{ epochs, optimizer: 'adam' as const, learningRate: SAMPLE_REJECTION_LR, momentum: 0 }];
  const common = { sigma: config.smoothing.sigma, batchSize: SAMPLE_REJECTION_BATCH, seed: deriveSeed(seed, 'sample-rejection') };
  const system: SampleRejectionSystem = {
    classifier,
    denoiser,
    rejectors,
    composed: null,
    epochs: 0,
    message: '',
    status: 'completed',
    dispose() {
      // Disposing f∘D disposes the copies nested in it.
      system.composed?.dispose();
      denoiser.dispose();
      rejectors.dispose();
    },
  };
  try {
    const d = await trainDenoiser(denoiser, x, { ...common, mse: phase, stability: [] }, classifier, (p) => onProgress(p.kind === 'epoch' ? p.epoch / (2 * p.epochs) : ((p.epoch - 1) * p.batches + p.batch) / (2 * p.epochs * p.batches), `denoiser, epoch ${p.epoch} of ${p.epochs}`), signal);
    system.epochs = d.epochsCompleted;
    system.status = d.status;
    system.message = d.message;
    if (d.status !== 'completed') return system;
    const r = await trainRejectors(rejectors, classifier, denoiser, x, { ...common, noiseDraws: NOISE_DRAWS, phases: phase }, (p) => onProgress(0.5 + (p.kind === 'epoch' ? p.epoch / (2 * p.epochs) : ((p.epoch - 1) * p.batches + p.batch) / (2 * p.epochs * p.batches)), `rejectors, epoch ${p.epoch} of ${p.epochs}`), signal);
    system.epochs += r.epochsCompleted;
    system.status = r.status;
    system.message = r.message;
    if (r.status === 'completed') system.composed = await composedModel(denoiser, classifier);
    return system;
  } catch (e) {
    system.dispose();
    throw e;
  }
}

/** Bytes one noisy copy takes through D, f and the rejectors together (certify/batchMemory.ts). */
export function systemBytesPerCopy(system: SampleRejectionSystem): number {
  return bytesPerCopy(system.denoiser) + bytesPerCopy(system.classifier) + bytesPerCopy(system.rejectors);
}

/** The system as the arena decides and attacks it. */
export function sampleRejectionDecider(system: SampleRejectionSystem, config: ArenaConfig, numClasses: number): ArenaDecider {
  const base = rejectionClassifier({ classifier: system.classifier, denoiser: system.denoiser, rejectors: system.rejectors }, SAMPLE_REJECTION_THRESHOLD);
  const { norm, eps } = config.threat;
  const { attackSteps: steps, attackRestarts: restarts } = config.budget;
  const box = arenaBox(config);
  const options = arenaPredictOptions(config, 'sample-rejection', 'predict', systemBytesPerCopy(system));
  const seedOf = (what: string) => deriveSeed(config.seed, 'arena', 'sample-rejection', what);
  if (!system.composed) throw new Error('sampleRejectionDecider: the system has not finished training');
  const model = system.composed;
  const run = (x: tf.Tensor, y: tf.Tensor1D, c: RunControl, kind: 'pgd' | 'apgd-ce' | 'smooth-adv') => {
    if (kind === 'pgd') return adversarialOf(attackWith(pgdAttack, model, x, y, { norm, eps, steps, restarts, randomStart: true, box, seed: seedOf('pgd') }, c));
    if (kind === 'apgd-ce') return adversarialOf(attackWith(apgdCeAttack, model, x, y, { norm, eps, steps, restarts, box, seed: seedOf('apgd-ce') }, c));
    return adversarialOf(attackWith(smoothAdvAttack, model, x, y, { norm, eps, steps, sigma: config.smoothing.sigma, samples: config.smoothing.attackSamples, box, seed: seedOf('smooth-adv') }, c));
  };
  // R is class K of f_R: it is counted, and only the K real classes can win.
  const predict = oncePerTensor((x, signal) => predictMany(base, x, options, { signal }, numClasses));
  return {
    decide: async (x, control = {}) => (await predict(x, control.signal)).predictions.slice(),
    attacks: [
      { id: 'pgd', label: `PGD-${steps} on f∘D`, run: (x, y, c) => run(x, y, c, 'pgd') },
      { id: 'apgd-ce', label: `APGD-CE-${steps} on f∘D`, run: (x, y, c) => run(x, y, c, 'apgd-ce') },
      { id: 'smooth-adv', label: `SmoothAdv PGD-${steps} on f∘D (${config.smoothing.attackSamples} noise samples)`, run: (x, y, c) => run(x, y, c, 'smooth-adv') },
    ],
    score: voteShareScore(predict),
  };
}
