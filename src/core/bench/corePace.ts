/**
 * Whether a machine's cores keep the same pace. On the shared virtual machines the benchmarks ran
 * on, one of two cores at times ran a fixed scalar loop 1.6–2× slower than the other, for minutes
 * (the host gave its time to another guest); laptops mix fast and efficient cores. A job split over
 * threads then waits for the slowest, so a figure on several threads measures the cores as much as
 * the code. The same loop is timed on each core in Node (bench/corePace.ts, pinned with taskset)
 * and in the page (one worker per core, all at once, since a page cannot pin a thread).
 */

/** Milliseconds of a fixed scalar loop (about 80–160 ms on these machines): the same instructions on every core. */
export function spinLoopMs(): number {
  let s = 0;
  const t = performance.now();
  for (let i = 0; i < 3e6; i++) s = (s + i * i) % 1000003;
  // `s` is read so that no engine drops the loop.
  return performance.now() - t + s * 0;
}

/** Above this ratio of the slowest core's time to the fastest's, the cores are said to be uneven. */
export const UNEVEN = 1.25;

/** The slowest and the fastest of paces (ms), and their ratio; null when they are within UNEVEN or not all finite and positive. */
export function unevenPace(pace: readonly number[]): { slow: number; fast: number; ratio: number } | null {
  if (pace.length < 2 || !pace.every((ms) => Number.isFinite(ms) && ms > 0)) return null;
  const slow = pace.indexOf(Math.max(...pace));
  const fast = pace.indexOf(Math.min(...pace));
  const ratio = pace[slow] / pace[fast];
  return ratio > UNEVEN ? { slow, fast, ratio } : null;
}
