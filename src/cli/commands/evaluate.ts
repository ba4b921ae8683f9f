/**
 * `evaluate CONFIG.json [--model DIR] [--out FILE] [--compose-core DIR2]`: the metrics of paper
 * 001 on the test set. The 4-way split at eps; the robustness-indicator selector S (Eq. 12: select
 * x iff the model is robust on B(x, eps)), whose *robust* selection needs robustness on
 * B(x, 2·eps) (Section 5); and, with --compose-core, the 2-compositional model (Eq. 15)
 * H = S·F_robust + (1 − S)·F_core next to its two parts. All through the core's composeModels
 * (../selector). An image config ("kind": "image") runs on the --data files (./evaluateImages).
 */
import type * as tf from '@tensorflow/tfjs';
import { DATASET2D_INFO, type ExperimentConfig, type RobustnessSplit, attackConfigOf, isCancelled, splitPoints, rowsFromColumns } from '../../core';
import { RUN_OPTIONS_USAGE, type RunOptions, stringOption } from '../args';
import { runDataCommand } from '../dataCommand';
import { CliError, EXIT } from '../errors';
import { loadModelDir, writeOutput } from '../files';
import { type SplitAt, logSelector, runSelector, selectorColumns, selectorMetrics } from '../selector';
import { attackProgress, initBackend, interruptSignal, obtainModel, pointPairs, roundTimes, status } from '../session';
import { runEvaluateImages } from './evaluateImages';

export const EVALUATE_USAGE = `Usage: npm run cli -- evaluate CONFIG.json [--data FILE ...] [--model DIR] [--compose-core DIR2] [--out FILE] [--format json|csv] [--backend wasm|cpu]

Evaluates a model on the test set of the config's data (an image config: the first
evaluation.count test images of the --data files) under the config's evaluation attack
(Merkli et al.): the 4-way split at eps, and the robustness-indicator selector S (select x iff the
model is robust on B(x, eps)), with its robust selection measured at 2*eps.

  --model DIR          the (robust) model: DIR/model.json + DIR/weights.bin; without it a model
                       is trained from the config first
  --compose-core DIR2  also evaluate the 2-compositional model H = S*F_robust + (1-S)*F_core with
                       the core model in DIR2 (natural and robust accuracy next to its parts)
${RUN_OPTIONS_USAGE}

Without --compose-core the selector is reported with the robust model alone (an abstaining
model: an abstention counts as not correct).`;

export function evaluateCommand(argv: string[]): Promise<number> {
  return runDataCommand(
    {
      name: 'evaluate',
      usage: EVALUATE_USAGE,
      options: { model: { type: 'string' }, 'compose-core': { type: 'string' } },
      extra: (args) => ({ modelDir: stringOption(args, 'model'), coreDir: stringOption(args, 'compose-core') }),
      points: (config, opts, { modelDir, coreDir }) => evaluate2d(config, opts, modelDir, coreDir),
      images: (config, opts, { modelDir, coreDir }) => runEvaluateImages(config, opts, modelDir, coreDir),
    },
    argv,
  );
}

async function evaluate2d(config: ExperimentConfig, opts: RunOptions, modelDir: string | undefined, coreDir: string | undefined): Promise<number> {
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();

  // Load the core model first: a bad folder should fail before any training.
  let core: tf.LayersModel | null = null;
  if (coreDir) {
    const numClasses = DATASET2D_INFO[config.data.kind].numClasses;
    core = (await loadModelDir(coreDir, { inputDim: 2, numClasses, what: `the config's dataset "${config.data.kind}"` })).model;
  }
  let robust: tf.LayersModel | null = null;
  try {
    const obtained = await obtainModel(config, modelDir, signal, 'evaluate');
    robust = obtained.model;
    const { dataset, source, trainMs } = obtained;
    const attack = attackConfigOf(config);
    const { xTest, yTest } = dataset;

    const split: SplitAt<RobustnessSplit> = async (which, scale, label) => {
      try {
        const result = await splitPoints(which === 'core' ? core! : robust!, xTest, yTest, config, { signal, onProgress: attackProgress(label) }, scale);
        status.done();
        return result;
      } catch (e) {
        if (isCancelled(e)) throw new CliError('Cancelled during the evaluation', EXIT.cancelled);
        throw e;
      }
    };
    const te = performance.now();
    const runs = await runSelector(yTest, attack, split, core !== null);
    const evaluateMs = performance.now() - te;
    logSelector(runs, attack.eps);
    const points = {
      x: pointPairs(xTest),
      y: Array.from(yTest),
      predictions: Array.from(runs.atEps.predictions),
      ...selectorColumns(runs),
    };
    return writeOutput(
      {
        command: 'evaluate',
        config,
        backend,
        model: source.kind === 'loaded' ? { source: 'loaded', dir: source.dir } : { source: 'trained', training: source.training },
        coreModel: coreDir ? { source: 'loaded', dir: coreDir } : undefined,
        attack: { ...attack, twoEps: 2 * attack.eps },
        metrics: selectorMetrics(runs),
        points,
        timing: roundTimes({ trainMs, evaluateMs, totalMs: performance.now() - t0 }),
      },
      rowsFromColumns(points),
      opts.format,
      opts.out,
    );
  } finally {
    robust?.dispose();
    core?.dispose();
  }
}
