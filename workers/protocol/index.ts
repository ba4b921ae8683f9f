/**
 * The messages between the page and the compute worker: JSON-serialisable requests in, plain
 * data (typed arrays, numbers, strings) out. No tensor ever crosses this boundary. One file per
 * area of the API; this one combines them into the WorkerApi the worker exposes through comlink.
 * These files import nothing from the worker's code, so both sides can import them.
 */
import type { CommonWorkerApi } from './common';
import type { PlaygroundWorkerApi } from './playground';
import type { ImagesWorkerApi } from './images';
import type { BenchWorkerApi } from './bench';
import type { LibraryWorkerApi } from './library';
import type { SmoothingWorkerApi } from './smoothing';
import type { NoiseRejectionWorkerApi } from './noiseRejection';
import type { RconRejectionWorkerApi } from './rconRejection';
import type { VerifyWorkerApi } from './verify';
import type { ArenaWorkerApi } from './arena';

export type * from './common';
export type * from './playground';
export type * from './images';
export type * from './bench';
export type * from './library';
export type * from './smoothing';
export type * from './noiseRejection';
export type * from './rconRejection';
export type * from './verify';
export type * from './arena';
export * from './modelKey';

export interface WorkerApi
  extends CommonWorkerApi,
    PlaygroundWorkerApi,
    ImagesWorkerApi,
    BenchWorkerApi,
    LibraryWorkerApi,
    SmoothingWorkerApi,
    NoiseRejectionWorkerApi,
    RconRejectionWorkerApi,
    VerifyWorkerApi,
    ArenaWorkerApi {}
