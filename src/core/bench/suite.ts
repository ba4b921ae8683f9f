/**
 * The benchmark suite of the workbench: the families of cases (one file each in ./cases), in the
 * order the tables list them, and the lookup by id that the page's bench view (workers/bench.ts),
 * `npm run bench` (bench/run.ts) and bench/gpu.ts run them through. What a case is and the
 * helpers the families share are in ./case.ts and ./fixtures.ts, the timing in ./runner.ts.
 */
import type { BenchCase, BenchFamily } from './case';
import { GRID2D_CASES } from './cases/grid2d';
import { IMAGE_CASES } from './cases/image';
import { SMOOTHING_CASES } from './cases/smoothing';
import { VERIFY_CASES } from './cases/verify';
import { ARENA_CASES } from './cases/arena';
import { type BenchOptions, type BenchResult, runCase } from './runner';

export type { BenchCase } from './case';
export type { BenchOptions, BenchProgress, BenchResult } from './runner';
export { formatRate, median } from './runner';
export { BENCH_SPLIT_ATTACK, SPLIT_40K_TARGET_MS } from './cases/grid2d';

/** A case's id, e.g. 'grid-forward' (BENCH_CASES lists them). */
export type BenchCaseId = BenchCase['id'];

const BENCH_FAMILIES: readonly BenchFamily[] = [
  { id: 'grid2d', label: 'Default MLP on 2-D points', cases: GRID2D_CASES },
  { id: 'image', label: 'Default image CNN, 28×28×1', cases: IMAGE_CASES },
  { id: 'smoothing', label: 'Randomized smoothing', cases: SMOOTHING_CASES },
  { id: 'verify', label: 'Verification', cases: VERIFY_CASES },
  { id: 'arena', label: 'Abstain arena', cases: ARENA_CASES },
];

export const BENCH_CASES: readonly BenchCase[] = BENCH_FAMILIES.flatMap((f) => f.cases);

/**
 * The pairs (plain adversarial training, the same with Rectified Rejection) whose epoch times
 * give RR's overhead, (median RR epoch / median plain epoch − 1), against RR_OVERHEAD_TARGET:
 * paper 000 says RR adds little computation, and these pairs check it on this workbench.
 */
export const RR_OVERHEAD_PAIRS: ReadonlyArray<{ plain: BenchCaseId; rr: BenchCaseId }> = BENCH_CASES.filter((c) => c.plainCounterpart).map((c) => ({
  plain: c.plainCounterpart!,
  rr: c.id,
}));

/** The target for RR's extra time per epoch: at most 15% over the plain method. */
export const RR_OVERHEAD_TARGET = 0.15;

/** RR's overhead of a pair, median RR / median plain − 1 (0.1 = 10% extra). */
export function rrOverhead(plainMedianMs: number, rrMedianMs: number): number {
  return rrMedianMs / plainMedianMs - 1;
}

/**
 * Runs the case `id` on the active backend: a warm-up run, then `repeats` timed runs. Throws
 * CancelledError when the signal fires (between runs, or inside a run's own checkpoints).
 */
export function runBenchCase(id: string, options: BenchOptions = {}): Promise<BenchResult> {
  const info = BENCH_CASES.find((c) => c.id === id);
  if (!info) return Promise.reject(new Error(`Unknown benchmark case "${id}" (cases: ${BENCH_CASES.map((c) => c.id).join(', ')})`));
  return runCase(info, options);
}
