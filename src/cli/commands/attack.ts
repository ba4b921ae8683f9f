/**
 * `attack CONFIG.json [--model DIR] [--out FILE]`: runs the config's evaluation attack on the
 * test set of the config's data and writes the adversarial points, the predictions before and
 * after, the perturbation norms and the 4-way split.
 */
import { attackConfigOf, isCancelled, splitPoints } from '../../core';
import { backendOption, configPath, parseCommandArgs, stringOption } from '../args';
import { CliError, EXIT } from '../errors';
import { readExperimentConfig, writeResult } from '../files';
import {
  attackProgress,
  categoryNames,
  f32,
  initBackend,
  interruptSignal,
  obtainModel,
  perturbationNorms,
  pointPairs,
  roundTimes,
  splitMetrics,
  status,
} from '../session';

export const ATTACK_USAGE = `Usage: npm run cli -- attack CONFIG.json [--model DIR] [--out FILE] [--backend wasm|cpu]

Runs the config's evaluation attack (evaluation.attack: fgsm, pgd or apgd-ce, l_inf or l_2,
eps) on the test set of the config's data, attacking each point's own prediction.

  --model DIR     the model to attack: DIR/model.json + DIR/weights.bin (from train --save-model
                  or the page); without it a model is trained from the config first
  --out FILE      write the result JSON there (default: print it to stdout)
  --backend NAME  wasm (default) or cpu

The result has per point: x, y, the adversarial point, the prediction before and after, the
norm of the perturbation, and the 4-way category.`;

export async function attackCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('attack', argv, { out: { type: 'string' }, model: { type: 'string' } });
  if (args.values.help) {
    process.stdout.write(ATTACK_USAGE + '\n');
    return EXIT.ok;
  }
  const path = configPath('attack', args);
  const out = stringOption(args, 'out');
  const modelDir = stringOption(args, 'model');
  const config = readExperimentConfig(path);
  const backend = await initBackend(backendOption(args));
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
    const maxNorm = norms.reduce((m, v) => Math.max(m, v), 0);
    const meanNorm = norms.length ? norms.reduce((s, v) => s + v, 0) / norms.length : NaN;
    const changed = Array.from(split.predictions, (p, i) => p !== split.adversarialPredictions[i]);
    const nChanged = changed.filter(Boolean).length;
    status.log(
      `attack ${attack.kind} ${attack.norm} eps ${attack.eps}: changed ${nChanged}/${split.n} predictions; ` +
        `robust accuracy ${(100 * split.robustAccuracy).toFixed(1)}% (natural ${(100 * split.naturalAccuracy).toFixed(1)}%)`,
    );
    writeResult(
      {
        command: 'attack',
        config,
        backend,
        model: source.kind === 'loaded' ? { source: 'loaded', dir: source.dir } : { source: 'trained', training: source.training },
        attack,
        metrics: {
          ...splitMetrics(split),
          changedPredictions: nChanged,
          perturbation: {
            norm: attack.norm,
            eps: attack.eps,
            max: maxNorm,
            mean: meanNorm,
            // float32 rounding of x + delta can exceed eps by a few ulps
            withinEps: maxNorm <= attack.eps * (1 + 1e-5) + 1e-6,
          },
        },
        points: {
          x: pointPairs(dataset.xTest),
          y: Array.from(dataset.yTest),
          adversarial: pointPairs(split.adversarial),
          predictions: Array.from(split.predictions),
          adversarialPredictions: Array.from(split.adversarialPredictions),
          changed,
          perturbationNorms: norms.map(f32),
          categories: categoryNames(split),
        },
        timing: roundTimes({ trainMs, attackMs, totalMs: performance.now() - t0 }),
      },
      out,
    );
    if (out) status.log(`wrote ${out}`);
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
