/**
 * `evaluate` on an image config: the split of the robust model at eps, the robustness-indicator
 * selector at 2·eps, and with --compose-core the 2-compositional model, on the first
 * evaluation.count test images of the --data files (see ./evaluate and ../selector).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageAttackResult, ImageExperimentConfig } from '../../core';
import type { RunOptions } from '../args';
import { writeOutput } from '../files';
import { describeImageData, loadImageData } from '../imageData';
import { attackTestImages, imageAttackOf, loadImageModel, noteAttackCount, obtainImageModel } from '../imageSession';
import { type SplitAt, logSelector, runSelector, selectorColumns, selectorMetrics } from '../selector';
import { initBackend, interruptSignal, roundTimes } from '../session';

export async function runEvaluateImages(config: ImageExperimentConfig, opts: RunOptions, modelDir: string | undefined, coreDir: string | undefined): Promise<number> {
  const data = loadImageData(opts.data, config, opts.cifar100Label);
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();

  // Load the core model first: a bad folder should fail before any training.
  const core: tf.LayersModel | null = coreDir ? await loadImageModel(coreDir, data) : null;
  let robust: tf.LayersModel | null = null;
  try {
    const obtained = await obtainImageModel(config, data, modelDir, signal, 'evaluate');
    robust = obtained.model;
    const n = noteAttackCount(config, data);
    const labels = data.test.labels.subarray(0, n);
    const a = config.evaluation.attack;
    const split: SplitAt<ImageAttackResult['split']> = async (which, epsScale, label) =>
      (await attackTestImages(which === 'core' ? core! : robust!, data, config, signal, label, { epsScale, records: false })).split;
    const te = performance.now();
    const runs = await runSelector(labels, a, split, core !== null);
    const evaluateMs = performance.now() - te;
    logSelector(runs, a.eps);

    const c = selectorColumns(runs);
    const images = Array.from(labels, (label, i) => ({
      index: i,
      label,
      prediction: runs.atEps.predictions[i],
      categoryAtEps: c.categoriesAtEps[i],
      categoryAtTwoEps: c.categoriesAtTwoEps[i],
      selected: c.selected[i],
      robustlySelected: c.robustlySelected[i],
      corePrediction: c.corePredictions?.[i],
      compositionPrediction: c.compositionPredictions?.[i],
    }));
    return writeOutput(
      {
        command: 'evaluate',
        config,
        backend,
        dataset: describeImageData(data),
        model: obtained.source,
        coreModel: coreDir ? { source: 'loaded', dir: coreDir } : undefined,
        attack: { ...imageAttackOf(config), twoEps: 2 * a.eps },
        metrics: selectorMetrics(runs),
        images,
        timing: roundTimes({ trainMs: obtained.trainMs, evaluateMs, totalMs: performance.now() - t0 }),
      },
      images,
      opts.format,
      opts.out,
    );
  } finally {
    robust?.dispose();
    core?.dispose();
  }
}
