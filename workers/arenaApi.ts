/**
 * The worker's abstain arena (core experiments/arena.ts): the same call as `cli arena` (on 2-D
 * data, or on the image data set loaded in the page), with the page's job id for Cancel, the overall progress with a time-left estimate, and each family's row
 * sent as soon as it is done. The tensor count is unchanged afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { type ArenaControl, type ArenaFamily, type ArenaProgress, type ExperimentConfig, type TrainResult, ARENA_FAMILY_INFO, DATASET2D_INFO, modelFromArtifacts, normaliseArenaConfig, runArena } from '../src/core/index';
import { type KeptModelKey, keptModelMatches } from './arenaKeptModels';
import { type StoredImageDataset, classNamesOf, getImageDataset } from './imageDatasets';
import { saveModelItem } from './libraryApi';
import type { ModelSummary } from './protocol/playground';
import type { ImageModelSummary } from './protocol/images';
import type { ArenaLibraryUse } from './protocol/arena';
import { getPayload, listItems } from './storage';
import { runJob, stagedProgress } from './jobs';
import type { ArenaWorkerApi } from './protocol/arena';

/** Where a stage sits within one family's share of the run (training dominates). */
const STAGE_SPAN: Record<ArenaProgress['stage'], [number, number]> = { train: [0, 0.6], attack: [0.6, 0.85], certify: [0.85, 0.95], grid: [0.95, 1] };

/** What the arena stores with a model: the page's summary, with where it was trained (and on images the records' fingerprint). */
type Kept<S> = S & KeptModelKey & { trainedOn: string };

/** The backend and tfjs version a model trained now is trained on. */
const trainedOnNow = () => `${tf.getBackend()} · tfjs ${tf.version.tfjs}`;

/**
 * The library as the arena uses it: a model an arena kept whose training config is the family's
 * (on images, also trained on the same records: their fingerprint), trained to its last epoch on
 * this backend and tfjs, stands for training it again (the same weights: arenaKeptModels.ts);
 * with `keep`, every model the run trains is saved, named after its family and data, and shows in
 * the Library (and, on images, in the Images view's saved models).
 */
function arenaLibrary(use: ArenaLibraryUse, imageData: StoredImageDataset | undefined): ArenaControl['library'] {
  if (!use.reuse && !use.keep) return undefined;
  return {
    async find(_family, experiment, records) {
      if (!use.reuse) return null;
      const image = 'kind' in experiment;
      const trainedOn = trainedOnNow();
      for (const item of await listItems('models')) {
        if ((item.info.kind === 'image') !== image || item.info.method !== experiment.training.method || item.info.trainedOn !== trainedOn) continue;
        const payload = await getPayload<{ modelJson: unknown; weights: ArrayBuffer; summary: KeptModelKey }>('models', item.id);
        if (!keptModelMatches(payload.summary, experiment, records, trainedOn)) continue;
        return { model: await modelFromArtifacts(payload.modelJson, payload.weights), name: item.name };
      }
      return null;
    },
    keep: use.keep
      ? async (family: ArenaFamily, experiment, records, model: tf.LayersModel, result: TrainResult) => {
          const label = ARENA_FAMILY_INFO[family].label;
          const trainedOn = trainedOnNow();
          if ('kind' in experiment) {
            if (!imageData || !records) return;
            const name = `Arena · ${label} · ${imageData.name}, seed ${experiment.seed}`;
            const inputShape = [...imageData.train.shape];
            const numClasses = imageData.train.numClasses;
            const summary: Kept<ImageModelSummary> = { id: `arena-${family}`, name, source: 'trained', method: experiment.training.method, config: experiment, datasetName: imageData.name, inputShape, numClasses, classNames: classNamesOf(imageData.train), epochsCompleted: result.epochsCompleted, history: result.history, trainingRecords: records, trainedOn };
            await saveModelItem({ model, summary }, 'imageSummary', name, { kind: 'image', method: experiment.training.method, data: imageData.name, epochs: result.epochsCompleted, numClasses, trainedOn });
            return;
          }
          const exp = experiment as ExperimentConfig;
          const name = `Arena · ${label} · ${exp.data.kind}, seed ${exp.seed}`;
          const numClasses = DATASET2D_INFO[exp.data.kind].numClasses;
          const summary: Kept<ModelSummary> = { id: `arena-${family}`, name, method: exp.training.method, config: exp, numClasses, epochsCompleted: result.epochsCompleted, history: result.history, trainedOn };
          await saveModelItem({ model, summary }, 'summary', name, { method: exp.training.method, data: exp.data.kind, epochs: result.epochsCompleted, numClasses, trainedOn });
        }
      : undefined,
  };
}

export const arenaApi: ArenaWorkerApi = {
  async runArena(jobId, rawConfig, onProgress, onRow, onStage, datasetId, library) {
    const config = normaliseArenaConfig(rawConfig);
    if (config.source === 'images' && !datasetId) throw new Error('The arena on images needs a data set: load one in the Images view (or the shipped Fashion-MNIST subset).');
    const images = config.source === 'images' ? getImageDataset(datasetId!) : undefined;
    const progress = stagedProgress(onProgress, [1])(0);
    let lastStage = '';
    return runJob(jobId, (signal) =>
      runArena(config, {
        signal,
        onRow,
        library: arenaLibrary(library, images),
        onProgress: (p) => {
          const [a, b] = STAGE_SPAN[p.stage];
          progress((p.index + a + (b - a) * Math.min(1, Math.max(0, p.fraction))) / p.count);
          const stage = `${p.index + 1} of ${p.count}: ${p.family}, ${p.detail}`;
          if (stage !== lastStage) onStage((lastStage = stage));
        },
      }, images && { train: images.train, test: images.test }),
    );
  },
};
