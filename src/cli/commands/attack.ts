/**
 * `attack CONFIG.json [--model DIR] [--out FILE]`: runs the config's evaluation attack on the
 * test set of the config's data and writes the adversarial points, the predictions before and
 * after, the perturbation norms and the 4-way split. An image config ("kind": "image") attacks
 * the --data test images (./attackImages).
 */
import { type ExperimentConfig, attackConfigOf, isCancelled, splitPoints, rowsFromColumns } from '../../core';
import { RUN_OPTIONS_USAGE, type RunOptions, stringOption } from '../args';
import { runDataCommand } from '../dataCommand';
import { CliError, EXIT } from '../errors';
import { writeOutput } from '../files';
import {
  attackProgress,
  categoryNames,
  f32,
  initBackend,
  interruptSignal,
  obtainModel,
  perturbationNorms,
  perturbationSummary,
  pointPairs,
  roundTimes,
  splitMetrics,
  status,
} from '../session';
import { runAttackImages } from './attackImages';

export const ATTACK_USAGE = `Usage: npm run cli -- attack CONFIG.json [--data FILE ...] [--model DIR] [--out FILE] [--format json|csv] [--backend wasm|cpu]

Runs the config's evaluation attack (evaluation.attack: fgsm, pgd or apgd-ce, l_inf or l_2,
eps) on the test set of the config's data (an image config: the first evaluation.count test
images of the --data files), attacking each input's own prediction.

  --model DIR          the model to attack: DIR/model.json + DIR/weights.bin (from train
                       --save-model or the page); without it a model is trained from the
                       config first. It must take the data's inputs (for images: the same
                       height×width×channels) and give one logit per class
${RUN_OPTIONS_USAGE}

The result has per point: x, y, the adversarial point, the prediction before and after, the
norm of the perturbation, and the 4-way category; per image: index, label, prediction and
confidence before and after, perturbation norm and category (no pixels).`;

export function attackCommand(argv: string[]): Promise<number> {
  return runDataCommand(
    {
      name: 'attack',
      usage: ATTACK_USAGE,
      options: { model: { type: 'string' } },
      extra: (args) => stringOption(args, 'model'),
      points: attack2d,
      images: runAttackImages,
    },
    argv,
  );
}

async function attack2d(config: ExperimentConfig, opts: RunOptions, modelDir: string | undefined): Promise<number> {
  const out = opts.out;
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();
  const { model, dataset, source, trainMs } = await obtainModel(config, modelDir, signal, 'attack');
  try {
    const attack = attackConfigOf(config);
    const ta = performance.now();
    let split;
    try {
      split = await splitPoints(model, dataset.xTest, dataset.yTest, config, {
        signal,
        onProgress: attackProgress(`attack: ${attack.kind} ${attack.norm} eps ${attack.eps}`),
      });
    } catch (e) {
      if (isCancelled(e)) throw new CliError('Cancelled during the attack', EXIT.cancelled);
      throw e;
    }
    status.done();
    const attackMs = performance.now() - ta;
    const norms = perturbationNorms(dataset.xTest, split.adversarial, attack.norm);
    const changed = Array.from(split.predictions, (p, i) => p !== split.adversarialPredictions[i]);
    const nChanged = changed.filter(Boolean).length;
    status.log(
      `attack ${attack.kind} ${attack.norm} eps ${attack.eps}: changed ${nChanged}/${split.n} predictions; ` +
        `robust accuracy ${(100 * split.robustAccuracy).toFixed(1)}% (natural ${(100 * split.naturalAccuracy).toFixed(1)}%)`,
    );
    const points = {
      x: pointPairs(dataset.xTest),
      y: Array.from(dataset.yTest),
      adversarial: pointPairs(split.adversarial),
      predictions: Array.from(split.predictions),
      adversarialPredictions: Array.from(split.adversarialPredictions),
      changed,
      perturbationNorms: norms.map(f32),
      categories: categoryNames(split),
    };
    return writeOutput(
      {
        command: 'attack',
        config,
        backend,
        model: source.kind === 'loaded' ? { source: 'loaded', dir: source.dir } : { source: 'trained', training: source.training },
        attack,
        metrics: {
          ...splitMetrics(split),
          changedPredictions: nChanged,
          perturbation: perturbationSummary(norms, attack.norm, attack.eps),
        },
        points,
        timing: roundTimes({ trainMs, attackMs, totalMs: performance.now() - t0 }),
      },
      rowsFromColumns(points),
      opts.format,
      out,
    );
  } finally {
    model.dispose();
  }
}
