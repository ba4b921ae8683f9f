/**
 * The benchmark as the Bench view runs it: with the WASM backend checked where it may use several
 * threads, each case runs on WASM with one thread and with one per core — the thread count the
 * page's worker does not use runs first, in a compute worker of its own (a WASM backend's thread
 * count is fixed when it starts) — then in the page's worker on every backend checked.
 */
import type { BenchRow } from '../../../../workers/protocol';
import { alsoCancel } from '../../state/jobs';
import { extraWorker, proxy, worker } from '../../workerClient';
import { type CorePace, paceAtOnce } from './corePace';

/**
 * The WASM thread counts to time in workers of their own: one thread and one per core (`maxThreads`),
 * less the count the page's worker runs (none when the page is not on WASM).
 */
export function otherWasmThreads(backends: string[], pageBackend: string | null, pageThreads: number, maxThreads: number): number[] {
  if (!backends.includes('wasm')) return [];
  const counts = maxThreads > 1 ? [1, maxThreads] : [1];
  return pageBackend === 'wasm' ? counts.filter((t) => t !== pageThreads) : counts;
}

/** Times each core (corePace.ts) with `workers` workers at once and passes on the result, or why it failed. */
async function checkCores(when: CorePace['when'], workers: number, onPace: (p: CorePace) => void): Promise<void> {
  try {
    onPace({ when, ms: await paceAtOnce(workers) });
  } catch (e) {
    onPace({ when, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Runs the benchmark; with `paceWorkers` above 1, each core's pace is checked before and after the
 * cases (the all-threads times depend on it), and told to `onPace`.
 */
export async function runBench(jobId: string, backends: string[], caseIds: string[], repeats: number, otherThreads: number[], pageBackend: string | null, onRow: (row: BenchRow) => void, paceWorkers = 0, onPace: (p: CorePace) => void = () => {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (paceWorkers > 1) await checkCores('before', paceWorkers, onPace);
  for (const threads of otherThreads) {
    const other = extraWorker(`bench wasm ${threads}`);
    try {
      const info = await other.remote.init('wasm', proxy(() => undefined), threads);
      if (info.backend !== 'wasm' || info.wasmThreads !== threads) throw new Error(`a worker asked for WASM with ${threads} thread(s) started as ${info.backend} with ${info.wasmThreads} (${info.threadsNote ?? info.requestFailed ?? 'no reason given'})`);
      rows.push(...(await alsoCancel(jobId, () => void other.remote.cancel(jobId), () => other.remote.bench(jobId, ['wasm'], caseIds, repeats, onRow))));
    } finally {
      other.end();
    }
  }
  const inPage = pageBackend === 'wasm' ? backends : backends.filter((b) => b !== 'wasm');
  if (inPage.length) rows.push(...(await worker().bench(jobId, inPage, caseIds, repeats, onRow)));
  if (paceWorkers > 1) await checkCores('after', paceWorkers, onPace);
  return rows;
}

/** Per case timed on WASM with one thread and with more: both medians and the speed-up (1 thread / N threads). */
export function threadSpeedups(rows: BenchRow[]): Array<{ caseId: string; label: string; threads: number; oneMs: number; manyMs: number; speedup: number }> {
  const out = [];
  for (const one of rows) {
    if (one.backend !== 'wasm' || one.threads !== 1 || one.medianMs === null) continue;
    const many = rows.find((r) => r.caseId === one.caseId && r.backend === 'wasm' && (r.threads ?? 1) > 1 && r.medianMs !== null);
    if (!many || many.medianMs === null) continue;
    out.push({ caseId: one.caseId, label: one.label, threads: many.threads ?? 1, oneMs: one.medianMs, manyMs: many.medianMs, speedup: one.medianMs / many.medianMs });
  }
  return out;
}
