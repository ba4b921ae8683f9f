/**
 * Whether a machine's cores keep the same pace. On the shared virtual machines the benchmarks ran
 * on, one of two cores at times ran fixed loops 1.6–2× slower than the other, for minutes
 * (the host gave its time, or its core's other hyperthread, to another guest); laptops mix fast and efficient cores. A job split over
 * threads then waits for the slowest, so a figure on several threads measures the cores as much as
 * the code. The same loop is timed on each core in Node (bench/corePace.ts, pinned with taskset)
 * and in the page (one worker per core, all at once, since a page cannot pin a thread).
 */

/**
 * Milliseconds of two fixed loops, one of integer arithmetic and one of floating-point
 * multiply-adds (about 60 ms each on these machines): the same instructions on every core. A core
 * the host takes away slows both; one whose other half (the host's hyperthread) runs another
 * guest's arithmetic slowed only the floating-point loop, by 1.7–2×, and the workbench's kernels
 * are floating-point.
 */
export function spinLoopMs(): number {
  const t = performance.now();
  let s = 0;
  for (let i = 0; i < 3e6; i++) s = (s + i * i) % 1000003;
  const f = new Float64Array(8).fill(1.0001);
  for (let i = 0; i < 9e7; i++) f[i & 7] = f[i & 7] * 1.0000001 + 1e-9;
  // `s` and `f` are read so that no engine drops the loops.
  return performance.now() - t + s * 0 + f[0] * 0;
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

/**
 * How much slower the slowest of paces taken at once was than one taken alone (`aloneMs`), where
 * that is over UNEVEN; null otherwise or for unusable times. Workers that all slow alike look even
 * to `unevenPace`: this catches cores shared with other work (another program, the host of a
 * virtual machine) as a whole.
 */
export function crowdedPace(aloneMs: number, pace: readonly number[]): { ratio: number } | null {
  if (!(Number.isFinite(aloneMs) && aloneMs > 0) || pace.length === 0 || !pace.every((ms) => Number.isFinite(ms) && ms > 0)) return null;
  const ratio = Math.max(...pace) / aloneMs;
  return ratio > UNEVEN ? { ratio } : null;
}
