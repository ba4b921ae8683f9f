/**
 * `train` on an image config: reads the --data files, trains the config's CNN or MLP on the
 * selected training records, saves it with --save-model (the image config in model.json's
 * userDefinedMetadata), and attacks the first evaluation.count test images: the 4-way split and
 * one record per attacked image.
 */
import type { ImageExperimentConfig } from '../../core';
import type { RunOptions } from '../args';
import { EXIT } from '../errors';
import { saveModelDir, writeOutput } from '../files';
import { describeImageData, loadImageData } from '../imageData';
import { attackTestImages, imageAttackOf, imageModelMetadata, imageRecords, noteAttackCount, trainOnImages } from '../imageSession';
import { initBackend, interruptSignal, roundTimes, splitMetrics, status, trainingSummary } from '../session';
import { openTrainCheckpoint, trainCheckpointPath } from '../trainCheckpointFile';

/** The train command's own flags. */
export interface TrainFlags {
  saveDir: string | undefined;
  resume: boolean;
}

export function describeImageModel(config: ImageExperimentConfig): string {
  const m = config.model;
  const blocks = `${m.convLayers} conv block${m.convLayers === 1 ? '' : 's'}`;
  const body = m.kind === 'cnn' ? `CNN (${blocks}, ${m.filters} filters, dense ${m.dense})` : `MLP (depth ${m.depth}, width ${m.width})`;
  return `${body}${m.normalize ? ' with Normalize' : ''}`;
}

export async function runTrainImages(config: ImageExperimentConfig, opts: RunOptions, { saveDir, resume }: TrainFlags): Promise<number> {
  const checkpoints = openTrainCheckpoint(opts.out, config, resume);
  const data = loadImageData(opts.data, config, opts.cifar100Label);
  const backend = await initBackend(opts.backend);
  const signal = interruptSignal();
  const t0 = performance.now();
  const t = config.training;
  status.log(
    `train: ${t.method}, ${describeImageModel(config)} on ${data.train.labels.length} ${data.train.shape.join('×')} images ` +
      `(${data.test.labels.length} test, ${data.train.numClasses} classes), ${t.epochs} epoch${t.epochs === 1 ? '' : 's'}, backend ${backend}`,
  );
  if (checkpoints.from) status.log(`--resume: ${checkpoints.from.epochs} of ${t.epochs} epochs kept from ${trainCheckpointPath(opts.out!)}`);
  const { model, result, trainMs } = await trainOnImages(config, data, signal, checkpoints);
  try {
    status.log(`training ${result.status}: ${result.message}`);
    const saved = Boolean(saveDir && result.epochsCompleted > 0);
    let saveMs = 0;
    if (saved) {
      const ts = performance.now();
      await saveModelDir(model, saveDir!, imageModelMetadata(config, data, result));
      saveMs = performance.now() - ts;
      status.log(`saved the model to ${saveDir}/model.json + weights.bin`);
    } else if (saveDir) {
      status.log('not saving the model: no epoch completed');
    }

    const base = { command: 'train', config, backend, dataset: describeImageData(data), training: trainingSummary(result) };
    if (result.status === 'cancelled') {
      writeOutput({ ...base, metrics: null, images: null, timing: roundTimes({ trainMs, saveMs, totalMs: performance.now() - t0 }) }, [], opts.format, opts.out);
      return EXIT.cancelled;
    }

    const a = config.evaluation.attack;
    const n = noteAttackCount(config, data);
    const te = performance.now();
    const attack = await attackTestImages(model, data, config, signal, `evaluating: ${a.kind} ${a.norm} eps ${a.eps} on ${n} test images`);
    const evaluateMs = performance.now() - te;
    const s = attack.split;
    status.log(
      `test images (${s.n}): natural accuracy ${(100 * s.naturalAccuracy).toFixed(1)}%, robust accuracy ${(100 * s.robustAccuracy).toFixed(1)}%, ` +
        `robust inaccuracy ${(100 * s.robustInaccuracy).toFixed(1)}% (${a.kind} ${a.norm} eps ${a.eps})`,
    );
    const images = imageRecords(attack);
    writeOutput(
      {
        ...base,
        attack: imageAttackOf(config),
        metrics: splitMetrics(s),
        images,
        savedModel: saved ? saveDir : undefined,
        timing: roundTimes({ trainMs, evaluateMs, saveMs, totalMs: performance.now() - t0 }),
      },
      images,
      opts.format,
      opts.out,
    );
    checkpoints.finish();
    return result.status === 'diverged' ? EXIT.diverged : EXIT.ok;
  } finally {
    model.dispose();
  }
}
