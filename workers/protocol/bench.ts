/** The worker's bench requests: time the benchmark cases per backend, and check the noise generator per backend. */
import type { NoiseCheckResult } from '../../src/core/noise/noiseCheck';
import type { CalibrationTimes } from '../../src/core/bench/calibration';

export interface BenchRow {
  caseId: string;
  label: string;
  backend: string;
  /** The WASM backend's thread count (null on the other backends). */
  threads: number | null;
  medianMs: number | null;
  runsMs: number[];
  /** When each run started (ms since the epoch, comparable across workers). */
  runsAt?: number[];
  throughput: string;
  error?: string;
}

/** One backend's row of the noise generator check: the result, or why the backend could not run it. */
export type NoiseCheckRow = NoiseCheckResult | { backend: string; error: string };

export interface BenchWorkerApi {
  /** Times the page's representative job (an MLP PGD step, a CNN forward pass) on the active backend. */
  calibrate(): Promise<CalibrationTimes>;
  benchCases(): Array<{ id: string; label: string; description: string }>;
  /** `turn`, when given, is awaited before each case's set-up, warm-up and timed run (core/bench/runner.ts BenchOptions.turn). */
  bench(jobId: string, backends: string[], caseIds: string[], repeats: number, onRow: (row: BenchRow) => void, turn?: () => Promise<void>): Promise<BenchRow[]>;
  /** Draws `draws` normals with gaussianNoise on each backend; statistics and the difference to the JavaScript reference. */
  noiseCheck(jobId: string, backends: string[], draws: number, onRow: (row: NoiseCheckRow) => void): Promise<NoiseCheckRow[]>;
}
