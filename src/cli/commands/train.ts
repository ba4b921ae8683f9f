/**
 * `train CONFIG.json [--out FILE [--resume]] [--save-model DIR]`: trains the config's model on its
 * data, then splits the test set four ways (paper 001) under the config's evaluation attack. An
 * image config ("kind": "image") trains on the --data files (./trainImages). With --out, every
 * epoch's end is kept in FILE.checkpoint.json (trainCheckpointFile.ts) for --resume.
 */
import { type ExperimentConfig, isCancelled, runTraining, splitPoints, rowsFromColumns } from '../../core';
import { RUN_OPTIONS_USAGE, type RunOptions, stringOption } from '../args';
import { runDataCommand } from '../dataCommand';
import { CliError, EXIT } from '../errors';
import { saveModelDir, writeOutput } from '../files';
import {
  attackProgress,
  categoryNames,
  initBackend,
  interruptSignal,
  modelMetadata,
  pointPairs,
  roundTimes,
  splitMetrics,
  status,
  trainingProgress,
  trainingSummary,
} from '../session';
import { type TrainFlags, runTrainImages } from './trainImages';
import { openTrainCheckpoint, trainCheckpointPath } from '../trainCheckpointFile';

export const TRAIN_USAGE = `Usage: npm run cli -- train CONFIG.json [--data FILE ...] [--out FILE [--resume]] [--format json|csv] [--save-model DIR] [--backend wasm|cpu]

Trains the model of an experiment config (the JSON the page exports; missing fields take
their defaults), then evaluates the test set under the config's evaluation attack: the 4-way
split of Merkli et al. (robust/non-robust x accurate/inaccurate). An image config ("kind":
"image") trains on the --data files and attacks the first evaluation.count test images.

  --save-model DIR     save the trained model as DIR/model.json + DIR/weights.bin (tfjs format)
  --resume             continue an interrupted run, with the same config and flags: with --out
                       FILE, the end of every epoch (weights, optimizer state, statistics) is
                       kept in FILE.checkpoint.json until the result is written; --resume starts
                       from it, and the result ends as an uninterrupted run's, all but the times
${RUN_OPTIONS_USAGE}

Progress goes to stderr. Exit status 3 if the training diverged (the result is still written).`;

export function trainCommand(argv: string[]): Promise<number> {
  return runDataCommand(
    {
      name: 'train',
      usage: TRAIN_USAGE,
      options: { 'save-model': { type: 'string' }, resume: { type: 'boolean' } },
      extra: (args): TrainFlags => ({ saveDir: stringOption(args, 'save-model'), resume: args.values.resume === true }),
      points: train2d,
      images: runTrainImages,
    },
    argv,
  );
}

async function train2d(config: ExperimentConfig, opts: RunOptions, { saveDir, resume }: TrainFlags): Promise<number> {
  const out = opts.out;
  const checkpoints = openTrainCheckpoint(out, config, resume);
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();

  status.log(`train: ${config.training.method} on ${config.data.kind} (${config.data.size} points), ${config.training.epochs} epochs, backend ${backend}`);
  if (checkpoints.from) status.log(`--resume: ${checkpoints.from.epochs} of ${config.training.epochs} epochs kept from ${trainCheckpointPath(out!)}`);
  const { dataset, model, result } = await runTraining(config, trainingProgress(), signal, undefined, checkpoints);
  status.done();
  const trainMs = performance.now() - t0;
  try {
    status.log(`training ${result.status}: ${result.message}`);
    let saveMs = 0;
    if (saveDir && result.epochsCompleted > 0) {
      const ts = performance.now();
      await saveModelDir(model, saveDir, modelMetadata(config, result));
      saveMs = performance.now() - ts;
      status.log(`saved the model to ${saveDir}/model.json + weights.bin`);
    } else if (saveDir) {
      status.log(`not saving the model: no epoch completed`);
    }

    const base = { command: 'train', config, backend, training: trainingSummary(result) };
    if (result.status === 'cancelled') {
      writeOutput({ ...base, metrics: null, points: null, timing: roundTimes({ trainMs, saveMs, totalMs: performance.now() - t0 }) }, [], opts.format, out);
      return EXIT.cancelled;
    }

    const a = config.evaluation.attack;
    const te = performance.now();
    let split;
    try {
      split = await splitPoints(model, dataset.xTest, dataset.yTest, config, { signal, onProgress: attackProgress(`evaluating: ${a.kind} ${a.norm} eps ${a.eps}`) });
    } catch (e) {
      if (isCancelled(e)) throw new CliError('Cancelled during the evaluation', EXIT.cancelled);
      throw e;
    }
    status.done();
    const evaluateMs = performance.now() - te;
    status.log(
      `test set (${split.n} points): natural accuracy ${(100 * split.naturalAccuracy).toFixed(1)}%, robust accuracy ${(100 * split.robustAccuracy).toFixed(1)}%, ` +
        `robust inaccuracy ${(100 * split.robustInaccuracy).toFixed(1)}% (${a.kind} ${a.norm} eps ${a.eps})`,
    );
    const points = {
      x: pointPairs(dataset.xTest),
      y: Array.from(dataset.yTest),
      predictions: Array.from(split.predictions),
      adversarialPredictions: Array.from(split.adversarialPredictions),
      categories: categoryNames(split),
      adversarial: pointPairs(split.adversarial),
    };
    writeOutput(
      {
        ...base,
        metrics: splitMetrics(split),
        points,
        savedModel: saveDir && result.epochsCompleted > 0 ? saveDir : undefined,
        timing: roundTimes({ trainMs, evaluateMs, saveMs, totalMs: performance.now() - t0 }),
      },
      rowsFromColumns(points),
      opts.format,
      out,
    );
    checkpoints.finish();
    return result.status === 'diverged' ? EXIT.diverged : EXIT.ok;
  } finally {
    model.dispose();
  }
}
