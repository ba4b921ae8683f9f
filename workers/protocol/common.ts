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
  /** Whether the WASM backend runs multi-threaded (needs cross-origin isolation). */
  wasmThreads: boolean;
}

/** Events the worker pushes outside of any job (e.g. the GPU device was lost). */
export interface WorkerEvent {
  kind: 'device-lost';
  message: string;
}

export type ProgressFn = (fraction: number, etaMs: number | null) => void;

/** A model kept in the worker with its data: a 2-D playground model, or an image model with the loaded image dataset. */
export type ModelSource = { kind: '2d'; modelId: string } | { kind: 'image'; modelId: string; datasetId: string };

/** What the worker does outside any one view: start, cancel a job, report its tensor memory. */
export interface CommonWorkerApi {
  init(requestedBackend: string | null, onEvent: (e: WorkerEvent) => void): Promise<BackendInfo>;
  cancel(jobId: string): void;
  memory(): { numTensors: number; numBytes: number };
}
