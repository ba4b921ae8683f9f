/**
 * How the heap helper's jobs of several calls travel in its control block (heapLanes.ts) as plain
 * numbers: a sequence (a list of calls, run in order) and a job in blocks of rows (calls whose
 * arguments are affine in the block's first and end row, which each thread instantiates for the
 * blocks it takes).
 */
import type { HeapCall, HeapSimd, RowCall } from './heapSimdKernels';

/** The kernels a sequence may call, by index in its encoding. */
const SEQUENCE_KERNELS: readonly HeapCall['kernel'][] = ['gemm', 'reluMask', 'reluBox', 'softmaxMinusOneHot'];

/** A sequence as the control block carries it: the count, then each call's kernel index, argument count and arguments. */
export function encodeSequence(calls: readonly HeapCall[]): number[] {
  return [calls.length, ...calls.flatMap((c) => [SEQUENCE_KERNELS.indexOf(c.kernel), c.args.length, ...c.args])];
}

/** Runs an encoded sequence's calls in order. */
export function runSequence(kernels: HeapSimd, encoded: ArrayLike<number>): void {
  let at = 1;
  for (let c = 0; c < encoded[0]; c++) {
    const kernel = kernels[SEQUENCE_KERNELS[encoded[at]]] as (...a: number[]) => void;
    const count = encoded[at + 1];
    kernel(...Array.from({ length: count }, (_, i) => encoded[at + 2 + i]));
    at += 2 + count;
  }
}

/** A job in blocks as the control block carries it: rows, the block's rows, the call count, then each call's kernel index, argument count and its base, perFirst and perEnd arguments. */
export function encodeChunks(rows: number, chunk: number, calls: readonly RowCall[]): number[] {
  return [rows, chunk, calls.length, ...calls.flatMap((c) => [SEQUENCE_KERNELS.indexOf(c.kernel), c.base.length, ...c.base, ...c.perFirst, ...c.perEnd])];
}

/** The fewest rows a block of a job has (but its last), so that a block's calls outweigh taking it. */
export const MIN_BLOCK_ROWS = 16;

/**
 * The rows of the next block when `left` rows are left: a quarter of them (each of two threads an
 * eighth), at most the job's `chunk` and at least MIN_BLOCK_ROWS, a multiple of four. Blocks shrink
 * towards the end, so that the thread that ends first waits for a small block of the other's, not
 * a whole one (with blocks of a twelfth, 9–13 ms of waiting over split-40k's 57 jobs; now 2–3.4).
 */
const blockRows = (left: number, chunk: number): number => Math.min(chunk, Math.max(MIN_BLOCK_ROWS, 4 * Math.ceil(left / 16)));

/**
 * Takes blocks of an encoded job (encodeChunks) until none is left, each by a compare-and-swap on
 * `control[next]` (the first row not yet taken); counts its rows in `control[taken]`.
 */
export function runChunks(kernels: HeapSimd, encoded: ArrayLike<number>, control: Int32Array, next: number, taken: number): void {
  const [rows, chunk, count] = [encoded[0], encoded[1], encoded[2]];
  // Each call's kernel and an array for its arguments, filled in for each block.
  const calls: { kernel: (...a: number[]) => void; at: number; args: number[] }[] = [];
  for (let c = 0, at = 3; c < count; c++) {
    const n = encoded[at + 1];
    calls.push({ kernel: kernels[SEQUENCE_KERNELS[encoded[at]]] as (...a: number[]) => void, at: at + 2, args: new Array<number>(n).fill(0) });
    at += 2 + 3 * n;
  }
  let first = Atomics.load(control, next);
  for (;;) {
    if (first >= rows) return;
    const end = Math.min(rows, first + blockRows(rows - first, chunk));
    const seen = Atomics.compareExchange(control, next, first, end);
    if (seen !== first) {
      first = seen;
      continue;
    }
    Atomics.add(control, taken, end - first);
    for (const { kernel, at, args } of calls) {
      const n = args.length;
      for (let i = 0; i < n; i++) args[i] = encoded[at + i] + encoded[at + n + i] * first + encoded[at + 2 * n + i] * end;
      kernel(...args);
    }
    first = Atomics.load(control, next);
  }
}

/** The calls of a job in blocks (RowCalls) for rows [first, end). */
export const callsAt = (calls: readonly RowCall[], first: number, end: number): HeapCall[] =>
  calls.map((c) => ({ kernel: c.kernel, args: c.base.map((b, j) => b + c.perFirst[j] * first + c.perEnd[j] * end) }));

/**
 * `calls(first, end)` as RowCalls, read off at three blocks and checked at a fourth and at all
 * `rows`; null where the arguments are not of that form (the job then goes in two fixed halves).
 */
export function rowCalls(rows: number, calls: (first: number, end: number) => HeapCall[]): RowCall[] | null {
  const [at0, at4, at44] = [calls(0, 0), calls(0, 4), calls(4, 4)];
  const template = at0.map((c, i) => ({
    kernel: c.kernel,
    base: c.args,
    perEnd: c.args.map((a, j) => (at4[i].args[j] - a) / 4),
    perFirst: c.args.map((_, j) => (at44[i].args[j] - at4[i].args[j]) / 4),
  }));
  const fits = (first: number, end: number) => {
    const [got, want] = [calls(first, end), callsAt(template, first, end)];
    return got.length === want.length && got.every((c, i) => c.kernel === want[i].kernel && c.args.length === want[i].args.length && c.args.every((a, j) => a === want[i].args[j]));
  };
  return fits(8, 20) && fits(0, rows) ? template : null;
}
