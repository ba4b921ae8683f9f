/**
 * The worker's abstain arena (core experiments/arena.ts): the same call as `cli arena` (on 2-D
 * data, or on the image data set loaded in the page), with the page's job id for Cancel, the overall progress with a time-left estimate, and each family's row
 * sent as soon as it is done. The tensor count is unchanged afterwards.
 */
import { type ArenaProgress, normaliseArenaConfig, runArena } from '../src/core/index';
import { getImageDataset } from './imageDatasets';
import { runJob, stagedProgress } from './jobs';
import type { ArenaWorkerApi } from './protocol/arena';

/** Where a stage sits within one family's share of the run (training dominates). */
const STAGE_SPAN: Record<ArenaProgress['stage'], [number, number]> = { train: [0, 0.6], attack: [0.6, 0.85], certify: [0.85, 0.95], grid: [0.95, 1] };

export const arenaApi: ArenaWorkerApi = {
  async runArena(jobId, rawConfig, onProgress, onRow, onStage, datasetId) {
    const config = normaliseArenaConfig(rawConfig);
    if (config.source === 'images' && !datasetId) throw new Error('The arena on images needs a data set: load one in the Images view (or the shipped Fashion-MNIST subset).');
    const images = config.source === 'images' ? getImageDataset(datasetId!) : undefined;
    const progress = stagedProgress(onProgress, [1])(0);
    let lastStage = '';
    return runJob(jobId, (signal) =>
      runArena(config, {
        signal,
        onRow,
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
