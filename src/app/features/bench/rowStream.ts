/** Rows a bench job streams back one at a time, shared by the benchmark and the noise generator check. */
import { useState } from 'react';
import { withJob } from '../../state/jobs';
import { proxy } from '../../workerClient';

/** The backends the bench view tries, in the worker's order of preference. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The rows of the last run, and `run`, which clears them and starts a job whose worker call
 * (`start`, given the job id and a row callback) streams `total` rows; each row moves the
 * job's progress on, with `detail(row)` as its text.
 */
export function useRowStream<R>() {
  const [rows, setRows] = useState<R[]>([]);
  const run = async (kind: string, label: string, total: number, detail: (row: R) => string, start: (jobId: string, onRow: (row: R) => void) => Promise<R[]>) => {
    setRows([]);
    await withJob(kind, label, async (jobId, progress) => {
      let n = 0;
      return start(
        jobId,
        proxy((row: R) => {
          n += 1;
          setRows((r) => [...r, row]);
          progress(n / total, null, detail(row));
        }),
      );
    });
  };
  return [rows, run] as const;
}
