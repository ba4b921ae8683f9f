/** The worker's bench requests: time the benchmark cases per backend, and check the noise generator per backend. */
import type { NoiseCheckResult } from '../../src/core/noise/noiseCheck';

export interface BenchRow {
  caseId: string;
  label: string;
  backend: string;
  medianMs: number | null;
  runsMs: number[];
  throughput: string;
  error?: string;
}

/** One backend's row of the noise generator check: the result, or why the backend could not run it. */
export type NoiseCheckRow = NoiseCheckResult | { backend: string; error: string };

export interface BenchWorkerApi {
  benchCases(): Array<{ id: string; label: string; description: string }>;
  bench(jobId: string, backends: string[], caseIds: string[], repeats: number, onRow: (row: BenchRow) => void): Promise<BenchRow[]>;
  /** Draws `draws` normals with gaussianNoise on each backend; statistics and the difference to the JavaScript reference. */
  noiseCheck(jobId: string, backends: string[], draws: number, onRow: (row: NoiseCheckRow) => void): Promise<NoiseCheckRow[]>;
}
