/**
 * Each core's pace as the page can see it: a page cannot pin a thread, so `count` workers (one per
 * core) time the same fixed loops at once, and how far apart they end says how unevenly the system
 * shares its cores among busy threads, which is what a job split over threads meets; one worker
 * alone first gives the pace they are held to, so that cores slowed alike show too. The loop runs
 * in the workers; this thread only starts them and collects their answers.
 */
import { crowdedPace, unevenPace } from '../../../core/bench/corePace';

/** Milliseconds of the loop in each of `count` workers running at once; rejects on a worker that fails or does not answer in `timeoutMs`. */
export function paceAtOnce(count: number, timeoutMs = 20_000): Promise<number[]> {
  const workers = Array.from({ length: count }, (_, i) => new Worker(new URL('../../../../workers/corePace.worker.ts', import.meta.url), { type: 'module', name: `core pace ${i + 1}` }));
  const end = () => workers.forEach((w) => w.terminate());
  return new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the core check's workers did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      end();
      reject(e);
    };
    let loaded = 0;
    const pace: number[] = new Array<number>(count).fill(NaN);
    let answered = 0;
    workers.forEach((w, i) => {
      w.onerror = (e) => fail(new Error(`a core check worker failed to run: ${e.message || 'it did not load'}`));
      w.onmessage = (e: MessageEvent<number | 'loaded'>) => {
        if (e.data === 'loaded') {
          // All at once, so that each meets the others as a split job's threads meet each other.
          if (++loaded === count) workers.forEach((x) => x.postMessage('go'));
          return;
        }
        pace[i] = Math.round(e.data * 10) / 10;
        if (++answered === count) {
          clearTimeout(timer);
          end();
          resolve(pace);
        }
      };
    });
  });
}

/**
 * The cores' pace before or after a benchmark's cases: one worker's time alone, then each
 * worker's time all at once; or why the check failed.
 */
export type CorePace = { when: 'before' | 'after'; aloneMs: number; ms: number[] } | { when: 'before' | 'after'; error: string };

/** Whether a check found the cores uneven or crowded (the page marks the line as a warning). */
export function paceWarns(p: CorePace): boolean {
  return 'error' in p || unevenPace(p.ms) !== null || crowdedPace(p.aloneMs, p.ms) !== null;
}

/** The page's line on one check: the times, whether they are even, and whether they kept the pace of one worker alone. */
export function paceLine(p: CorePace): string {
  const when = p.when === 'before' ? 'Before the cases' : 'After the cases';
  if ('error' in p) return `${when}: the core check failed (${p.error}).`;
  const times = p.ms.map((ms) => `${ms.toFixed(0)} ms`).join(', ');
  const head = `${when}: one worker alone ran the loops in ${p.aloneMs.toFixed(0)} ms; ${p.ms.length} at once took ${times}`;
  const uneven = unevenPace(p.ms);
  const crowded = crowdedPace(p.aloneMs, p.ms);
  const measures = 'and the all-threads times measure that too.';
  if (uneven) return `${head}: one ran them ${uneven.ratio.toFixed(2)}× slower than another, so a core was shared (another program, the host of a virtual machine, or a mix of fast and efficient cores), ${measures}`;
  if (crowded) return `${head}: even among themselves, but the slowest took ${crowded.ratio.toFixed(2)}× as long as the one alone, so the cores were shared with other work (another program, or the host of a virtual machine), ${measures}`;
  return `${head}, within 1.25× of each other and of the one alone.`;
}
