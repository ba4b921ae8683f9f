/**
 * The benchmark as the Bench view runs it: with the WASM backend checked where it may use several
 * threads, each case runs on WASM with one thread and with one per core, the thread count the
 * page's worker does not use in a compute worker of its own (a WASM backend's thread count is
 * fixed when it starts), their runs alternating; then the other backends checked, in the page's
 * worker.
 */
import type { BenchRow } from '../../../../workers/protocol';
import { alsoCancel } from '../../state/jobs';
import { extraWorker, proxy, worker } from '../../workerClient';
import { type CorePace, paceAtOnce } from './corePace';
import { Turns } from './turns';

/**
 * The WASM thread counts to time in workers of their own: one thread and one per core (`maxThreads`),
 * less the count the page's worker runs (none when the page is not on WASM).
 */
export function otherWasmThreads(backends: string[], pageBackend: string | null, pageThreads: number, maxThreads: number): number[] {
  if (!backends.includes('wasm')) return [];
  const counts = maxThreads > 1 ? [1, maxThreads] : [1];
  return pageBackend === 'wasm' ? counts.filter((t) => t !== pageThreads) : counts;
}

/** Times one worker alone, then each core (corePace.ts) with `workers` workers at once, and passes on the result, or why it failed. */
async function checkCores(when: CorePace['when'], workers: number, onPace: (p: CorePace) => void): Promise<void> {
  try {
    const [aloneMs] = await paceAtOnce(1);
    onPace({ when, aloneMs, ms: await paceAtOnce(workers) });
  } catch (e) {
    onPace({ when, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Runs the benchmark; with `paceWorkers` above 1, each core's pace is checked before and after the
 * cases (the all-threads times depend on it), and told to `onPace`. The WASM thread counts run at
 * the same time, taking turns run by run (turns.ts): the counts the page's worker does not use in
 * workers of their own, and the page's worker itself when it is on WASM. Other backends run in
 * the page's worker after them.
 */
export async function runBench(jobId: string, backends: string[], caseIds: string[], repeats: number, otherThreads: number[], pageBackend: string | null, onRow: (row: BenchRow) => void, paceWorkers = 0, onPace: (p: CorePace) => void = () => {}): Promise<BenchRow[]> {
  if (paceWorkers > 1) await checkCores('before', paceWorkers, onPace);
  const inPage = pageBackend === 'wasm' ? backends : backends.filter((b) => b !== 'wasm');
  const pageTakesTurns = pageBackend === 'wasm' && otherThreads.length > 0 && inPage.length > 0;
  const parties = otherThreads.length + (pageTakesTurns ? 1 : 0);
  const turns = parties > 1 ? new Turns(parties) : null;
  const turnOf = (p: number) => (turns ? proxy(() => turns.turn(p)) : undefined);
  const others = otherThreads.map((threads) => extraWorker(`bench wasm ${threads}`));
  const parts: Array<Promise<BenchRow[]>> = [];
  try {
    otherThreads.forEach((threads, p) => {
      const other = others[p];
      parts.push(
        (async () => {
          try {
            const info = await other.remote.init('wasm', proxy(() => undefined), threads);
            if (info.backend !== 'wasm' || info.wasmThreads !== threads) throw new Error(`a worker asked for WASM with ${threads} thread(s) started as ${info.backend} with ${info.wasmThreads} (${info.threadsNote ?? info.requestFailed ?? 'no reason given'})`);
            return await other.remote.bench(jobId, ['wasm'], caseIds, repeats, onRow, turnOf(p));
          } finally {
            turns?.done(p);
          }
        })(),
      );
    });
    if (pageTakesTurns) {
      const p = parties - 1;
      parts.push(worker().bench(jobId, inPage, caseIds, repeats, onRow, turnOf(p)).finally(() => turns?.done(p)));
    }
    const settled = await alsoCancel(jobId, () => others.forEach((o) => void o.remote.cancel(jobId)), () => Promise.allSettled(parts));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const rows = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    if (!pageTakesTurns && inPage.length) rows.push(...(await worker().bench(jobId, inPage, caseIds, repeats, onRow)));
    if (paceWorkers > 1) await checkCores('after', paceWorkers, onPace);
    return rows;
  } finally {
    others.forEach((o) => o.end());
  }
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
