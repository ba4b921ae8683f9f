/**
 * What every part of the worker protocol shares: the backend report, events outside any job,
 * progress callbacks and which model (with its data) a request is about. Plain data only: the
 * page and the worker both import these types, and nothing here imports the worker's code.
 */

export interface BackendInfo {
  backend: string;
  attempts: Array<{ name: string; ok: boolean; error?: string }>;
  /** Set when ?backend=NAME could not be used. */
  requestFailed?: string;
  /** How many threads the WASM backend computes on (1 on the other backends). */
  wasmThreads: number;
  /** On wasm, why it runs on one thread (null when it may use every core). */
  threadsNote: string | null;
  /** The most threads WASM could use in this page: one per core (at most 8), or 1 where threads cannot run. */
  maxThreads: number;
}

/**
 * Events the worker pushes outside of any job: the GPU device was lost, or WASM's thread count fell
 * (the heap helper, the second of two threads, was given up: `wasmThreads` and `threadsNote` replace
 * the backend report's).
 */
export type WorkerEvent = { kind: 'device-lost'; message: string } | { kind: 'threads'; message: string; wasmThreads: number; threadsNote: string };

export type ProgressFn = (fraction: number, etaMs: number | null) => void;

/** A model kept in the worker with its data: a 2-D playground model, or an image model with the loaded image dataset. */
export type ModelSource = { kind: '2d'; modelId: string } | { kind: 'image'; modelId: string; datasetId: string };

/** What the worker does outside any one view: start, cancel a job, report its tensor memory. */
export interface CommonWorkerApi {
  /** `threads`: the WASM backend's thread count (null: one per core, where the page may use threads). */
  init(requestedBackend: string | null, onEvent: (e: WorkerEvent) => void, threads?: number | null): Promise<BackendInfo>;
  /**
   * What the page may choose among by measurement: each backend that would not run on a software
   * rasteriser (cpu never wins), WASM with one thread and, where it may, with one per core but one
   * (the main thread keeps a core for drawing; at most 8).
   */
  backendCandidates(): Promise<Array<{ backend: string; threads: number }>>;
  cancel(jobId: string): void;
  memory(): { numTensors: number; numBytes: number };
}
