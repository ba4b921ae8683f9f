/** The worker's abstain-arena request: the arena config in, each family's row as it finishes, the whole result at the end. Plain data only. */
import type { ArenaConfig, ArenaResult, ArenaRow } from '../../src/core/settings';
import type { ProgressFn } from './common';

/** The browser's library in an arena: reuse models trained with exactly a family's settings (on images, on the same records), keep the ones this run trains. */
export interface ArenaLibraryUse {
  reuse: boolean;
  keep: boolean;
}

export interface ArenaWorkerApi {
  /**
   * Runs the arena as job `jobId`: `onRow` gets each family's row as soon as it is done (a
   * cancelled run keeps those), `onStage` what runs now (family and stage, for the job bar). An
   * arena on images ("source": "images") runs on the loaded image data set `datasetId`.
   */
  runArena(jobId: string, config: ArenaConfig, onProgress: ProgressFn, onRow: (row: ArenaRow) => void, onStage: (text: string) => void, datasetId: string | null, library: ArenaLibraryUse): Promise<ArenaResult>;
}
