/**
 * The worker's denoised smoothing with sample rejection (paper 003): for a
 * smoothing source's model f (a 2-D playground model or an image model), train a denoiser D
 * (residual MLP for 2-D, DnCNN for images) with the MSE loss, then optionally the stability loss,
 * and K rejector heads h_k by Eq. 7–9 on the source's training inputs at σ; keep the system
 * S = {D, f, h} in worker memory, one per source model; certify the test inputs with it
 * (Theorem 3.1), each row carrying countTop / countRejected for the page's Fig. 6.
 *
 * The page trains for a few epochs, so the papers' step-decay schedules (Salman et al.: Adam,
 * lr × 0.1 every 30 of 90 epochs; paper 003's rejectors: 5 Adam epochs, then SGD with lr drops
 * every 5 epochs) are compressed to `decayingAdam`: Adam at the given learning rate, the last
 * third of the epochs at a tenth of it. The stability fine-tuning runs at a tenth of the
 * denoiser's learning rate (Salman et al. fine-tune at 1e-5 after 1e-3).
 *
 * A cancelled training keeps the epochs finished (the core rolls back to the last epoch end); the
 * system is kept only if the rejectors finished at least one epoch, and a failed or empty run
 * leaves an earlier system of the model untouched.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type CertificationRow,
  type LrPhase,
  type StageProgress,
  type StagedTrainResult,
  checkNoiseRejectionOptions,
  createDenoiser,
  createRejectors,
  deriveSeed,
  evaluateDenoiser,
  evaluateRejectors,
  runRejectionOnSet,
  trainDenoiser,
  trainRejectors,
} from '../src/core/index';
import { denoiserTrainProblems, type DenoiserTrainConfig } from '../src/core/training/denoiser';
import { rejectorTrainProblems, type RejectorTrainConfig } from '../src/core/training/noiseRejectors';
import { type FieldRule, namedProblems } from '../src/core/experiments/fieldSchema';
import { runJob, stagedProgress } from './jobs';
import type { ModelSource, ProgressFn } from './protocol/common';
import { sourceKey } from './protocol/modelKey';
import { certifyJob } from './smoothingApi';
import { inputsOf, modelOf } from './sources';
import type { CertifyOutcome } from './protocol/smoothing';
import type { NoiseRejectionWorkerApi, RejectionCertifyRequest, RejectionSystemView, RejectionTrainSettings, RejectionTrainUpdate } from './protocol/noiseRejection';

/** Held-out inputs of the evaluation after training (T draws each). */
export const REJECTION_EVAL_INPUTS = 256;

interface StoredSystem {
  /** f as it was when D and h were trained (a retrained model makes the system stale). */
  classifier: tf.LayersModel;
  denoiser: tf.LayersModel | null;
  rejectors: tf.LayersModel;
  view: RejectionSystemView;
}

const systems = new Map<string, StoredSystem>();
const keyOf = sourceKey;

function disposeSystem(s: StoredSystem): void {
  s.denoiser?.dispose();
  s.rejectors.dispose();
}

/** `epochs` of Adam at `lr`, the last third at lr / 10 (the papers' step decay, compressed). */
export function decayingAdam(epochs: number, lr: number): LrPhase[] {
  const late = Math.floor(epochs / 3);
  return [
    { epochs: epochs - late, optimizer: 'adam', learningRate: lr, momentum: 0 },
    { epochs: late, optimizer: 'adam', learningRate: lr / 10, momentum: 0 },
  ];
}

/** The core's training configs for the page's settings (bad epoch counts become 0: they are reported apart). */
function trainConfigs(s: RejectionTrainSettings): { denoiser: DenoiserTrainConfig; rejectors: RejectorTrainConfig } {
  const epochs = (e: number) => (Number.isInteger(e) && e >= 0 ? e : 0);
  const common = { sigma: s.sigma, batchSize: s.batchSize, seed: s.seed };
  return {
    denoiser: {
      ...common,
      mse: decayingAdam(epochs(s.denoiserEpochs), s.denoiserLearningRate),
      stability: [{ epochs: epochs(s.stabilityEpochs), optimizer: 'adam', learningRate: s.denoiserLearningRate / 10, momentum: 0 }],
    },
    rejectors: { ...common, noiseDraws: s.noiseDraws, phases: decayingAdam(epochs(s.rejectorEpochs), s.rejectorLearningRate) },
  };
}

/** The settings' own fields (the rest are checked by the core's denoiser and rejector training). */
const TRAIN_SETTING_RULES: Record<string, FieldRule> = {
  trainMax: { type: 'int', min: 1, max: 1_000_000 },
  denoiserEpochs: { type: 'int', min: 0, max: 10_000 },
  stabilityEpochs: { type: 'int', min: 0, max: 10_000 },
  rejectorEpochs: { type: 'int', min: 1, max: 10_000 },
  threshold: { type: 'num', min: 0, max: 1 },
};
const TRAIN_SETTING_NAMES = { trainMax: 'training inputs', denoiserEpochs: 'denoiser epochs', stabilityEpochs: 'stability epochs', rejectorEpochs: 'rejector epochs', threshold: 'the rejection threshold' };

/** One message per problem with the settings (empty when they are usable). */
export function rejectionTrainProblems(s: RejectionTrainSettings): string[] {
  const out = namedProblems(TRAIN_SETTING_RULES, s, TRAIN_SETTING_NAMES);
  const c = trainConfigs(s);
  return [...new Set([...out, ...denoiserTrainProblems(c.denoiser), ...rejectorTrainProblems(c.rejectors)])];
}

/** Forwards the core's stage progress: epoch losses to onUpdate, the fraction of the stage to `fraction`. */
function stageReporter(part: RejectionTrainUpdate['part'], onUpdate: (u: RejectionTrainUpdate) => void, fraction: (f: number) => void) {
  return (p: StageProgress) => {
    if (p.kind === 'epoch') {
      onUpdate({ kind: 'epoch', part, stats: p.stats });
      fraction(p.epoch / p.epochs);
    } else {
      fraction(((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches));
    }
  };
}

const NOT_TRAINED = (message: string): StagedTrainResult => ({ status: 'completed', message, history: [], epochsCompleted: 0 });

export async function trainRejectionSystem(
  jobId: string,
  source: ModelSource,
  settings: RejectionTrainSettings,
  onUpdate: (u: RejectionTrainUpdate) => void,
  onProgress: ProgressFn,
): Promise<RejectionSystemView> {
  const problems = rejectionTrainProblems(settings);
  if (problems.length) throw new RangeError(`Rejection training settings refused: ${problems.join('; ')}.`);
  const s = settings;
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const train = inputsOf(source, 'train', s.trainMax);
    const inputShape = train.x.shape.slice(1);
    const is2d = source.kind === '2d';
    const denoiserEpochs = s.denoiserEpochs + s.stabilityEpochs;
    let denoiser: tf.LayersModel | null = null;
    let rejectors: tf.LayersModel | null = null;
    let stored = false;
    try {
      denoiser =
        denoiserEpochs === 0 ? null : is2d ? createDenoiser({ kind: 'mlp', inputDim: inputShape[0], seed: s.seed }) : createDenoiser({ kind: 'dncnn', inputShape: inputShape as [number, number, number], seed: s.seed });
      rejectors = is2d
        ? createRejectors({ kind: 'mlp', inputDim: inputShape[0], numClasses: train.numClasses, seed: s.seed })
        : createRejectors({ kind: 'cnn', inputShape: inputShape as [number, number, number], numClasses: train.numClasses, seed: s.seed });
      const configs = trainConfigs(s);
      // Weights: a rejector epoch classifies T noisy copies of every input (and runs f and D on them).
      const stage = stagedProgress(onProgress, [denoiserEpochs, s.rejectorEpochs * s.noiseDraws, s.noiseDraws]);
      const d = denoiser
        ? await trainDenoiser(denoiser, train.x, configs.denoiser, train.model, stageReporter('denoiser', onUpdate, stage(0)), signal)
        : NOT_TRAINED('No denoiser (D = identity): rejection on the raw noisy input.');
      const r =
        d.status === 'completed'
          ? await trainRejectors(rejectors, train.model, denoiser, train.x, configs.rejectors, stageReporter('rejectors', onUpdate, stage(1)), signal)
          : { ...NOT_TRAINED('The rejectors were not trained.'), status: d.status };
      stored = r.epochsCompleted > 0;
      const view: RejectionSystemView = {
        source,
        settings: s,
        status: d.status === 'completed' ? r.status : d.status,
        message: [d.message, r.message, stored ? '' : 'Nothing was kept: the rejectors finished no epoch.'].filter(Boolean).join(' '),
        stored,
        denoiser: { kind: denoiser ? (is2d ? 'mlp' : 'dncnn') : 'none', epochsPlanned: denoiserEpochs, epochsCompleted: d.epochsCompleted, history: d.history, evaluation: null },
        rejectors: { kind: is2d ? 'mlp' : 'cnn', epochsPlanned: s.rejectorEpochs, epochsCompleted: r.epochsCompleted, history: r.history, evaluation: null },
        trainInputs: train.labels.length,
        evalInputs: 0,
        weightTensors: (denoiser?.weights.length ?? 0) + rejectors.weights.length,
        elapsedMs: 0,
      };
      if (stored) {
        const test = inputsOf(source, 'test', REJECTION_EVAL_INPUTS);
        try {
          const seed = deriveSeed(s.seed, 'rejection-evaluation');
          view.evalInputs = test.labels.length;
          if (denoiser) view.denoiser.evaluation = await evaluateDenoiser(denoiser, test.x, s.sigma, seed, test.model);
          view.rejectors.evaluation = await evaluateRejectors(rejectors, test.model, denoiser, test.x, s.sigma, s.noiseDraws, seed, s.threshold);
        } finally {
          test.x.dispose();
        }
        const key = keyOf(source);
        const old = systems.get(key);
        if (old) disposeSystem(old);
        systems.set(key, { classifier: train.model, denoiser, rejectors, view });
        stage(2)(1);
      }
      view.elapsedMs = Date.now() - t0;
      return view;
    } finally {
      train.x.dispose();
      if (!stored) {
        denoiser?.dispose();
        rejectors?.dispose();
      }
    }
  });
}

/** The source's stored system; refuses a missing one, or one whose model was retrained since. */
function systemOf(source: ModelSource): StoredSystem {
  const key = keyOf(source);
  const system = systems.get(key);
  if (!system) throw new Error('This model has no denoiser and rejectors yet: press "Train denoiser + rejectors" first.');
  if (system.classifier !== modelOf(source)) {
    disposeSystem(system);
    systems.delete(key);
    throw new Error('The model was retrained after its denoiser and rejectors were trained: train them again.');
  }
  return system;
}

export async function certifyRejectionSet(jobId: string, source: ModelSource, request: RejectionCertifyRequest, onRow: (row: CertificationRow) => void, onProgress: ProgressFn): Promise<CertifyOutcome> {
  const options = checkNoiseRejectionOptions(request.options);
  const system = systemOf(source);
  const trainedAt = system.view.settings.sigma;
  if (trainedAt !== options.sigma) throw new RangeError(`The denoiser and rejectors were trained at σ = ${trainedAt}: certify at that σ, or train them again at σ = ${options.sigma}.`);
  return certifyJob(jobId, source, { ...request, options }, onRow, onProgress, (model, x, labels, indices, control) =>
    runRejectionOnSet(request.mode, { classifier: model, denoiser: system.denoiser, rejectors: system.rejectors }, x, labels, indices, options, control),
  );
}

export function dropRejectionSystem(source: ModelSource): void {
  const key = keyOf(source);
  const system = systems.get(key);
  if (system) disposeSystem(system);
  systems.delete(key);
}

export const noiseRejectionApi: NoiseRejectionWorkerApi = { trainRejectionSystem, certifyRejectionSet, dropRejectionSystem };
