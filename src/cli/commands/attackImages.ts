/**
 * `attack` on an image config: loads the model (checked against the --data images) or trains one
 * first, attacks the first evaluation.count test images, and writes one record per image: index,
 * label, prediction and confidence before and after, perturbation norm, 4-way category (no
 * pixel arrays), with the split and the perturbation summary.
 */
import type { ImageExperimentConfig } from '../../core';
import type { RunOptions } from '../args';
import { writeOutput } from '../files';
import { describeImageData, loadImageData } from '../imageData';
import { attackTestImages, imageAttackOf, imageRecords, noteAttackCount, obtainImageModel } from '../imageSession';
import { initBackend, interruptSignal, perturbationSummary, roundTimes, splitMetrics, status } from '../session';

export async function runAttackImages(config: ImageExperimentConfig, opts: RunOptions, modelDir: string | undefined): Promise<number> {
  const data = loadImageData(opts.data, config, opts.cifar100Label);
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();
  const { model, source, trainMs } = await obtainImageModel(config, data, modelDir, signal, 'attack');
  try {
    const a = imageAttackOf(config);
    const n = noteAttackCount(config, data);
    const ta = performance.now();
    const result = await attackTestImages(model, data, config, signal, `attack: ${a.kind} ${a.norm} eps ${a.eps} on ${n} test images`);
    const attackMs = performance.now() - ta;
    const s = result.split;
    const images = imageRecords(result);
    const changed = images.filter((r) => r.prediction !== r.adversarialPrediction).length;
    status.log(
      `attack ${a.kind} ${a.norm} eps ${a.eps}: changed ${changed}/${s.n} predictions; ` +
        `robust accuracy ${(100 * s.robustAccuracy).toFixed(1)}% (natural ${(100 * s.naturalAccuracy).toFixed(1)}%)`,
    );
    return writeOutput(
      {
        command: 'attack',
        config,
        backend,
        dataset: describeImageData(data),
        model: source,
        attack: a,
        metrics: {
          ...splitMetrics(s),
          changedPredictions: changed,
          perturbation: perturbationSummary(
            result.examples.map((e) => e.perturbationNorm),
            a.norm,
            a.eps,
          ),
        },
        images,
        timing: roundTimes({ trainMs, attackMs, totalMs: performance.now() - t0 }),
      },
      images,
      opts.format,
      opts.out,
    );
  } finally {
    model.dispose();
  }
}
