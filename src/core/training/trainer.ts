/**
 * The training loop shared by every method: shuffled mini-batches (seeded), SGD or Adam, live
 * progress, cancellation between batches, and a stop on a non-finite loss. The weights at the
 * end of the last completed epoch are kept as a snapshot: a cancelled or diverged run rolls the
 * model back to it, so a model is never left half-updated. A run can hand each epoch's end to
 * the caller as a checkpoint and start from one (trainCheckpoint.ts): an interrupted run goes on
 * where it stopped and ends as one run would.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint, isCancelled } from '../cancel';
import { assertInsideBox, crossEntropy } from '../attacks/common';
import { logits } from '../models/forward';
import { disposeAll, epochCheckpoint } from '../models/weights';
import { Rng, deriveSeed } from '../random';
import { METHOD_LABELS, type LossParams, type TrainingMethod, type TrainingMethodName } from './method';
import { TRAIN_DEFAULTS, type TrainConfig } from './config';
import { adam } from './adam';
import { type EpochStats, type TrainCheckpoint, checkTrainCheckpoint, modelState, optimizerState, restoreTrainCheckpoint } from './trainCheckpoint';

export { TRAIN_DEFAULTS, type TrainConfig, type EpochStats };
import { standard } from './standard';
import { pgdAt } from './pgdAt';
import { trades } from './trades';
import { era } from './era';
import { gaussian } from './gaussian';
import { catRs } from './catRs';
import { cra } from './cra';
import { rrPgdAt, rrTrades } from './rconRejection';
import { selectiveNetPgdAt } from './selectiveNet';
import { ibp } from './ibp';

export const METHODS: Record<TrainingMethodName, TrainingMethod> = {
  standard,
  'pgd-at': pgdAt,
  trades,
  era,
  gaussian,
  'cat-rs': catRs,
  cra,
  'rr-pgd-at': rrPgdAt,
  'rr-trades': rrTrades,
  'selectivenet-pgd-at': selectiveNetPgdAt,
  ibp,
};

/** The loss parameters of a training config. */
export function lossParamsOf(config: TrainConfig): LossParams {
  return {
    attack: config.attack,
    box: config.box,
    tradesBeta: config.tradesBeta,
    eraBeta: config.eraBeta,
    smoothing: { sigma: config.sigma, catRs: config.catRs, cra: config.cra },
    rr: config.rr,
    selectiveNet: config.selectiveNet,
    ibp: config.ibp,
  };
}

export interface TrainData {
  x: tf.Tensor;
  y: tf.Tensor1D;
  xTest?: tf.Tensor;
  yTest?: tf.Tensor1D;
}


export type TrainProgress =
  | { kind: 'batch'; epoch: number; epochs: number; batch: number; batches: number; objective: number; elapsedMs: number; etaMs: number }
  | { kind: 'epoch'; epoch: number; epochs: number; stats: EpochStats; elapsedMs: number; etaMs: number };

export type TrainStatus = 'completed' | 'cancelled' | 'diverged';

export interface TrainResult {
  status: TrainStatus;
  message: string;
  history: EpochStats[];
  /** Epochs whose weights the model now holds. */
  epochsCompleted: number;
}

export function createOptimizer(config: TrainConfig): tf.Optimizer {
  if (config.optimizer === 'adam') return adam(config.learningRate);
  return config.momentum > 0 ? tf.train.momentum(config.learningRate, config.momentum) : tf.train.sgd(config.learningRate);
}

/** Clean mean cross-entropy and accuracy, in batches of 4096. */
export async function evaluateClean(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D): Promise<{ loss: number; accuracy: number }> {
  const n = x.shape[0];
  if (n === 0) return { loss: NaN, accuracy: NaN };
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += 4096) {
    const len = Math.min(4096, n - start);
    const [l, c] = tf.tidy(() => {
      const xb = tf.slice(x, start, len);
      const yb = tf.slice(y, start, len);
      const z = logits(model, xb);
      return [tf.sum(crossEntropy(z, yb)), tf.sum(tf.cast(tf.equal(tf.argMax(z, 1), tf.cast(yb, 'int32')), 'float32'))];
    });
    lossSum += (await l.data())[0];
    correct += (await c.data())[0];
    l.dispose();
    c.dispose();
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

/** Going on from an interrupted run, and keeping each epoch's end so that a later run can. */
export interface TrainResume {
  /** The checkpoint to start from: its weights and optimizer state are set, its epochs skipped. */
  from?: TrainCheckpoint | null;
  /** Called (and awaited) at the end of every epoch with the run's checkpoint there. */
  onEpoch?: (c: TrainCheckpoint) => void | Promise<void>;
}

/**
 * Trains `model` in place. Resolves with the run's status; never leaves the model in the middle
 * of an epoch (see the file comment). `onProgress` may be async (it is awaited).
 */
export async function train(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  resume: TrainResume = {},
): Promise<TrainResult> {
  const method = METHODS[config.method];
  if (!method) throw new Error(`Unknown training method "${config.method}"`);
  if (resume.from) checkTrainCheckpoint(resume.from, model, config.epochs);
  const params = lossParamsOf(config);
  const n = data.x.shape[0];
  const batches = Math.ceil(n / config.batchSize);
  const optimizer = createOptimizer(config);
  const history: EpochStats[] = [];
  if (resume.from) {
    try {
      await restoreTrainCheckpoint(resume.from, model, optimizer);
    } catch (e) {
      disposeOptimizer(optimizer);
      throw e;
    }
    history.push(...resume.from.history.map((h) => ({ ...h })));
  }
  const saved = epochCheckpoint(model);
  const clock = progressClock();
  // The time left is estimated from this run's own pace (a resumed run did its first epochs before).
  const skipped = history.length;
  const totalBatches = config.epochs * batches;
  const finish = (status: TrainStatus, message: string): TrainResult => {
    if (status !== 'completed') saved.restore();
    return { status, message, history, epochsCompleted: history.length };
  };
  try {
    await assertInsideBox(data.x, config.box);
    for (let epoch = history.length + 1; epoch <= config.epochs; epoch++) {
      const order = new Rng(deriveSeed(config.seed, 'shuffle', epoch)).permutation(n);
      let objectiveSum = 0;
      for (let b = 0; b < batches; b++) {
        await checkpoint(signal);
        const idx = tf.tensor1d(order.subarray(b * config.batchSize, Math.min(n, (b + 1) * config.batchSize)), 'int32');
        const xb = tf.gather(data.x, idx);
        const yb = tf.gather(data.y, idx) as tf.Tensor1D;
        idx.dispose();
        const stepParams: LossParams = { ...params, progress: { step: (epoch - 1) * batches + b, totalSteps: totalBatches } };
        const prepared = await method.prepare(model, xb, yb, stepParams, deriveSeed(config.seed, 'attack', epoch, b));
        const cost = optimizer.minimize(() => method.loss(model, xb, yb, prepared, stepParams), true);
        disposeAll([xb, yb, ...Object.values(prepared)]);
        const value = cost ? (await cost.data())[0] : NaN;
        cost?.dispose();
        if (!Number.isFinite(value)) {
          return finish(
            'diverged',
            `The training loss became ${value} at epoch ${epoch}, batch ${b + 1}; stopped, and the model was reset to ` +
              (history.length ? `the end of epoch ${history.length}` : 'its initial weights') +
              '. Try a smaller learning rate or eps.',
          );
        }
        objectiveSum += value;
        if (onProgress) {
          const time = clock.batch((epoch - 1 - skipped) * batches + b + 1, totalBatches - skipped * batches);
          if (time) await onProgress({ kind: 'batch', epoch, epochs: config.epochs, batch: b + 1, batches, objective: objectiveSum / (b + 1), ...time });
        }
      }
      const trainEval = await evaluateClean(model, data.x, data.y);
      // The last update of the epoch may itself have sent the weights to Inf/NaN.
      if (!Number.isFinite(trainEval.loss)) {
        return finish(
          'diverged',
          `The loss became ${trainEval.loss} at the end of epoch ${epoch}; stopped, and the model was reset to ` +
            (history.length ? `the end of epoch ${history.length}` : 'its initial weights') +
            '. Try a smaller learning rate or eps.',
        );
      }
      const testEval = data.xTest && data.yTest && data.xTest.shape[0] > 0 ? await evaluateClean(model, data.xTest, data.yTest) : null;
      const stats: EpochStats = {
        epoch,
        objective: objectiveSum / batches,
        trainLoss: trainEval.loss,
        trainAccuracy: trainEval.accuracy,
        testLoss: testEval?.loss ?? null,
        testAccuracy: testEval?.accuracy ?? null,
      };
      history.push(stats);
      saved.save();
      if (resume.onEpoch) await resume.onEpoch({ epochs: epoch, history: history.map((h) => ({ ...h })), weights: await modelState(model), optimizer: await optimizerState(optimizer) });
      if (onProgress) await onProgress({ kind: 'epoch', epoch, epochs: config.epochs, stats, ...clock.at(epoch - skipped, config.epochs - skipped) });
    }
    // The method in words (its label without the citation), as the page and the CLI show it.
    return finish('completed', `Trained ${config.epochs} epochs with ${METHOD_LABELS[config.method].split(' (')[0]}.`);
  } catch (e) {
    return cancelledOrRethrow(e, history.length, finish, saved);
  } finally {
    saved.dispose();
    disposeOptimizer(optimizer);
  }
}

/** Elapsed time and an ETA (by linear extrapolation) for a run's progress reports. */
export interface ProgressTime {
  elapsedMs: number;
  etaMs: number;
}

/**
 * The clock of a training run's progress reports, started now: `at(done, total)` after `done`
 * of `total` units; `batch` the same at most once per 100 ms (null in between, so that fast
 * batches do not flood the page). Shared with trainStages (training/denoiser.ts).
 */
export function progressClock(): { at(done: number, total: number): ProgressTime; batch(done: number, total: number): ProgressTime | null } {
  const start = Date.now();
  let lastReport = 0;
  const at = (done: number, total: number, now = Date.now()): ProgressTime => {
    const elapsedMs = now - start;
    return { elapsedMs, etaMs: (elapsedMs / done) * (total - done) };
  };
  return {
    at,
    batch: (done, total) => {
      const now = Date.now();
      if (now - lastReport <= 100) return null;
      lastReport = now;
      return at(done, total, now);
    },
  };
}

/**
 * The end of a training run stopped by an error: a cancel gives `stop`'s 'cancelled' result
 * (which rolls the weights back to the last completed epoch); any other error rolls them back
 * and is rethrown. Shared with trainStages (training/denoiser.ts).
 */
export function cancelledOrRethrow<R>(e: unknown, epochsCompleted: number, stop: (status: 'cancelled', message: string) => R, saved: { restore(): void }): R {
  if (isCancelled(e)) return stop('cancelled', cancelledMessage(epochsCompleted));
  saved.restore();
  throw e;
}

/** What a cancelled run says about the weights it keeps (those of the last completed epoch). */
export function cancelledMessage(epochsCompleted: number): string {
  return epochsCompleted
    ? `Cancelled during epoch ${epochsCompleted + 1}; the model holds the weights from the end of epoch ${epochsCompleted}.`
    : 'Cancelled before the first epoch ended; the model holds its initial weights.';
}

export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  // tfjs 4.22: MomentumOptimizer.dispose() does not dispose the learning-rate scalar `c` of its
  // SGD base class, leaking one tensor per run (disposing twice is harmless).
  if (optimizer instanceof tf.MomentumOptimizer) (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}

