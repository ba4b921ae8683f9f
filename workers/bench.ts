/**
 * The page's bench view: runs the benchmark cases of src/core/bench/suite.ts on each requested
 * backend in turn and restores the backend the page was using; and the noise generator check
 * (src/core/noise/noiseCheck.ts) on each backend the browser has, since certification trusts
 * whichever backend draws its noise.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BENCH_CASES, runBenchCase } from '../src/core/bench/suite';
import { CancelledError, activateBackend } from '../src/core/index';
import { runNoiseCheck } from '../src/core/noise/noiseCheck';
import { calibrate } from '../src/core/bench/calibration';
import { runJob } from './jobs';
import { computeThreads } from '../src/core/heapLanes';
import { heapHelperStarted } from '../src/core/heapHelperStart';
import type { BenchRow, NoiseCheckRow } from './protocol/bench';

export const benchApi = {
  calibrate: () => calibrate(),
  benchCases: () => BENCH_CASES.map(({ id, label, description }) => ({ id, label, description })),
  async bench(jobId: string, backends: string[], caseIds: string[], repeats: number, onRow: (row: BenchRow) => void, turn?: () => Promise<void>): Promise<BenchRow[]> {
    const original = tf.getBackend();
    return runJob(jobId, async (signal) => {
      const rows: BenchRow[] = [];
      try {
        for (const backend of backends) {
          const ok = (await activateBackend(backend)).ok;
          // Nothing is timed before the heap helper runs (on two threads it is the second).
          if (ok) await heapHelperStarted();
          const threads = ok && backend === 'wasm' ? computeThreads(getThreadsCount()) : null;
          // The heap helper (on two threads, the second) may be given up mid-run: times from then on are not the count's.
          const threadsFell = () => threads !== null && computeThreads(getThreadsCount()) < threads;
          const fellNote = `the second thread (a helper worker) was given up, so these times are not ${threads} threads'; reload the page to time them again`;
          for (const caseId of caseIds) {
            const label = BENCH_CASES.find((c) => c.id === caseId)?.label ?? caseId;
            let row: BenchRow;
            if (!ok) {
              row = { caseId, label, backend, threads, medianMs: null, runsMs: [], throughput: '', error: 'backend unavailable' };
            } else if (threadsFell()) {
              row = { caseId, label, backend, threads, medianMs: null, runsMs: [], throughput: '', error: fellNote };
            } else {
              try {
                const r = await runBenchCase(caseId, { repeats, signal, turn });
                row = threadsFell()
                  ? { caseId, label: r.label, backend, threads, medianMs: null, runsMs: r.runsMs, runsAt: r.runsAt, throughput: '', error: fellNote }
                  : { caseId, label: r.label, backend, threads, medianMs: r.medianMs, runsMs: r.runsMs, runsAt: r.runsAt, throughput: r.throughput };
              } catch (e) {
                if (signal.aborted) throw e;
                row = { caseId, label, backend, threads, medianMs: null, runsMs: [], throughput: '', error: e instanceof Error ? e.message : String(e) };
              }
            }
            rows.push(row);
            onRow(row);
          }
        }
        return rows;
      } finally {
        await activateBackend(original);
      }
    });
  },
  async noiseCheck(jobId: string, backends: string[], draws: number, onRow: (row: NoiseCheckRow) => void): Promise<NoiseCheckRow[]> {
    const original = tf.getBackend();
    return runJob(jobId, async (signal) => {
      const rows: NoiseCheckRow[] = [];
      try {
        for (const backend of backends) {
          if (signal.aborted) throw new CancelledError();
          const attempt = await activateBackend(backend);
          let row: NoiseCheckRow;
          if (!attempt.ok) row = { backend, error: `not available in this browser (${attempt.error})` };
          else {
            try {
              row = await runNoiseCheck(draws);
            } catch (e) {
              row = { backend, error: e instanceof Error ? e.message : String(e) };
            }
          }
          rows.push(row);
          onRow(row);
        }
        return rows;
      } finally {
        await activateBackend(original);
      }
    });
  },
};
